// Workouts: server-side paged and filtered list (state, sport, source, date
// range, text). One page of rows per request (summaries kept by the store),
// so 10,000 workouts stay fast. Each row answers the usual questions: what,
// when (the workout's local date), how far, how long, how fast, heart rate,
// where it stands with Strava and, when stuck, why and what to do.
import type { Hono } from 'hono';
import { SYNC_STATES, type SyncState } from '../../sync/states.js';
import { FAILURES } from '../../sync/failures.js';
import type { WorkoutFilter } from '../../sync/ports.js';
import { codesExplaining } from '../../app/workout-problem.js';
import { paceQuantity, sportWords, workoutTitle } from '../../app/workout-display.js';
import { clock, distanceQuantity } from '../../app/units.js';
import { SPORTS as ALL_SPORTS } from '../../core/workout/sport.js';
import type { Sport } from '../../core/workout/types.js';
import type { ServerDeps } from '../deps.js';
import type { AppEnv } from '../security.js';
import { html, type Html } from '../views/html.js';
import { problemBlock, stravaLink } from '../views/workout-bits.js';
import { stateBadge, stateLabel } from '../views/states.js';
import { workoutClock, workoutDate } from '../views/time.js';
import { quantity } from '../views/quantity.js';
import { pager } from '../views/pager.js';
import { render } from './render.js';
import { groupDigits } from '../../core/group-digits.js';

export const PAGE_SIZE = 50;

/** Every sport, for the filter and the rule editor (plain strings: they check what a form sent). */
export const SPORTS: readonly string[] = ALL_SPORTS;

export interface ListQuery {
  readonly state: SyncState | '';
  readonly sport: string;
  readonly source: string;
  readonly from: string; // YYYY-MM-DD
  readonly to: string;
  readonly q: string;
  readonly page: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseListQuery(get: (name: string) => string | undefined): ListQuery {
  const state = get('state') ?? '';
  const page = Number.parseInt(get('page') ?? '1', 10);
  const date = (v: string | undefined) => (v && DATE.test(v) && !Number.isNaN(Date.parse(v)) ? v : '');
  return {
    state: (SYNC_STATES as readonly string[]).includes(state) ? (state as SyncState) : '',
    sport: SPORTS.includes(get('sport') ?? '') ? (get('sport') as string) : '',
    source: (get('source') ?? '').slice(0, 100),
    from: date(get('from')),
    to: date(get('to')),
    q: (get('q') ?? '').trim().slice(0, 100),
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, 100_000) : 1,
  };
}

export function toFilter(q: ListQuery): WorkoutFilter & { destination: string } {
  return {
    destination: 'strava',
    ...(q.state ? { state: q.state } : {}),
    ...(q.sport ? { sport: q.sport } : {}),
    ...(q.source ? { accountId: q.source } : {}),
    // Whole days in UTC: `until` is exclusive, so the day after `to`.
    ...(q.from ? { since: `${q.from}T00:00:00.000Z` } : {}),
    ...(q.to ? { until: new Date(Date.parse(q.to) + 86_400_000).toISOString() } : {}),
    ...(q.q ? { text: q.q, textCodes: codesExplaining(q.q, Object.keys(FAILURES)) } : {}),
    limit: PAGE_SIZE,
    offset: (q.page - 1) * PAGE_SIZE,
  };
}

export function listLink(q: ListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, page: String(page) }))
    if (v && !(k === 'page' && v === '1')) params.set(k, String(v));
  const s = params.toString();
  return s ? `/workouts?${s}` : '/workouts';
}

function emptyText(q: ListQuery, anyWorkouts: boolean): Html {
  if (!anyWorkouts)
    return html`No workouts yet. Connected sources are read on the next poll; history comes in with a
<a href="/backfill">backfill</a> (a dry run first shows what it would upload).` as Html;
  return html`No workouts match these filters. <a href="/workouts">Show all</a>.` as Html;
}

