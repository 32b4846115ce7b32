/* global document, window, fetch */
// Workout page: draws the track with Leaflet (GPS workouts only) and one uPlot
// chart per stream (heart rate, pace or speed, elevation, cadence), with
// pauses shaded and laps marked. Data comes from ./data.json (same origin).
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

  function drawMap(track, tiles) {
    if (!mapEl || !window.L || !track || track.length < 2) return;
    var map = window.L.map(mapEl, { preferCanvas: false });
    window.L.tileLayer(tiles, {
      maxZoom: 19,
      attribution: tiles.indexOf('/tiles/') === 0 ? 'grid (no tile server configured)' : '© OpenStreetMap contributors',
    }).addTo(map);
    var line = window.L.polyline(track, { color: '#fc4c02', weight: 4, className: 'track' }).addTo(map);
    window.L.circleMarker(track[0], { radius: 6, color: '#2a9d3a', className: 'track-start' }).addTo(map);
    window.L.circleMarker(track[track.length - 1], { radius: 6, color: '#c0392b', className: 'track-end' }).addTo(map);
    map.fitBounds(line.getBounds(), { padding: [16, 16] });
    mapEl.setAttribute('data-drawn', '1');
  }

  function shadeAndMark(pauses, laps) {
    return function (u) {
      var ctx = u.ctx,
        top = u.bbox.top,
        height = u.bbox.height;
      ctx.save();
      ctx.fillStyle = 'rgba(120, 120, 140, 0.18)';
      pauses.forEach(function (p) {
        var x0 = u.valToPos(p[0], 'x', true),
          x1 = u.valToPos(p[1], 'x', true);
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      });
      ctx.strokeStyle = 'rgba(30, 90, 200, 0.6)';
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      laps.forEach(function (t) {
        if (t <= 0) return;
        var x = Math.round(u.valToPos(t, 'x', true)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
      });
      ctx.restore();
    };
  }

  function chart(d, key, label, values, color, format) {
    var box = document.createElement('div');
    box.className = 'chart';
    box.setAttribute('data-series', key);
    chartsEl.appendChild(box);
    var width = Math.max(300, chartsEl.clientWidth || 800);
    var opts = {
      title: label,
      width: width,
      height: 180,
      scales: { x: { time: false } },
      legend: { show: true },
      series: [
        {
          label: 'time',
          value: function (u, v) {
            return clock(v);
          },
        },
        {
          label: label,
          stroke: color,
          width: 1.5,
          spanGaps: false,
          value: function (u, v) {
            return format(v);
          },
        },
      ],
      axes: [
        {
          values: function (u, vals) {
            return vals.map(clock);
          },
        },
        {
          values: function (u, vals) {
            return vals.map(format);
          },
          size: 60,
        },
      ],
      hooks: { draw: [shadeAndMark(d.pauses, d.laps)] },
    };
    new window.uPlot(opts, [d.t, values], box);
  }

  function drawCharts(d) {
    if (!chartsEl || !window.uPlot) return;
    chartsEl.innerHTML = '';
    var n = 0;
    if (d.heartRate) {
      chart(d, 'heartRate', 'Heart rate (bpm)', d.heartRate, '#d62728', function (v) {
        return v == null ? '' : Math.round(v);
      });
      n++;
    }
    // Speeds and cadence arrive in the sport's units (core/metrics/units.ts): a pace in seconds per
    // km / 100 m / 500 m, or km/h; steps/min for runs and walks.
    if (d.speed) {
      var pace = d.speedUnit !== 'km/h';
      chart(
        d,
        pace ? 'pace' : 'speed',
        (pace ? 'Pace (' : 'Speed (') + d.speedUnit + ')',
        d.speed,
        '#1f77b4',
        function (v) {
          return v == null ? '' : pace ? clock(v) : v.toFixed(1);
        },
      );
      n++;
    }
    if (d.altitude) {
      chart(d, 'altitude', 'Elevation (m)', d.altitude, '#2ca02c', function (v) {
        return v == null ? '' : Math.round(v);
      });
      n++;
    }
    if (d.cadence) {
      chart(d, 'cadence', 'Cadence (' + d.cadenceUnit + ')', d.cadence, '#9467bd', function (v) {
        return v == null ? '' : Math.round(v);
      });
      n++;
    }
    if (!n) chartsEl.textContent = 'This workout has no sample streams to chart.';
    chartsEl.setAttribute('data-drawn', String(n));
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
