// The user's token for the pages: kept in sessionStorage (gone when the tab closes), taken once
// from the URL fragment (#token=…, which browsers never send to a server) or typed in. In
// development the gateway mints one at /dev/token; elsewhere that path is a 404.
'use strict';
(function () {
  var role = document.body.getAttribute('data-role');
  var key = 'xjzc.token.' + role;

  var match = location.hash.match(/(?:^#|&)token=([^&]+)/);
  if (match) {
    sessionStorage.setItem(key, decodeURIComponent(match[1]));
    history.replaceState(history.state, '', location.pathname + location.search);
  }

  window.XJZC_TOKEN = {
    get: function () {
      return sessionStorage.getItem(key);
    },
    set: function (token) {
      sessionStorage.setItem(key, token.trim());
    },
    clear: function () {
      sessionStorage.removeItem(key);
    },
    /** A development token of this page's role, or null where the gateway offers none. */
    development: function () {
      return fetch('/dev/token?role=' + encodeURIComponent(role), { credentials: 'omit' }).then(function (response) {
        return response.ok ? response.text() : null;
      });
    },
    /**
     * Wires the page's token form (#token-form, #token-input) and its development button
     * (#token-dev, shown only where the gateway mints tokens): each calls `onToken` once a token is set.
     */
    bindForm: function (onToken) {
      var api = this;
      var input = document.getElementById('token-input');
      var dev = document.getElementById('token-dev');
      dev.hidden = document.body.getAttribute('data-dev-tokens') !== 'true';
      document.getElementById('token-form').addEventListener('submit', function (event) {
        event.preventDefault();
        var value = input.value.trim();
        if (!value) return;
        api.set(value);
        input.value = '';
        onToken();
      });
      dev.addEventListener('click', function () {
        api.development().then(function (token) {
          if (token) {
            api.set(token);
            onToken();
          }
        });
      });
    },
  };
})();
