// One workout, led by the workout itself: its name, local start time and the
// stats of its sport, then splits or laps, map and charts, then the
// band-vs-Strava numbers, the ledger, and the actions and downloads.
import type { Hono } from 'hono';
import { headerStats, sportWords, splitTable, workoutTitle, type SplitTable } from '../../app/workout-display.js';
import { chartData } from '../../app/workout-charts.js';
import { assetUrl } from '../assets.js';
import type { RemoteNumbers, ServerDeps, StravaUpdateResult } from '../deps.js';
import { pendingStravaUpdates } from '../../sync/activity-updates.js';
import { formatDistance } from '../../core/metrics/units.js';
import { hasTrack } from '../../core/metrics/chart-series.js';
import { summarize, type WorkoutSummary } from '../../core/metrics/summarize.js';
import type { Sport } from '../../core/workout/types.js';
import type { AppEnv } from '../security.js';
import { STRAVA_SPORT_TYPES, isStravaSportType } from '../../sync/strava-sport-types.js';
import { clock } from '../../app/units.js';
import { csrfField, fmtNumber, html, type Html } from '../views/html.js';
import { quantity, quantityText } from '../views/quantity.js';
import { stateBadge, stateMeaning } from '../views/states.js';
import { serviceTime, utcOffsetLabel, workoutDateTime } from '../views/time.js';
import { problemBlock, stravaLink } from '../views/workout-bits.js';
import { STRAVA_DATA_HIDDEN, withoutStravaIds } from '../views/strava-data.js';
import { notFoundPage } from './not-found.js';
import { errorText, formString, redirectWith, render } from './render.js';
import { safeNext } from '../security.js';
import type { SyncRecord } from '../../sync/ports.js';

type Row = {
  label: string;
  /** The band's number: core's summary, the same `bandsync inspect --json` prints. */
  band: keyof WorkoutSummary;
  remote: keyof RemoteNumbers;
  fmt: (v: number | null, sport: Sport) => string;
  tolerance: (v: number) => number;
};

// A difference is highlighted when it exceeds what rounding and Strava's own
// recomputation explain.
const ROWS: Row[] = [
  {
    label: 'Distance',
    band: 'distanceMeters',
    remote: 'distanceMeters',
    fmt: (v, sport) => formatDistance(sport, v),
    tolerance: (v) => Math.max(50, v * 0.01),
  },
  // The band's active time: what Strava shows as moving time for a file with timer events (F3).
  { label: 'Moving time', band: 'timerSeconds', remote: 'movingSeconds', fmt: clock, tolerance: () => 5 },
  { label: 'Elapsed time', band: 'elapsedSeconds', remote: 'elapsedSeconds', fmt: clock, tolerance: () => 2 },
  {
    label: 'Elevation gain',
    band: 'ascentMeters',
    remote: 'elevationGainMeters',
    fmt: (v) => fmtNumber(v, 'm'),
    tolerance: (v) => Math.max(5, v * 0.05),
  },
  {
    label: 'Average heart rate',
    band: 'avgHeartRate',
    remote: 'avgHeartRate',
    fmt: (v) => fmtNumber(v, 'bpm'),
    tolerance: () => 1.5,
  },
  {
    label: 'Calories',
    band: 'calories',
    remote: 'calories',
    fmt: (v) => fmtNumber(v, 'kcal'),
    tolerance: (v) => Math.max(5, v * 0.02),
  },
];

export function differs(source: number | null, remote: number | null, tolerance: (v: number) => number): boolean {
  if (source === null || remote === null) return false;
  return Math.abs(source - remote) > tolerance(Math.abs(source));
}

/** Why there are no Strava numbers to compare, in the words of the workout's state. */
function noRemoteText(record: SyncRecord | null, remoteError: string | null): string {
  if (remoteError) return remoteError;
  if (!record) return 'Not on Strava yet.';
  if (record.state === 'duplicate')
    return 'Strava already had this activity; its numbers are read when it is next listed (they were not recorded when it was matched).';
  if (record.state === 'synced') return "Strava's numbers are read with the next listing of your activities.";
  return 'Not on Strava yet.';
}

