// The analyst's workbench (/workbench): GraphiQL from its prebuilt files in node_modules, served by
// the gateway, sending the analyst's token with every request. Schema and docs come from the
// gateway's introspection (off in production, where the docs pane stays empty); the example
// operations answer the common questions.
'use strict';
(function () {
  var TOKEN = window.XJZC_TOKEN;
  var $ = function (id) { return document.getElementById(id); };

  var EXAMPLES = [
    {
      query: [
        '# 全省 2024 年中级职称申报，最新提交在前（跨地区合并，一个游标）',
        '# All 2024 intermediate applications across the province, newest submission first (one list, one cursor)',
        'query ProvinceIntermediate2024($after: String) {',
        '  applications(filter: { year: 2024, level: [INTERMEDIATE] }, first: 50, after: $after) {',
        '    totalCount',
        '    complete',
        '    missingRegions',
        '    pageInfo { hasNextPage endCursor }',
        '    edges { node { id region year series level levelLabel reviewKind status submittedAt } }',
        '  }',
        '}',
      ].join('\n'),
      variables: '{ "after": null }',
    },
    {
      query: [
        '# 各地区 2024 年按级别统计（小于 5 的数值隐藏）',
        '# Counts per region for 2024 by level (counts below 5 withheld)',
        'query LevelsByRegion2024 {',
        '  regions {',
        '    code',
        '    name',
        '    statistics(year: 2024, groupBy: [LEVEL]) { level count suppressed }',
        '  }',
        '}',
      ].join('\n'),
    },
    {
      query: [
        '# 某人 2024 年是否已在任一地区申报评审（一年一次）',
        '# Has this person already applied for a review in 2024, anywhere? (one review a year)',
        'query AnnualReview($idNumber: String!) {',
        '  person(idNumber: $idNumber) {',
        '    key',
        '    idNumberMasked',
        '    records { region found }',
        '    annualReview(year: 2024) { verdict complete missingRegions counted { region year reviewKind status } }',
        '  }',
        '}',
      ].join('\n'),
      variables: '{ "idNumber": "65280119790314991x" }',
    },
    {
      query: [
        '# 2024 年各评审批次的申报时间窗口',
        '# The 2024 review batches and their application windows',
        'query Batches2024 {',
        '  reviewBatches(year: 2024) { code region title windows { kind status opensAt closesAt tentative } }',
        '}',
      ].join('\n'),
    },
  ];

  function fetcher(params) {
    return fetch('/graphql', {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer ' + (TOKEN.get() || '') },
      body: JSON.stringify(params),
    }).then(function (response) { return response.json(); });
  }

  var root = ReactDOM.createRoot($('graphiql'));
  function render() {
    $('token-state').textContent = TOKEN.get() ? '已设置 set' : '未设置 not set';
    // A new key remounts GraphiQL, so the schema is fetched again with the new token.
    root.render(React.createElement(GraphiQL, {
      key: TOKEN.get() || 'none',
      fetcher: fetcher,
      defaultTabs: EXAMPLES,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    }));
  }

  TOKEN.bindForm(render);

  // The CSV comes streamed from GET /export/applications.csv; a link cannot carry the bearer
  // token, so it is fetched and handed to the browser as a file.
  $('csv-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var params = new URLSearchParams();
    if ($('csv-year').value) params.set('year', $('csv-year').value);
    if ($('csv-level').value.trim()) params.set('level', $('csv-level').value.trim());
    $('csv-state').textContent = '下载中 downloading…';
    fetch('/export/applications.csv?' + params.toString(), { credentials: 'omit', headers: { authorization: 'Bearer ' + (TOKEN.get() || '') } })
      .then(function (response) {
        if (!response.ok) {
          return response.json().then(function (body) { throw new Error(body.errors ? body.errors[0].message : response.statusText); });
        }
        var missing = response.headers.get('x-missing-regions');
        return response.blob().then(function (blob) {
          var link = document.createElement('a');
          link.href = URL.createObjectURL(blob);
          link.download = 'applications' + (params.get('year') ? '-' + params.get('year') : '') + '.csv';
          document.body.appendChild(link);
          link.click();
          link.remove();
          setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
          $('csv-state').textContent = missing ? '不完整，缺少 incomplete, missing: ' + missing : '完成 done';
        });
      })
      .catch(function (error) {
        $('csv-state').textContent = '失败 failed: ' + error.message;
      });
  });

  render();
})();
