// One workout: map (GPS only), charts, source vs Strava numbers, ledger,
// actions and downloads.
import type { Hono } from 'hono';
import { ruleFor } from '../../sync/failures.js';
import { assetUrl } from '../assets.js';
import type { RemoteNumbers, ServerDeps } from '../deps.js';
import { chartSeries, formatDistance, hasTrack, summarize, type Sport, type WorkoutSummary } from '../../core/index.js';
import type { AppEnv } from '../security.js';
import { STRAVA_SPORT_TYPES, isStravaSportType } from '../sport-types.js';
import { csrfField, fmtDuration, fmtNumber, fmtTime, html, stateBadge, type Html } from '../views/html.js';
import { errorText, formString, redirectWith, render } from './render.js';

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
  { label: 'Moving time', band: 'movingSeconds', remote: 'movingSeconds', fmt: fmtDuration, tolerance: () => 5 },
  { label: 'Elapsed time', band: 'elapsedSeconds', remote: 'elapsedSeconds', fmt: fmtDuration, tolerance: () => 2 },
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

function comparison(band: WorkoutSummary, remote: RemoteNumbers | null, remoteError: string | null): Html {
  return html`<table class="compare" id="compare"><thead><tr><th></th><th>Band</th><th>Strava</th></tr></thead><tbody>
${ROWS.map((r) => {
  const a = band[r.band] as number | null;
  const b = remote ? (remote[r.remote] as number | null) : null;
  const diff = differs(a, b, r.tolerance);
  return html`<tr class="${diff ? 'diff' : ''}" data-metric="${r.remote}"><th>${r.label}</th><td class="num" data-band="${r.band}" data-value="${a ?? ''}">${r.fmt(a, band.sport)}</td><td class="num">${remote ? r.fmt(b, band.sport) : ''}${diff ? html` <span class="diff-mark" title="differs from the band">≠</span>` : ''}</td></tr>`;
})}
</tbody></table>
${remote ? '' : html`<p class="muted">${remoteError ?? 'Not on Strava yet.'}</p>`}` as Html;
}

const FORMATS = ['fit', 'tcx', 'gpx'] as const;
const ACTIONS = {
  retry: 'Retry queued.',
  skip: 'Workout skipped.',
  upload: 'Upload queued.',
  remap: 'Sport re-mapped.',
} as const;

