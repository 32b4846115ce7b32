/* global document, window, EventSource */
// Live parts of Overview and Backfill: progress and rate budget from /events
// (server-sent events). Without JavaScript the pages still show the state as
// of loading.
(function () {
  'use strict';
  var block = document.getElementById('backfill');
  var budgetRows = document.getElementById('budget-rows');
  var countRows = document.getElementById('count-rows');
  if (!block && !budgetRows) return;
  if (!window.EventSource) return;
  var source = new EventSource('/events');

  function field(name) {
    return block && block.querySelector('[data-field="' + name + '"]');
  }

  source.addEventListener('progress', function (ev) {
    var p = JSON.parse(ev.data);
    if (!block) return;
    var pct = p.total > 0 ? Math.floor((p.done / p.total) * 100) : p.finished ? 100 : 0;
    var bar = document.getElementById('backfill-progress');
    if (!bar) {
      block.innerHTML = '';
      var h = document.createElement('h2');
      block.appendChild(h);
      bar = document.createElement('progress');
      bar.id = 'backfill-progress';
      bar.max = 100;
      block.appendChild(bar);
      var para = document.createElement('p');
      var strong = document.createElement('strong');
      strong.setAttribute('data-field', 'percent');
      para.appendChild(strong);
      para.appendChild(document.createTextNode(' · '));
      var span = document.createElement('span');
      span.setAttribute('data-field', 'summary');
      para.appendChild(span);
      block.appendChild(para);
      var wait = document.createElement('p');
      wait.className = 'muted';
      wait.setAttribute('data-field', 'waiting');
      block.appendChild(wait);
    }
    block.querySelector('h2').textContent = 'Backfill ' + (p.finished ? 'finished' : 'running');
    bar.value = pct;
    bar.textContent = pct + ' %';
    field('percent').textContent = pct + ' %';
    field('summary').textContent =
      p.done +
      ' of ' +
      p.total +
      ' done · ' +
      p.uploaded +
      ' uploaded · ' +
      p.duplicates +
      ' duplicates · ' +
      p.skipped +
      ' skipped · ' +
      p.failed +
      ' failed';
    field('waiting').textContent = p.waiting || '';
    block.setAttribute('data-percent', String(pct));
  });

  var STATES = [
    'discovered',
    'fetched',
    'converted',
    'uploading',
    'processing',
    'synced',
    'duplicate',
    'skipped',
    'failed',
    'needs_user',
  ];
  var labels = {};
  try {
    labels = JSON.parse((countRows && countRows.getAttribute('data-labels')) || '{}');
  } catch {
    labels = {};
  }
  source.addEventListener('counts', function (ev) {
    if (!countRows) return;
    var counts = JSON.parse(ev.data);
    var total = 0;
    countRows.textContent = '';
    function row(label, n, state) {
      var tr = document.createElement('tr');
      var th = document.createElement('th');
      if (state) {
        var a = document.createElement('a');
        a.href = '/workouts?state=' + state;
        var badge = document.createElement('span');
        badge.className = 'state state-' + state;
        badge.textContent = labels[state] || label;
        a.appendChild(badge);
        th.appendChild(a);
      } else {
        th.textContent = label;
        tr.className = 'total';
      }
      var td = document.createElement('td');
      td.className = 'num';
      td.textContent = String(n);
      tr.appendChild(th);
      tr.appendChild(td);
      countRows.appendChild(tr);
    }
    STATES.forEach(function (s) {
      var n = counts[s] || 0;
      total += n;
      if (n > 0) row(s.replace('_', ' '), n, s);
    });
    row('total', total, null);
  });

  source.addEventListener('budget', function (ev) {
    if (!budgetRows) return;
    var b = JSON.parse(ev.data);
    var rows = budgetRows.querySelectorAll('tr');
    var values = [
      [b.overall.usage15, b.overall.limit15],
      [b.overall.usageDay, b.overall.limitDay],
      [b.read.usage15, b.read.limit15],
      [b.read.usageDay, b.read.limitDay],
    ];
    values.forEach(function (v, i) {
      var row = rows[i];
      if (!row) return;
      var meter = row.querySelector('meter');
      var pct = v[1] > 0 ? Math.min(100, Math.round((v[0] / v[1]) * 100)) : 0;
      meter.max = v[1];
      meter.value = v[0];
      meter.title = pct + ' %';
      var label = meter.getAttribute('aria-label') || '';
      meter.setAttribute('aria-label', label.replace(/: .*$/, '') + ': ' + v[0] + ' of ' + v[1] + ' (' + pct + ' %)');
      row.querySelector('td.num').textContent = v[0] + ' / ' + v[1];
    });
  });
})();
