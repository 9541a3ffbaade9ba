// The dashboard page (/dashboard): reads POST /graphql with the dashboard role's token and draws
// Apache ECharts charts (SVG renderer, so that every number on screen is text a screen reader and
// the browser tests can read). No other origin, no web fonts.
//
// A withheld count (small-cell suppression) is drawn as a marked slot labelled 已隐藏, never as a
// zero; a perturbed one (cell-key perturbation, where the API marks it) is labelled ≈n.
'use strict';
(function () {
  var L = window.XJZC_LABELS;
  var TOKEN = window.XJZC_TOKEN;
  // As many as DashboardTrend has year slots ($y0…$y9).
  var YEARS_SHOWN = 10;
  var REGION_COLORS = { bz: '#b91c1c', aks: '#1d4ed8', wlmq: '#047857' };
  var FALLBACK_COLORS = ['#7c3aed', '#c2410c', '#0e7490'];
  var WITHHELD = '已隐藏';
  var WINDOW_KINDS = {
    APPLY: '申报', AUDIT: '审核', DETERMINATION: '认定', PAPER_MATERIALS: '纸质材料', PAY: '缴费', REVIEW: '评审', DEFENCE: '答辩',
  };
  var WINDOW_COLORS = { APPLY: '#b91c1c', AUDIT: '#d97706', DETERMINATION: '#7c3aed', PAPER_MATERIALS: '#6b7280', PAY: '#0e7490', REVIEW: '#1d4ed8', DEFENCE: '#047857' };

  var $ = function (id) { return document.getElementById(id); };
  var charts = {};
  var state = { year: null, region: '', series: '' };
  var years = [];
  var generation = 0;

  function regionName(code) {
    var found = L.regions.find(function (region) { return region.code === code; });
    return found ? found.name : code;
  }
  function regionColor(code, index) {
    return REGION_COLORS[code] || FALLBACK_COLORS[index % FALLBACK_COLORS.length];
  }
  function label(dimension, value) {
    var table = L[dimension] || {};
    return (table[value] || value) + '\n' + value.toLowerCase().replace(/_/g, ' ');
  }

  // ---- GraphQL ----------------------------------------------------------------------------
  function graphql(query, variables) {
    return fetch('/graphql', {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer ' + TOKEN.get() },
      body: JSON.stringify({ query: query, variables: variables }),
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.status === 401) {
          var error = new Error('unauthenticated');
          error.unauthenticated = true;
          throw error;
        }
        if (!body.data && body.errors) throw new Error(body.errors[0].message);
        return body;
      });
    });
  }

  // The page sends only the dashboard role's trusted operations (operations/dashboard/*.graphql,
  // served as window.XJZC_OPERATIONS), their text exactly, so TRUSTED_DOCUMENTS=enforce lets them
  // through; what varies goes in variables. DashboardTrend has one slot per year shown ($y0…$y9).
  var OPERATIONS = window.XJZC_OPERATIONS;

  function trendVariables(codes) {
    var variables = { codes: codes, groupBy: state.series ? ['SERIES'] : [] };
    years.forEach(function (year, index) { variables['y' + index] = year; });
    return variables;
  }

  // The answer's year slots (y0…y9) under their years (y2015…y2024), as the charts read them.
  function byYear(regions) {
    return (regions || []).map(function (region) {
      if (!region) return region;
      var named = { code: region.code };
      years.forEach(function (year, index) { named['y' + year] = region['y' + index]; });
      return named;
    });
  }

  function breakdownVariables(codes) {
    var by = function (dimension) { return state.series ? ['SERIES', dimension] : [dimension]; };
    return { year: state.year, codes: codes, byLevel: by('LEVEL'), byReviewKind: by('REVIEW_KIND'), byStatus: by('STATUS') };
  }

  // ---- cells ----------------------------------------------------------------------------------
  // What a statistics row shows: its count, or that it is withheld, or that it is perturbed.
  function cell(row) {
    if (!row) return { value: 0, text: '0', withheld: false };
    if (row.count === null || row.count === undefined) return { value: null, text: WITHHELD, withheld: true };
    return { value: row.count, text: (row.perturbed ? '≈' : '') + row.count, withheld: false, perturbed: !!row.perturbed };
  }

  // One bar item: a withheld one sits on the axis as a marked, labelled slot, never a zero bar.
  function barItem(c, horizontal) {
    if (c.withheld) {
      return {
        value: 0,
        withheld: true,
        itemStyle: { color: 'transparent' },
        label: {
          show: true,
          formatter: WITHHELD,
          position: horizontal ? 'insideLeft' : 'insideBottom',
          rotate: horizontal ? 0 : 90,
          align: horizontal ? 'left' : 'left',
          verticalAlign: 'middle',
          color: '#374151',
          backgroundColor: '#e5e7eb',
          borderColor: '#6b7280',
          borderWidth: 1,
          borderType: 'dashed',
          padding: [1, 3],
          fontSize: 10,
        },
      };
    }
    return { value: c.value, perturbed: c.perturbed, label: { show: true, formatter: c.text } };
  }

  function tooltipFormatter(params) {
    var list = Array.isArray(params) ? params : [params];
    var head = String(list[0].name).split('\n')[0];
    return [head].concat(list.map(function (p) {
      var data = p.data || {};
      var text = data.withheld ? WITHHELD + ' withheld' : (data.perturbed ? '≈' : '') + p.value;
      return p.marker + p.seriesName.split('\n')[0] + ': ' + text;
    })).join('<br>');
  }

  // ---- charts ---------------------------------------------------------------------------------
  function chart(name) {
    if (!charts[name]) {
      charts[name] = echarts.init($('chart-' + name), null, { renderer: 'svg' });
    }
    return charts[name];
  }

  function answeredRegions(regions) {
    return (regions || []).filter(function (region) { return region && region.code; });
  }

  function drawTrend(regions) {
    var series = regions.map(function (region, index) {
      return {
        name: regionName(region.code) + '\n' + region.code,
        type: 'bar',
        barMaxWidth: 22,
        itemStyle: { color: regionColor(region.code, index) },
        label: { show: true, position: 'top', fontSize: 10 },
        data: years.map(function (year) {
          var rows = region['y' + year] || [];
          var row = state.series ? rows.find(function (r) { return r.series === state.series; }) : rows[0];
          return barItem(cell(row), false);
        }),
      };
    });
    chart('trend').setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, formatter: function (name) { return name.replace('\n', ' '); } },
      tooltip: { trigger: 'axis', formatter: tooltipFormatter },
      xAxis: { type: 'category', data: years.map(String) },
      yAxis: { type: 'value', name: '申报数 applications', nameTextStyle: { align: 'left' } },
      series: series,
    }, true);
  }

  function drawBreakdown(name, dimension, regions, horizontal) {
    var rowsOf = function (region) {
      var rows = region[name] || [];
      return state.series && name !== 'series' ? rows.filter(function (row) { return row.series === state.series; }) : rows;
    };
    // Categories: every value any answering region has, in the code list's order.
    var order = Object.keys(L[dimension]);
    var present = {};
    regions.forEach(function (region) { rowsOf(region).forEach(function (row) { present[row[dimension]] = true; }); });
    var categories = order.filter(function (value) { return present[value]; });
    var series = regions.map(function (region, index) {
      var rows = rowsOf(region);
      return {
        name: regionName(region.code) + '\n' + region.code,
        type: 'bar',
        barMaxWidth: 18,
        itemStyle: { color: regionColor(region.code, index) },
        label: { show: true, position: horizontal ? 'right' : 'top', fontSize: 10 },
        data: categories.map(function (value) {
          var row = rows.find(function (r) { return r[dimension] === value; });
          var item = barItem(cell(row), horizontal);
          if (name === 'series' && state.series && value !== state.series && !item.withheld) item.itemStyle = { opacity: 0.35 };
          return item;
        }),
      };
    });
    var categoryAxis = {
      type: 'category',
      data: categories.map(function (value) { return label(dimension, value); }),
      axisLabel: { fontSize: 10, interval: 0, lineHeight: 12 },
      inverse: horizontal,
    };
    var valueAxis = { type: 'value' };
    chart(name).setOption({
      animation: false,
      grid: horizontal ? { left: 130, right: 36, top: 28, bottom: 20 } : { left: 40, right: 12, top: 36, bottom: 40 },
      legend: { top: 0, formatter: function (n) { return n.replace('\n', ' '); } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: tooltipFormatter },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series,
    }, true);
  }

  function drawCalendar(batches) {
    var rows = batches.map(function (batch) { return batch.code + ' · ' + regionName(batch.region); });
    var data = [];
    var pending = [];
    batches.forEach(function (batch, index) {
      batch.windows.forEach(function (w) {
        if (w.opensAt && w.closesAt) {
          data.push({
            value: [index, Date.parse(w.opensAt), Date.parse(w.closesAt)],
            kind: w.kind,
            tentative: w.tentative,
            opensAt: w.opensAt,
            closesAt: w.closesAt,
            title: batch.title,
            itemStyle: { color: WINDOW_COLORS[w.kind] || '#6b7280', opacity: w.tentative ? 0.5 : 0.9 },
          });
        } else {
          pending.push(batch.code + ' ' + (WINDOW_KINDS[w.kind] || w.kind));
        }
      });
    });
    chart('calendar').setOption({
      animation: false,
      grid: { left: 210, right: 24, top: 24, bottom: 36 },
      title: pending.length
        ? { text: '待公布 to be announced: ' + pending.join('，'), bottom: 0, left: 'center', textStyle: { fontSize: 11, fontWeight: 'normal', color: '#6b7280' } }
        : undefined,
      tooltip: {
        formatter: function (p) {
          return p.data.title + '<br>' + (WINDOW_KINDS[p.data.kind] || p.data.kind) + ' ' + p.data.kind.toLowerCase() +
            '<br>' + p.data.opensAt + ' — ' + p.data.closesAt + (p.data.tentative ? '<br>暂定 tentative' : '');
        },
      },
      // Labels that would overlap are left out rather than drawn over each other; long batch names are cut.
      xAxis: { type: 'time', axisLabel: { fontSize: 10, formatter: '{M}月{d}日', hideOverlap: true } },
      yAxis: { type: 'category', data: rows, inverse: true, axisLabel: { fontSize: 11, width: 200, overflow: 'truncate', hideOverlap: true } },
      series: [{
        type: 'custom',
        encode: { x: [1, 2], y: 0 },
        data: data,
        renderItem: function (params, api) {
          var start = api.coord([api.value(1), api.value(0)]);
          var end = api.coord([api.value(2), api.value(0)]);
          var height = api.size([0, 1])[1] * 0.55;
          var width = Math.max(end[0] - start[0], 3);
          var kind = data[params.dataIndex].kind;
          return {
            type: 'group',
            children: [
              { type: 'rect', shape: { x: start[0], y: start[1] - height / 2, width: width, height: height }, style: api.style() },
              width > 30 ? { type: 'text', style: { x: start[0] + 3, y: start[1], text: WINDOW_KINDS[kind] || kind, fill: '#fff', fontSize: 10, verticalAlign: 'middle' } } : null,
            ].filter(Boolean),
          };
        },
      }],
    }, true);
  }

  // ---- state, URL, filters ------------------------------------------------------------------
  function readUrl() {
    var params = new URLSearchParams(location.search);
    var year = Number(params.get('year'));
    state.year = years.indexOf(year) >= 0 ? year : years[years.length - 1];
    var region = params.get('region') || '';
    state.region = L.regions.some(function (r) { return r.code === region; }) ? region : '';
    var series = params.get('series') || '';
    state.series = Object.prototype.hasOwnProperty.call(L.series, series) ? series : '';
  }

  function writeUrl() {
    var params = new URLSearchParams();
    params.set('year', String(state.year));
    if (state.region) params.set('region', state.region);
    if (state.series) params.set('series', state.series);
    var next = location.pathname + '?' + params.toString();
    if (next !== location.pathname + location.search) history.pushState(null, '', next);
  }

  function option(value, text) {
    var element = document.createElement('option');
    element.value = value;
    element.textContent = text;
    return element;
  }

  function fillFilters() {
    var year = $('filter-year');
    year.replaceChildren.apply(year, years.slice().reverse().map(function (y) { return option(String(y), y + ' 年'); }));
    var region = $('filter-region');
    region.replaceChildren.apply(region, [option('', '全部地区 all regions')].concat(L.regions.map(function (r) { return option(r.code, r.name + ' ' + r.code); })));
    var series = $('filter-series');
    series.replaceChildren.apply(series, [option('', '全部系列 all series')].concat(Object.keys(L.series).map(function (s) { return option(s, L.series[s] + ' ' + s.toLowerCase().replace(/_/g, ' ')); })));
  }

  function showFilters() {
    $('filter-year').value = String(state.year);
    $('filter-region').value = state.region;
    $('filter-series').value = state.series;
    var scope = state.year + ' 年 · ' + (state.region ? regionName(state.region) : '全部地区') + (state.series ? ' · ' + L.series[state.series] : '');
    document.querySelectorAll('[data-scope]').forEach(function (element) { element.textContent = scope; });
  }

  // ---- loading and errors --------------------------------------------------------------------
  function setStatus(text) {
    $('status').textContent = text;
  }

  function showRegionErrors(errors) {
    var box = $('errors');
    var regions = {};
    var other = [];
    (errors || []).forEach(function (error) {
      var region = error.extensions && error.extensions.region;
      if (region && region !== 'province') regions[region] = error.extensions.code;
      else other.push(error.message);
    });
    var lines = Object.keys(regions).map(function (code) {
      return regionName(code) + '（' + code + '）未响应，其数据未显示 · Region ' + code + ' did not answer (' + regions[code] + '); the other regions are shown.';
    }).concat(other.map(function (message) { return '错误 Error: ' + message; }));
    box.replaceChildren.apply(box, lines.map(function (line) { var p = document.createElement('p'); p.textContent = line; return p; }));
    box.hidden = lines.length === 0;
    return Object.keys(regions);
  }

  function askForToken(reason) {
    $('token-panel').hidden = false;
    $('charts').hidden = true;
    $('token-reason').textContent = reason || '';
    setStatus('');
  }

  // ---- loading the data ----------------------------------------------------------------------
  function load() {
    var mine = ++generation;
    showFilters();
    var codes = state.region ? [state.region] : null;
    var names = ['trend', 'calendar', 'series', 'level', 'reviewKind', 'status'];
    names.forEach(function (name) { chart(name).showLoading({ text: '加载中 Loading…', color: '#b91c1c' }); });
    setStatus('加载中 Loading…');
    document.body.setAttribute('data-state', 'loading');
    var started = performance.now();
    var done = function (name) { return function () { if (mine === generation) chart(name).hideLoading(); }; };

    var trend = graphql(OPERATIONS.DashboardTrend, trendVariables(codes)).then(function (body) {
      if (mine !== generation) return body;
      // A region that did not answer has no statistics at all: left out and named, never drawn as withheld.
      drawTrend(answeredRegions(byYear(body.data.regions)).filter(function (region) {
        return years.some(function (year) { return region['y' + year] !== null && region['y' + year] !== undefined; });
      }));
      return body;
    });
    var breakdown = graphql(OPERATIONS.DashboardBreakdown, breakdownVariables(codes)).then(function (body) {
      if (mine !== generation) return body;
      var regions = answeredRegions(body.data.regions).filter(function (region) { return region.series !== null; });
      drawBreakdown('series', 'series', regions, true);
      drawBreakdown('level', 'level', regions, false);
      drawBreakdown('reviewKind', 'reviewKind', regions, true);
      drawBreakdown('status', 'status', regions, true);
      return body;
    });
    var calendar = graphql(OPERATIONS.DashboardCalendar, { year: state.year, region: state.region || null }).then(function (body) {
      if (mine !== generation) return body;
      drawCalendar(body.data.reviewBatches || []);
      return body;
    });
    trend.finally(done('trend'));
    calendar.finally(done('calendar'));
    breakdown.finally(function () { ['series', 'level', 'reviewKind', 'status'].forEach(function (name) { done(name)(); }); });

    return Promise.allSettled([trend, breakdown, calendar]).then(function (results) {
      if (mine !== generation) return;
      var unauthenticated = results.some(function (r) { return r.status === 'rejected' && r.reason && r.reason.unauthenticated; });
      if (unauthenticated) {
        TOKEN.clear();
        askForToken('令牌无效或已过期 · The token is not valid or has expired.');
        return;
      }
      var errors = [];
      results.forEach(function (r) {
        if (r.status === 'fulfilled') errors = errors.concat(r.value.errors || []);
        else errors.push({ message: String(r.reason && r.reason.message) });
      });
      var missing = showRegionErrors(errors);
      document.body.setAttribute('data-missing-regions', missing.join(','));
      document.body.setAttribute('data-state', 'ready');
      setStatus('更新于 ' + new Date().toLocaleTimeString('zh-CN') + ' · ' + Math.round(performance.now() - started) + ' ms');
    });
  }

  // Which years exist: the review batches' latest year, and the years before it.
  function start() {
    $('token-panel').hidden = true;
    $('charts').hidden = false;
    return graphql(OPERATIONS.DashboardSetup, {})
      .then(function (body) {
        var latest = Math.max.apply(null, body.data.reviewBatches.map(function (batch) { return batch.year; }).concat(body.data.reviewBatches.length ? [] : [new Date().getFullYear()]));
        years = [];
        for (var y = latest - YEARS_SHOWN + 1; y <= latest; y++) years.push(y);
        fillFilters();
        readUrl();
        return load();
      })
      .catch(function (error) {
        if (error.unauthenticated) {
          TOKEN.clear();
          askForToken('令牌无效或已过期 · The token is not valid or has expired.');
          return;
        }
        showRegionErrors([{ message: error.message }]);
      });
  }

  // ---- wiring ---------------------------------------------------------------------------------
  $('filters').addEventListener('change', function () {
    state.year = Number($('filter-year').value);
    state.region = $('filter-region').value;
    state.series = $('filter-series').value;
    writeUrl();
    load();
  });
  window.addEventListener('popstate', function () {
    readUrl();
    load();
  });
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (name) { charts[name].resize(); });
  });
  TOKEN.bindForm(start);
  $('token-change').addEventListener('click', function () {
    TOKEN.clear();
    askForToken('');
  });

  if (TOKEN.get()) start();
  else askForToken('');
})();
