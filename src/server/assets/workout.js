/* global document, window, fetch */
// Workout page: the track with Leaflet (GPS workouts only) and one uPlot
// chart per series the server prepared (units, inverted pace axis and robust
// ranges come with the data), pauses shaded, laps marked, ticks at round
// minutes and one hover cursor shared by all charts. Data: ./data.json.
(function () {
  'use strict';
  var chartsEl = document.getElementById('charts');
  var mapEl = document.getElementById('map');
  var src = (chartsEl && chartsEl.getAttribute('data-src')) || (mapEl && mapEl.getAttribute('data-src'));
  if (!src) return;

  function clock(sec) {
    if (sec == null || !isFinite(sec)) return '';
    sec = Math.round(sec);
    var h = Math.floor(sec / 3600),
      m = Math.floor((sec % 3600) / 60),
      s = sec % 60;
    var mm = (h > 0 && m < 10 ? '0' : '') + m,
      ss = (s < 10 ? '0' : '') + s;
    return (h > 0 ? h + ':' : '') + mm + ':' + ss;
  }

  var FORMATS = {
    clock: clock,
    int: function (v) {
      return v == null ? '' : String(Math.round(v));
    },
    dec1: function (v) {
      return v == null ? '' : v.toFixed(1);
    },
  };

  function drawMap(track, tiles) {
    if (!mapEl || !window.L || !track || track.length < 2) return;
    var map = window.L.map(mapEl, { preferCanvas: false });
    var grid = tiles.indexOf('/tiles/') === 0;
    window.L.tileLayer(tiles, {
      maxZoom: 19,
      attribution: grid
        ? 'plain grid: set tileUrl (BANDSYNC_TILE_URL) for a map, see docs/configuration.md'
        : mapEl.getAttribute('data-attribution') || '',
    }).addTo(map);
    var line = window.L.polyline(track, { color: '#fc4c02', weight: 4, className: 'track' }).addTo(map);
    window.L.circleMarker(track[0], { radius: 6, color: '#1b6e2a', className: 'track-start' }).addTo(map);
    window.L.circleMarker(track[track.length - 1], { radius: 6, color: '#a8281b', className: 'track-end' }).addTo(map);
    map.fitBounds(line.getBounds(), { padding: [16, 16] });
    mapEl.setAttribute('data-drawn', '1');
  }

  function shadeAndMark(pauses, laps) {
    return function (u) {
      var ctx = u.ctx,
        top = u.bbox.top,
        height = u.bbox.height;
      ctx.save();
      ctx.fillStyle = 'rgba(120, 120, 140, 0.22)';
      pauses.forEach(function (p) {
        var x0 = u.valToPos(p[0], 'x', true),
          x1 = u.valToPos(p[1], 'x', true);
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      });
      ctx.strokeStyle = 'rgba(30, 90, 200, 0.7)';
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      laps.forEach(function (t) {
        var x = Math.round(u.valToPos(t, 'x', true)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
      });
      ctx.restore();
    };
  }

  // Round-minute steps for the time axis (seconds).
  var TIME_STEPS = [60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600];

  function summary(values, format) {
    var min = null,
      max = null;
    values.forEach(function (v) {
      if (v == null) return;
      if (min == null || v < min) min = v;
      if (max == null || v > max) max = v;
    });
    return min == null ? 'no data' : 'from ' + format(min) + ' to ' + format(max);
  }

  function chart(d, s, width) {
    var format = FORMATS[s.format] || FORMATS.int;
    var box = document.createElement('figure');
    box.className = 'chart';
    box.setAttribute('data-series', s.key);
    var title = document.createElement('figcaption');
    title.className = 'chart-title';
    title.textContent = s.label + ' (' + s.unit + ')';
    var readout = document.createElement('span');
    readout.className = 'readout';
    readout.setAttribute('aria-hidden', 'true');
    title.appendChild(readout);
    box.appendChild(title);
    var plot = document.createElement('div');
    plot.setAttribute('role', 'img');
    plot.setAttribute('aria-label', s.label + ' over time, ' + summary(s.values, format) + ' ' + s.unit);
    box.appendChild(plot);
    chartsEl.appendChild(box);
    var y = { auto: !s.range };
    if (s.range) y.range = [s.range[0], s.range[1]];
    if (s.invert) y.dir = -1;
    var opts = {
      width: width,
      height: width < 500 ? 150 : 180,
      legend: { show: false },
      cursor: { sync: { key: 'workout', setSeries: false }, drag: { x: false, y: false } },
      scales: { x: { time: false }, y: y },
      series: [{}, { label: s.label, stroke: s.color, width: 1.5, spanGaps: false }],
      axes: [
        {
          incrs: TIME_STEPS,
          space: width < 500 ? 70 : 60,
          values: function (u, vals) {
            return vals.map(clock);
          },
        },
        {
          values: function (u, vals) {
            return vals.map(format);
          },
          size: 52,
        },
      ],
      hooks: {
        draw: [shadeAndMark(d.pauses, d.laps)],
        setCursor: [
          function (u) {
            var i = u.cursor.idx;
            if (i == null) {
              readout.textContent = '';
              return;
            }
            var v = u.data[1][i];
            readout.textContent = clock(u.data[0][i]) + ' · ' + (v == null ? '—' : format(v) + ' ' + s.unit);
          },
        ],
      },
    };
    return new window.uPlot(opts, [d.t, s.values], plot);
  }

  function drawCharts(d) {
    if (!chartsEl || !window.uPlot) return;
    chartsEl.textContent = '';
    var width = Math.max(260, chartsEl.clientWidth || 800);
    var plots = d.series.map(function (s) {
      return chart(d, s, width);
    });
    if (!plots.length) chartsEl.textContent = 'This workout has no sample streams to chart.';
    chartsEl.setAttribute('data-drawn', String(plots.length));
    var last = width;
    window.addEventListener('resize', function () {
      var w = Math.max(260, chartsEl.clientWidth || 800);
      if (w === last) return;
      last = w;
      plots.forEach(function (u) {
        u.setSize({ width: w, height: w < 500 ? 150 : 180 });
      });
    });
  }

  fetch(src, { credentials: 'same-origin' })
    .then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    })
    .then(function (d) {
      drawMap(d.track, mapEl ? mapEl.getAttribute('data-tiles') : '');
      drawCharts(d);
    })
    .catch(function (err) {
      if (chartsEl) chartsEl.textContent = 'Could not load the samples: ' + err.message;
    });
})();