function comparison(band: WorkoutSummary, remote: RemoteNumbers | null, note: string): Html {
  return html`<table class="compare" id="compare"><thead><tr><th scope="col">Metric</th><th scope="col" class="num">Band</th><th scope="col" class="num">Strava</th></tr></thead><tbody>
${ROWS.map((r) => {
  const a = band[r.band] as number | null;
  const b = remote ? (remote[r.remote] as number | null) : null;
  const diff = differs(a, b, r.tolerance);
  return html`<tr class="${diff ? 'diff' : ''}" data-metric="${r.remote}"><th scope="row">${r.label}</th><td class="num" data-band="${r.band}" data-value="${a ?? ''}">${r.fmt(a, band.sport)}</td><td class="num">${remote ? r.fmt(b, band.sport) : ''}${diff ? html` <span class="diff-mark" title="differs from the band">≠<span class="visually-hidden"> differs from the band</span></span>` : ''}</td></tr>`;
})}
</tbody></table>
${remote ? '' : html`<p class="muted" id="compare-note">${note}</p>`}` as Html;
}

function splitsSection(t: SplitTable): Html {
  const pool = t.title === 'Lengths';
  return html`<section class="card" id="splits"><h2>${t.title}</h2>
<table class="splits" id="splits-table"><thead><tr><th scope="col">#</th>${pool ? '' : html`<th scope="col" class="num">Distance</th>`}<th scope="col" class="num">Time</th><th scope="col" class="num">${t.paceLabel}</th>${pool ? html`<th scope="col" class="num">Strokes</th><th scope="col" class="num">SWOLF</th>` : html`<th scope="col" class="num">Avg HR</th>`}</tr></thead><tbody>
${t.rows.map(
  (r) =>
    html`<tr><th scope="row">${r.label}</th><td class="num">${quantityText(r.distance)}</td><td class="num">${r.time}</td><td class="num">${r.pace ? quantity(r.pace) : '—'}</td>${
      pool
        ? html`<td class="num">${r.strokes ?? '—'}</td><td class="num">${r.swolf ?? '—'}</td>`
        : html`<td class="num">${r.avgHeartRate != null ? Math.round(r.avgHeartRate) : '—'}</td>`
    }</tr>`,
)}
</tbody></table></section>` as Html;
}

const FORMATS = ['fit', 'tcx', 'gpx'] as const;
const ACTIONS = {
  retry: 'Retry started: it goes up now; its state and ledger below follow.',
  skip: 'Workout skipped.',
  upload: 'Upload started: its state and ledger below follow.',
  anyway: 'Uploading what could be read of the damaged file: its state and ledger below follow.',
  remap: 'Sport re-mapped.',
} as const;

const utcClock = (iso: string) => `${iso.slice(11, 16)} UTC`;

/** What the re-map did, in words: done only when it is done (on Strava too, for a synced workout). */
export function remapMessage(sportType: string, r: StravaUpdateResult): { kind: 'ok' | 'error'; text: string } {
  switch (r.kind) {
    case 'updated':
      return { kind: 'ok', text: `Sport re-mapped to ${sportType}; the Strava activity now shows ${r.sportType}.` };
    case 'not_on_strava':
      return { kind: 'ok', text: `Sport re-mapped to ${sportType}; it goes up to Strava as ${sportType}.` };
    case 'pending':
      return {
        kind: 'error',
        text: `Sport re-mapped to ${sportType} here, but the Strava activity is not updated yet (${r.code}: ${r.reason}). The update is kept and sent by the next sync or poll${r.retryAt ? `, not before ${utcClock(r.retryAt)}` : ''}.`,
      };
    case 'refused':
      return {
        kind: 'error',
        text: `Sport re-mapped to ${sportType} here, but the Strava activity was not changed (${r.code}: ${r.reason}).`,
      };
  }
}
type ActionName = keyof typeof ACTIONS;
const isAction = (name: string): name is ActionName => Object.prototype.hasOwnProperty.call(ACTIONS, name);

/** The actions that can do something for a workout in this state; nothing else is offered (or accepted). */
export function offeredActions(record: SyncRecord | null): ActionName[] {
  if (!record) return [];
  switch (record.state) {
    case 'fetched':
    case 'converted':
      return ['upload', 'skip', 'remap'];
    case 'failed':
      return ['retry', 'skip', 'remap'];
    case 'skipped':
      return ['retry', 'remap'];
    case 'needs_user':
      return record.code === 'source_damaged' ? ['anyway', 'skip', 'remap'] : ['retry', 'skip', 'remap'];
    case 'discovered':
      return ['skip', 'remap'];
    default:
      // uploading, processing, synced, duplicate: already sent; only its sport can change (on Strava too).
      return ['remap'];
  }
}

