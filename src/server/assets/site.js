/* global document, window */
// Every page: the phone menu, and service times (next poll, rate-limit reset,
// ledger) rewritten from the server's UTC into the browser's own time zone.
// Without JavaScript the links wrap and the times stay readable in UTC.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function ready(fn) {
    if (document.readyState !== 'loading') fn();
    else document.addEventListener('DOMContentLoaded', fn);
  }

  function setUpMenu() {
    var toggle = document.querySelector('.menu-toggle');
    var header = document.querySelector('header.top');
    if (!toggle || !header) return;
    toggle.addEventListener('click', function () {
      var open = !header.classList.contains('open');
      header.classList.toggle('open', open);
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }

  var lang = (window.navigator && window.navigator.language) || 'en';
  function fmt(options) {
    try {
      return new Intl.DateTimeFormat(lang, options);
    } catch {
      return new Intl.DateTimeFormat('en', options);
    }
  }
  var clockFmt = fmt({ hour: '2-digit', minute: '2-digit' });
  var dayFmt = fmt({ weekday: 'short', day: 'numeric', month: 'short' });
  var dayYearFmt = fmt({ day: 'numeric', month: 'short', year: 'numeric' });

  function sameDay(a, b) {
    return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  /** "in 6 min", "in 2 h 5 min", "3 min ago", "now". */
  function relative(ms) {
    var past = ms < 0;
    var min = Math.round(Math.abs(ms) / 60000);
    if (min < 1) return past ? 'just now' : 'in less than a minute';
    var text = min < 60 ? min + ' min' : Math.floor(min / 60) + ' h' + (min % 60 ? ' ' + (min % 60) + ' min' : '');
    if (min >= 48 * 60) text = Math.round(min / 1440) + ' days';
    return past ? text + ' ago' : 'in ' + text;
  }

  /** "18:00", "Fri 5 Dec, 18:00" (not today) or "5 Dec 2025, 18:00" (another year). */
  function when(d, now) {
    var clock = clockFmt.format(d);
    if (sameDay(d, now)) return clock;
    if (d.getFullYear() === now.getFullYear()) return dayFmt.format(d) + ', ' + clock;
    return dayYearFmt.format(d) + ', ' + clock;
  }

  function localize() {
    var now = new Date();
    var zone = '';
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {
      zone = '';
    }
    var els = document.querySelectorAll('time[data-local]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var d = new Date(el.getAttribute('datetime'));
      if (isNaN(d.getTime())) continue;
      var style = el.getAttribute('data-local');
      var text = when(d, now);
      if (style === 'until') text += ', ' + relative(d.getTime() - now.getTime());
      else if (style === 'ago') text = relative(d.getTime() - now.getTime()) + ' (' + text + ')';
      el.textContent = text;
      if (zone) el.title = d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC · shown in ' + zone;
    }
  }

  window.bandsyncLocalize = localize;
  ready(function () {
    setUpMenu();
    localize();
    // Relative times ("in 6 min") stay true while the page is open.
    window.setInterval(localize, 30000);
  });
})();
