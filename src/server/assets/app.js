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

  var PARTS = [
    ['uploaded', 'on Strava'],
    ['processing', 'processing at Strava'],
    ['duplicates', 'already on Strava'],
    ['skipped', 'skipped'],
    ['failed', 'failed or need you'],
    ['pending', 'waiting to be sent'],
  ];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text != null) e.textContent = text;
    return e;
  }

  // The same block progressBlock() renders on the server, built once when a backfill starts while the page is open.
  function build() {
    block.textContent = '';
    block.appendChild(el('h2'));
    block.appendChild(el('progress', { id: 'backfill-progress', max: '100', 'aria-label': 'Backfill progress' }));
    var para = el('p');
    para.appendChild(el('strong', { 'data-field': 'percent' }));
    para.appendChild(document.createTextNode(' · '));
    para.appendChild(el('span', { 'data-field': 'done' }));
    block.appendChild(para);
    var list = el('ul', { class: 'progress-counts', 'data-field': 'counts' });
    PARTS.forEach(function (part) {
      var li = el('li', { 'data-count': part[0] });
      li.appendChild(el('strong'));
      li.appendChild(document.createTextNode(' ' + part[1]));
      list.appendChild(li);
    });
    block.appendChild(list);
    block.appendChild(el('p', { class: 'muted', 'data-field': 'waiting' }));
  }

  source.addEventListener('progress', function (ev) {
    var p = JSON.parse(ev.data);
    if (!block) return;
    var pct = p.total > 0 ? Math.floor((p.done / p.total) * 100) : p.finished ? 100 : 0;
    if (!document.getElementById('backfill-progress') || !field('counts')) build();
    var bar = document.getElementById('backfill-progress');
    block.querySelector('h2').textContent = 'Backfill ' + (p.finished ? 'finished' : 'running');
    bar.value = pct;
    bar.textContent = pct + ' %';
    field('percent').textContent = pct + ' %';
    field('done').textContent = p.done + ' of ' + p.total + ' done';
    PARTS.forEach(function (part) {
      var n = block.querySelector('[data-count="' + part[0] + '"] strong');
      if (n) n.textContent = String(p[part[0]] || 0);
    });
    var waiting = field('waiting');
    waiting.textContent = p.waiting || '';
    if (p.resumesAt) {
      waiting.appendChild(document.createTextNode(': resumes at '));
      var t = el(
        'time',
        { datetime: p.resumesAt, 'data-local': 'until' },
        p.resumesAt.slice(0, 16).replace('T', ' ') + ' UTC',
      );
      waiting.appendChild(t);
      if (window.bandsyncLocalize) window.bandsyncLocalize();
    }
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