export function registerWorkout(app: Hono<AppEnv>, deps: ServerDeps): void {
  const stravaWeb = (deps.stravaWebUrl ?? 'https://www.strava.com').replace(/\/$/, '');

  app.get('/workouts/:id', async (c) => {
    const id = c.req.param('id');
    const stored = await c.get('view').store.getWorkout(id);
    if (!stored) return notFoundPage(c, 'workout');
    const [record, ledger, account, pendingUpdates] = await Promise.all([
      c.get('view').store.getRecord(id, 'strava'),
      c.get('view').store.listLedger({ workoutId: id, limit: 200 }),
      c.get('view').store.getAccount(stored.accountId),
      pendingStravaUpdates(c.get('view')),
    ]);
    const pendingUpdate = pendingUpdates[id];
    const show = c.get('view').showStravaData;
    let remote: RemoteNumbers | null = null;
    let remoteError: string | null = show ? null : STRAVA_DATA_HIDDEN;
    if (record?.activityId && show) {
      try {
        remote = await c.get('view').engine.remoteNumbers(id);
      } catch (err) {
        remoteError = `Strava numbers unavailable: ${errorText(err)}`;
      }
    }
    const w = stored.workout;
    const title = workoutTitle(w);
    const gps = hasTrack(w);
    const csrf = c.get('session').csrf;
    const base = `/workouts/${encodeURIComponent(id)}`;
    const splits = splitTable(w);
    const offered = offeredActions(record);
    const action = (name: ActionName, label: string) =>
      offered.includes(name)
        ? html`<form method="post" action="${base}/${name}">${csrfField(csrf)}<button name="action" value="${name}">${label}</button></form>`
        : '';
    const body = html`
<p class="crumbs small"><a href="/workouts">← All workouts</a></p>
<section class="card workout-head" id="summary">
<h1>${title}</h1>
<p class="when"><span id="workout-sport">${sportWords(w.sport)}</span> · <time id="workout-start" datetime="${w.startTime}">${workoutDateTime(w.startTime, w.utcOffsetSeconds)}</time> <span class="muted">(${utcOffsetLabel(w.utcOffsetSeconds)})</span> · ${w.device.name} · ${account?.label ?? 'removed account'}</p>
<dl class="stats" id="stats">${headerStats(w).map((s) => html`<div data-stat="${s.key}"><dt>${s.label}</dt><dd>${quantity(s)}</dd></div>`)}</dl>
<p class="sync-line" id="sync-state">${record ? html`${stateBadge(record.state)} <span class="muted">${stateMeaning(record.state)}</span> ${show ? stravaLink(stravaWeb, record, 'strava-link') : ''}` : 'Not tracked for Strava.'}</p>
${pendingUpdate ? html`<p class="small" id="strava-update-pending">Strava update pending (the sport changed here): sent by the next sync or poll${pendingUpdate.notBefore ? html`, not before ${serviceTime(pendingUpdate.notBefore)}` : ''}. <span class="muted">${withoutStravaIds(pendingUpdate.lastError ?? '', show)}</span></p>` : ''}
${record ? problemBlock(record, csrf, base, false, show) : ''}
</section>
${splits ? splitsSection(splits) : ''}
${gps ? html`<section class="card" aria-label="Map"><div id="map" class="map" data-src="${base}/data.json" data-tiles="${deps.tileUrl ?? '/tiles/{z}/{x}/{y}.svg'}" data-attribution="${deps.tileAttribution ?? ''}" role="region" aria-label="Map of the track"></div></section>` : html`<p class="muted" id="no-map">${w.indoor ? 'Indoor workout: no map.' : 'No GPS track recorded.'}</p>`}
<section class="card"><h2>Charts</h2><div id="charts" data-src="${base}/data.json"><noscript>Charts need JavaScript.</noscript></div>
<p class="muted legend small"><span class="swatch pause"></span> pauses · <span class="swatch lap"></span> laps · hover or touch a chart to read every chart at that moment</p></section>
<section class="card" id="strava-compare"><h2>Band vs Strava</h2>${comparison(summarize(w), remote, noRemoteText(record, remoteError))}</section>
<section class="card"><h2>Ledger</h2><table class="cards ledger" id="ledger"><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Change</th><th scope="col">Reason</th></tr></thead><tbody>
${ledger.map((e) => html`<tr><td data-label="When">${serviceTime(e.at)}</td><td data-label="Event">${e.event}</td><td data-label="Change">${e.fromState ?? ''}${e.toState ? ` → ${e.toState}` : ''}</td><td class="lead-reason">${withoutStravaIds(e.reason, show)}</td></tr>`)}
</tbody></table></section>
<section class="actions card" id="actions"><h2>Actions</h2>
  ${action('upload', 'Upload now')} ${action('anyway', 'Upload anyway')} ${action('retry', 'Retry')} ${action('skip', 'Skip')}
  ${offered.includes('remap') ? html`<form method="post" action="${base}/remap">${csrfField(csrf)}<label>Strava sport type <select name="sportType" required><option value="">choose…</option>${STRAVA_SPORT_TYPES.map((t) => html`<option>${t}</option>`)}</select></label> <button name="action" value="remap">Re-map sport</button></form>` : ''}
  <p class="downloads">Download: ${FORMATS.map((f) => html`<a href="${base}/export/${f}" download>${f.toUpperCase()}</a> `)}</p>
</section>`;
    return render(
      c,
      {
        title,
        active: 'workouts',
        styles: [assetUrl.uplot('uPlot.min.css'), ...(gps ? [assetUrl.leaflet('leaflet.css')] : [])],
        scripts: [
          assetUrl.uplot('uPlot.iife.min.js'),
          ...(gps ? [assetUrl.leaflet('leaflet.js')] : []),
          assetUrl.own('workout.js'),
        ],
      },
      body as Html,
    );
  });

  app.get('/workouts/:id/data.json', async (c) => {
    const stored = await c.get('view').store.getWorkout(c.req.param('id'));
    if (!stored) return c.json({ error: 'no such workout' }, 404);
    c.header('Cache-Control', 'private, max-age=60');
    return c.json(chartData(stored.workout));
  });

  app.get('/workouts/:id/export/:format', async (c) => {
    const id = c.req.param('id');
    const format = c.req.param('format');
    if (!(FORMATS as readonly string[]).includes(format)) return c.text('Format must be fit, tcx or gpx.', 400);
    const stored = await c.get('view').store.getWorkout(id);
    if (!stored) return c.text('No such workout.', 404);
    try {
      const bytes = await c.get('view').engine.exportWorkout(id, format as (typeof FORMATS)[number]);
      const name = `${stored.workout.startTime.replace(/[:]/g, '').replace(/\.\d+/, '')}-${stored.workout.sport}.${format}`;
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': format === 'fit' ? 'application/vnd.ant.fit' : 'application/xml',
        'Content-Disposition': `attachment; filename="${name}"`,
      });
    } catch (err) {
      return c.text(`Export failed: ${errorText(err)}`, 500);
    }
  });

  app.post('/workouts/:id/:action', async (c) => {
    const id = c.req.param('id');
    const name = c.req.param('action');
    const page = `/workouts/${encodeURIComponent(id)}`;
    if (!isAction(name)) return c.text('Unknown action.', 404);
    if (!(await c.get('view').store.getWorkout(id))) return c.text('No such workout.', 404);
    // A list row's button comes back to the same list page.
    const back = safeNext((await formString(c, 'back')) || page);
    // A stale page (or a hand-made request) must not be told "done" for an action that does nothing now.
    const record = await c.get('view').store.getRecord(id, 'strava');
    if (!offeredActions(record).includes(name))
      return redirectWith(c, back, 'error', `Not possible while the workout is ${record?.state ?? 'not planned'}.`);
    try {
      if (name === 'retry') await c.get('view').engine.retry(id);
      else if (name === 'skip') await c.get('view').engine.skip(id);
      else if (name === 'upload') await c.get('view').engine.uploadNow(id);
      else if (name === 'anyway') await c.get('view').engine.uploadAnyway(id);
      else {
        const sportType = await formString(c, 'sportType');
        if (!isStravaSportType(sportType)) return redirectWith(c, back, 'error', "Choose one of Strava's sport types.");
        const said = remapMessage(sportType, await c.get('view').engine.remapSport(id, sportType));
        return redirectWith(c, back, said.kind, said.text);
      }
      return redirectWith(c, back, 'ok', ACTIONS[name]);
    } catch (err) {
      return redirectWith(c, back, 'error', errorText(err));
    }
  });
}