export function registerWorkout(app: Hono<AppEnv>, deps: ServerDeps): void {
  const stravaWeb = (deps.stravaWebUrl ?? 'https://www.strava.com').replace(/\/$/, '');

  app.get('/workouts/:id', async (c) => {
    const id = c.req.param('id');
    const stored = await deps.store.getWorkout(id);
    if (!stored)
      return render(
        c,
        { title: 'Not found', active: 'workouts' },
        html`<h1>No such workout</h1><p><a href="/workouts">All workouts</a></p>` as Html,
        404,
      );
    const [record, ledger, account] = await Promise.all([
      deps.store.getRecord(id, 'strava'),
      deps.store.listLedger({ workoutId: id, limit: 200 }),
      deps.store.getAccount(stored.accountId),
    ]);
    let remote: RemoteNumbers | null = null;
    let remoteError: string | null = null;
    if (record?.activityId) {
      try {
        remote = await deps.engine.remoteNumbers(id);
      } catch (err) {
        remoteError = `Strava numbers unavailable: ${errorText(err)}`;
      }
    }
    const w = stored.workout;
    const gps = hasTrack(w);
    const csrf = c.get('session').csrf;
    const base = `/workouts/${encodeURIComponent(id)}`;
    const action = (name: keyof typeof ACTIONS, label: string) =>
      html`<form method="post" action="${base}/${name}">${csrfField(csrf)}<button name="action" value="${name}">${label}</button></form>`;
    const body = html`
<h1>${w.name ?? w.sport.replace(/_/g, ' ')} <small>${fmtTime(w.startTime)}</small></h1>
<p>${w.sport.replace(/_/g, ' ')}${w.rawSport ? ` (source code ${w.rawSport})` : ''} · ${w.device.name} · ${account?.label ?? stored.accountId}
 · ${record ? stateBadge(record.state, record.code) : 'no sync record'}
 ${record?.activityId ? html` · <a id="strava-link" href="${stravaWeb}/activities/${record.activityId}" rel="noopener noreferrer" target="_blank">on Strava</a>` : ''}</p>
${record?.code && (record.state === 'failed' || record.state === 'needs_user') ? html`<p class="flash flash-error">${ruleFor(record.code).explain}${record.lastError ? html`<br><small>${record.lastError}</small>` : ''}</p>` : ''}
<section class="actions card" id="actions">
  ${action('upload', 'Upload now')} ${action('retry', 'Retry')} ${action('skip', 'Skip')}
  <form method="post" action="${base}/remap">${csrfField(csrf)}<label>Sport type <select name="sportType" required><option value="">choose…</option>${STRAVA_SPORT_TYPES.map((t) => html`<option>${t}</option>`)}</select></label><button name="action" value="remap">Re-map sport</button></form>
  <span class="downloads">Download: ${FORMATS.map((f) => html`<a href="${base}/export/${f}" download>${f.toUpperCase()}</a> `)}</span>
</section>
${gps ? html`<section class="card"><div id="map" class="map" data-src="${base}/data.json" data-tiles="${deps.tileUrl ?? '/tiles/{z}/{x}/{y}.svg'}"></div></section>` : html`<p class="muted" id="no-map">Indoor workout: no map.</p>`}
<section class="card"><h2>Charts</h2><div id="charts" data-src="${base}/data.json"><noscript>Charts need JavaScript.</noscript></div>
<p class="muted legend"><span class="swatch pause"></span> pauses · <span class="swatch lap"></span> laps</p></section>
<section class="card"><h2>Band vs Strava</h2>${comparison(summarize(w), remote, remoteError)}</section>
<section class="card"><h2>Ledger</h2><table class="ledger" id="ledger"><thead><tr><th>When</th><th>Event</th><th>Change</th><th>Reason</th></tr></thead><tbody>
${ledger.map((e) => html`<tr><td>${fmtTime(e.at)}</td><td>${e.event}</td><td>${e.fromState ?? ''}${e.toState ? ` → ${e.toState}` : ''}</td><td>${e.reason}</td></tr>`)}
</tbody></table></section>`;
    return render(
      c,
      {
        title: w.name ?? w.sport,
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
    const stored = await deps.store.getWorkout(c.req.param('id'));
    if (!stored) return c.json({ error: 'no such workout' }, 404);
    c.header('Cache-Control', 'private, max-age=60');
    return c.json(chartSeries(stored.workout));
  });

  app.get('/workouts/:id/export/:format', async (c) => {
    const id = c.req.param('id');
    const format = c.req.param('format');
    if (!(FORMATS as readonly string[]).includes(format)) return c.text('Format must be fit, tcx or gpx.', 400);
    const stored = await deps.store.getWorkout(id);
    if (!stored) return c.text('No such workout.', 404);
    try {
      const bytes = await deps.engine.exportWorkout(id, format as (typeof FORMATS)[number]);
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
    const back = `/workouts/${encodeURIComponent(id)}`;
    if (!(name in ACTIONS)) return c.text('Unknown action.', 404);
    if (!(await deps.store.getWorkout(id))) return c.text('No such workout.', 404);
    try {
      if (name === 'retry') await deps.engine.retry(id);
      else if (name === 'skip') await deps.engine.skip(id);
      else if (name === 'upload') await deps.engine.uploadNow(id);
      else {
        const sportType = await formString(c, 'sportType');
        if (!isStravaSportType(sportType)) return redirectWith(c, back, 'error', "Choose one of Strava's sport types.");
        await deps.engine.remapSport(id, sportType);
      }
      return redirectWith(c, back, 'ok', ACTIONS[name as keyof typeof ACTIONS]);
    } catch (err) {
      return redirectWith(c, back, 'error', errorText(err));
    }
  });
}
