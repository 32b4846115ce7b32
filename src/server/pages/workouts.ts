// Workouts: server-side paged and filtered list (state, sport, source, date
// range, text). One page of rows per request, so 10,000 workouts stay fast.
import type { Hono } from 'hono';
import { SYNC_STATES, type SyncState } from '../../sync/states.js';
import type { WorkoutFilter } from '../../sync/ports.js';
import type { ServerDeps } from '../deps.js';
import type { AppEnv } from '../security.js';
import { fmtTime, html, stateBadge, type Html } from '../views/html.js';
import { render } from './render.js';

export const PAGE_SIZE = 50;

const SPORTS = [
  'running',
  'treadmill',
  'trail_running',
  'walking',
  'indoor_walking',
  'hiking',
  'cycling',
  'indoor_cycling',
  'mountain_biking',
  'pool_swimming',
  'open_water_swimming',
  'elliptical',
  'rowing',
  'indoor_rowing',
  'strength',
  'yoga',
  'hiit',
  'jump_rope',
  'climbing',
  'skiing',
  'snowboarding',
  'skating',
  'dance',
  'other',
];

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
    ...(q.q ? { text: q.q } : {}),
    limit: PAGE_SIZE + 1,
    offset: (q.page - 1) * PAGE_SIZE,
  };
}

function pageLink(q: ListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, page: String(page) }))
    if (v && !(k === 'page' && v === '1')) params.set(k, String(v));
  const s = params.toString();
  return s ? `/workouts?${s}` : '/workouts';
}

export function registerWorkouts(app: Hono<AppEnv>, deps: ServerDeps): void {
  const stravaWeb = (deps.stravaWebUrl ?? 'https://www.strava.com').replace(/\/$/, '');
  app.get('/workouts', async (c) => {
    const q = parseListQuery((n) => c.req.query(n));
    const [rows, accounts] = await Promise.all([deps.store.listRecords(toFilter(q)), deps.store.listAccounts()]);
    const hasNext = rows.length > PAGE_SIZE;
    const shown = rows.slice(0, PAGE_SIZE);
    const label = new Map(accounts.map((a) => [a.id, a.label]));
    const sources = accounts.filter((a) => a.kind !== 'strava');
    const opt = (value: string, text: string, selected: string) =>
      html`<option value="${value}" ${value === selected ? 'selected' : ''}>${text}</option>`;
    const body = html`
<h1>Workouts</h1>
<form method="get" action="/workouts" class="filters" id="filters">
  <label>State <select name="state">${opt('', 'any', q.state)}${SYNC_STATES.map((s) => opt(s, s.replace('_', ' '), q.state))}</select></label>
  <label>Sport <select name="sport">${opt('', 'any', q.sport)}${SPORTS.map((s) => opt(s, s.replace(/_/g, ' '), q.sport))}</select></label>
  <label>Source <select name="source">${opt('', 'any', q.source)}${sources.map((a) => opt(a.id, a.label, q.source))}</select></label>
  <label>From <input type="date" name="from" value="${q.from}"></label>
  <label>To <input type="date" name="to" value="${q.to}"></label>
  <label>Text <input type="search" name="q" value="${q.q}" placeholder="name, reason…"></label>
  <button>Filter</button> <a href="/workouts">clear</a>
</form>
<table class="list" id="workout-list"><thead><tr><th>Start</th><th>Name</th><th>Sport</th><th>Source</th><th>State</th><th>Strava</th></tr></thead><tbody>
${
  shown.length
    ? shown.map(
        (r) => html`<tr data-workout="${r.workoutId}">
  <td><a href="/workouts/${encodeURIComponent(r.workoutId)}">${fmtTime(r.startTime)}</a></td>
  <td>${r.name ?? ''}</td><td>${r.sport.replace(/_/g, ' ')}</td><td>${label.get(r.accountId) ?? r.accountId}</td>
  <td>${stateBadge(r.state, r.code)}</td>
  <td>${r.activityId ? html`<a href="${stravaWeb}/activities/${r.activityId}" rel="noopener noreferrer" target="_blank">${r.activityId}</a>` : ''}</td>
</tr>`,
      )
    : html`<tr><td colspan="6" class="muted">No workouts match.</td></tr>`
}
</tbody></table>
<nav class="pager" aria-label="pages">
  ${q.page > 1 ? html`<a rel="prev" href="${pageLink(q, q.page - 1)}">← previous</a>` : ''}
  <span>page ${q.page}</span>
  ${hasNext ? html`<a rel="next" href="${pageLink(q, q.page + 1)}">next →</a>` : ''}
</nav>`;
    return render(c, { title: 'Workouts', active: 'workouts' }, body as Html);
  });
}
