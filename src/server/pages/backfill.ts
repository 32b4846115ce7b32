// Backfill: choose a range → dry-run plan (what uploads, what is a duplicate
// and why) → confirm → watch progress (server-sent events via app.js).
import type { Hono } from 'hono';
import { assetUrl } from '../assets.js';
import type { BackfillRange, PlanDecision, PlanRow } from '../deps.js';
import type { AppEnv } from '../security.js';
import { csrfField, html, type Html } from '../views/html.js';
import { workoutDateTime } from '../views/time.js';
import { progressBlock } from '../views/progress.js';
import { withoutStravaIds } from '../views/strava-data.js';
import { errorText, formString, redirectWith, render, type Ctx } from './render.js';

const SHOWN_ROWS = 500;
const DECISIONS: readonly PlanDecision[] = ['upload', 'duplicate', 'skip', 'hold'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Form dates (YYYY-MM-DD, whole UTC days) → range; throws on a malformed or reversed range. */
export function parseRange(from: string, to: string): BackfillRange {
  for (const [name, v] of [
    ['From', from],
    ['To', to],
  ] as const) {
    if (v && (!DATE.test(v) || Number.isNaN(Date.parse(v))))
      throw new Error(`${name} must be a date (YYYY-MM-DD), got "${v.slice(0, 20)}".`);
  }
  if (from && to && from > to) throw new Error('From must not be after To.');
  return {
    ...(from ? { since: `${from}T00:00:00.000Z` } : {}),
    ...(to ? { until: new Date(Date.parse(to) + 86_400_000).toISOString() } : {}),
  };
}

function rangeForm(csrf: string, from: string, to: string): Html {
  return html`<form method="post" action="/backfill/plan" class="card" id="range-form">${csrfField(csrf)}
<label>From <input type="date" name="from" value="${from}"></label>
<label>To <input type="date" name="to" value="${to}"></label>
<button>Dry run</button> <span class="muted">Leave both empty for the whole history. Nothing is uploaded until you confirm.</span>
</form>` as Html;
}

function planView(csrf: string, from: string, to: string, rows: PlanRow[], showStravaData: boolean): Html {
  const counts = Object.fromEntries(DECISIONS.map((d) => [d, rows.filter((r) => r.decision === d).length]));
  return html`<section class="card" id="plan"><h2>Dry-run plan</h2>
<p id="plan-summary">${DECISIONS.map((d) => html`<span class="decision decision-${d}">${counts[d]} ${d}</span> `)}</p>
<form method="post" action="/backfill/start">${csrfField(csrf)}<input type="hidden" name="from" value="${from}"><input type="hidden" name="to" value="${to}">
<button id="confirm-backfill" ${counts.upload ? '' : 'disabled'}>Confirm: upload ${counts.upload} workouts</button></form>
<table class="list"><thead><tr><th>Start</th><th>Sport</th><th>Decision</th><th>Why</th></tr></thead><tbody>
${rows.slice(0, SHOWN_ROWS).map((r) => html`<tr class="decision-${r.decision}"><td><a href="/workouts/${encodeURIComponent(r.workoutId)}">${workoutDateTime(r.startTime, r.utcOffsetSeconds ?? 0)}</a></td><td>${r.sport.replace(/_/g, ' ')}</td><td>${r.decision}</td><td>${withoutStravaIds(r.reason, showStravaData)}</td></tr>`)}
</tbody></table>
${rows.length > SHOWN_ROWS ? html`<p class="muted">…and ${rows.length - SHOWN_ROWS} more.</p>` : ''}
</section>` as Html;
}

async function page(c: Ctx, extra: Html | '', from = '', to = '', status: 200 | 400 = 200): Promise<Response> {
  const view = c.get('view');
  const [engineStatus, accounts] = await Promise.all([view.engine.status(), view.store.listAccounts()]);
  const ready = accounts.some((a) => a.kind === 'strava') && accounts.some((a) => a.kind !== 'strava');
  // Before both ends are connected there is nothing to plan: say what is missing instead of a form that fails.
  const body = ready
    ? html`<h1>Backfill</h1>${rangeForm(c.get('session').csrf, from, to)}${extra}${progressBlock(engineStatus.backfill)}`
    : html`<h1>Backfill</h1><p class="card" id="backfill-not-ready">A backfill sends your history from a source to Strava.
Connect ${accounts.some((a) => a.kind === 'strava') ? 'a source' : accounts.length ? 'Strava' : 'Strava and a source'} first:
<a href="/connect">Connect</a>, or follow the steps on the <a href="/">overview</a>.</p>${extra}`;
  return render(c, { title: 'Backfill', active: 'backfill', scripts: [assetUrl.own('app.js')] }, body as Html, status);
}

export function registerBackfill(app: Hono<AppEnv>): void {
  app.get('/backfill', (c) => page(c, ''));

  app.post('/backfill/plan', async (c) => {
    const from = await formString(c, 'from');
    const to = await formString(c, 'to');
    try {
      const rows = await c.get('view').engine.planBackfill(parseRange(from, to));
      return page(c, planView(c.get('session').csrf, from, to, rows, c.get('view').showStravaData), from, to);
    } catch (err) {
      return page(c, html`<p class="flash flash-error">${errorText(err)}</p>` as Html, from, to, 400);
    }
  });

  app.post('/backfill/start', async (c) => {
    try {
      const range = parseRange(await formString(c, 'from'), await formString(c, 'to'));
      const { runId } = await c.get('view').engine.startBackfill(range);
      return redirectWith(c, '/backfill', 'ok', `Backfill ${runId} started.`);
    } catch (err) {
      return redirectWith(c, '/backfill', 'error', errorText(err));
    }
  });
}