export function registerWorkouts(app: Hono<AppEnv>, deps: ServerDeps): void {
  const stravaWeb = (deps.stravaWebUrl ?? 'https://www.strava.com').replace(/\/$/, '');
  app.get('/workouts', async (c) => {
    const q = parseListQuery((n) => c.req.query(n));
    const show = c.get('view').showStravaData;
    const filter = toFilter(q);
    const filtered = Boolean(q.state || q.sport || q.source || q.from || q.to || q.q);
    const [rows, total, accounts] = await Promise.all([
      c.get('view').store.listRecords(filter),
      c.get('view').store.countRecords(filter),
      c.get('view').store.listAccounts(),
    ]);
    const anyWorkouts =
      total > 0 || (filtered && (await c.get('view').store.countRecords({ destination: 'strava' })) > 0);
    const csrf = c.get('session').csrf;
    const back = listLink(q, q.page);
    const sources = accounts.filter((a) => a.kind !== 'strava');
    const opt = (value: string, text: string, selected: string) =>
      html`<option value="${value}" ${value === selected ? 'selected' : ''}>${text}</option>`;
    const first = (q.page - 1) * PAGE_SIZE + 1;
    const body = html`
<div class="list-head"><h1>Workouts</h1><p id="list-count" class="muted">${
      total
        ? html`${rows.length ? `${first}–${first + rows.length - 1} of ` : ''}<strong>${groupDigits(total)}</strong> workout${total === 1 ? '' : 's'}${filtered ? ' matching' : ''}`
        : ''
    }</p></div>
<form method="get" action="/workouts" class="filters card" id="filters" role="search" aria-label="Filter workouts">
  <label>Text <input type="search" name="q" value="${q.q}" placeholder="name or failure reason"></label>
  <label>State <select name="state">${opt('', 'any', q.state)}${SYNC_STATES.map((s) => opt(s, stateLabel(s), q.state))}</select></label>
  <label>Sport <select name="sport">${opt('', 'any', q.sport)}${SPORTS.map((s) => opt(s, sportWords(s), q.sport))}</select></label>
  ${sources.length > 1 ? html`<label>Source <select name="source">${opt('', 'any', q.source)}${sources.map((a) => opt(a.id, a.label, q.source))}</select></label>` : ''}
  <label>From <input type="date" name="from" value="${q.from}"></label>
  <label>To <input type="date" name="to" value="${q.to}"></label>
  <span><button class="primary">Filter</button> ${filtered ? html`<a href="/workouts">Clear</a>` : ''}</span>
</form>
${
  rows.length
    ? html`<table class="cards stat-cards list" id="workout-list"><thead><tr><th>Date</th><th>Name</th><th>Sport</th><th class="num">Distance</th><th class="num">Time</th><th class="num">Pace / speed</th><th class="num">Avg HR</th><th>State</th></tr></thead><tbody>
${rows.map((r) => {
  const s = r.summary;
  const distance = distanceQuantity(r.sport as Sport, s.distanceMeters);
  const pace = paceQuantity(r.sport, s.distanceMeters, s.movingSeconds);
  const title = workoutTitle({
    name: r.name,
    sport: r.sport,
    startTime: r.startTime,
    utcOffsetSeconds: s.utcOffsetSeconds,
  });
  const stat = (label: string, value: Html | string | null) =>
    html`<td class="num stat${value ? '' : ' none'}" data-stat-label="${label}" data-label="${label}"><span>${value ?? '—'}</span></td>`;
  return html`<tr data-workout="${r.workoutId}" data-state="${r.state}">
  <td class="wide when">${workoutDate(r.startTime, s.utcOffsetSeconds)} <span class="muted">${workoutClock(r.startTime, s.utcOffsetSeconds)}</span><span class="card-only"> · ${sportWords(r.sport)}</span></td>
  <td class="lead"><a href="/workouts/${encodeURIComponent(r.workoutId)}">${title}</a></td>
  <td class="desk-only">${sportWords(r.sport)}</td>
  ${stat('Distance', distance ? quantity(distance) : null)}
  ${stat('Time', clock(s.movingSeconds ?? s.elapsedSeconds))}
  ${stat(pace?.label === 'Avg speed' ? 'Speed' : 'Pace', pace ? quantity(pace) : null)}
  ${stat('Avg HR', s.avgHeartRate != null ? `${Math.round(s.avgHeartRate)} bpm` : null)}
  <td class="wide state-cell"><span>${stateBadge(r.state)} ${show ? stravaLink(stravaWeb, r) : ''}</span>${problemBlock(r, csrf, back, true, show)}</td>
</tr>`;
})}
</tbody></table>`
    : html`<p class="card" id="empty-list">${emptyText(q, anyWorkouts)}</p>`
}
${pager(q.page, Math.ceil(total / PAGE_SIZE), (p) => listLink(q, p))}`;
    return render(c, { title: 'Workouts', active: 'workouts' }, body as Html);
  });
}
