// The simulator's own web page for an activity (GET /activities/:id), where
// Strava's site would show it: what Strava made of the upload (name, sport,
// start, distance, times, elevation, heart rate, calories, device), so the
// dashboard's "View on Strava" leads somewhere real in the demo and in tests.
import type { Hono } from 'hono';
import type { SimState } from './state.js';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export function registerWebPages(app: Hono, state: SimState): void {
  app.get('/activities/:id', (c) => {
    const a = state.activities.find((x) => String(x.id) === c.req.param('id'));
    if (!a) return c.html('<!doctype html><title>Not found · Strava simulator</title><h1>No such activity</h1>', 404);
    const rows: [string, string][] = [
      ['Sport', a.sportType],
      ['Start (UTC)', new Date(a.startMs).toISOString().replace('T', ' ').slice(0, 16)],
      ['Distance', `${(a.distanceMeters / 1000).toFixed(2)} km`],
      ['Moving time', clock(a.movingSeconds)],
      ['Elapsed time', clock(a.elapsedSeconds)],
      ['Elevation gain', `${Math.round(a.elevationGainMeters)} m`],
      ['Avg heart rate', a.hasHeartrate && a.averageHeartrate != null ? `${Math.round(a.averageHeartrate)} bpm` : '—'],
      ['Max heart rate', a.hasHeartrate && a.maxHeartrate != null ? `${Math.round(a.maxHeartrate)} bpm` : '—'],
      ['Calories', a.calories != null ? `${Math.round(a.calories)} kcal` : '—'],
      ['Device', a.deviceName ?? '—'],
      ['External id', a.externalId ?? '—'],
    ];
    return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(a.name)} · Strava simulator</title></head>
<body><p>Strava simulator: the activity as Strava would show it.</p>
<h1 id="activity-name">${esc(a.name)}</h1>
<table id="activity">${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td data-field="${esc(k)}">${esc(v)}</td></tr>`).join('')}</table>
</body></html>`);
  });
}
