// Log: the ledger across all workouts and accounts (what `bandsync log`
// prints), newest first, filterable by event and account, paged by the store
// so a ledger of 100,000 entries stays one small query per page.
import type { Hono } from 'hono';
import type { AppEnv } from '../security.js';
import { html, type Html } from '../views/html.js';
import { pager } from '../views/pager.js';
import { serviceTime } from '../views/time.js';
import { stateLabel } from '../views/states.js';
import { kindWords } from './overview.js';
import { render } from './render.js';
import { accountLabel, withoutStravaIds } from '../views/strava-data.js';
import { groupDigits } from '../../core/group-digits.js';

export const LOG_PAGE_SIZE = 100;

export interface LogQuery {
  readonly event: string;
  readonly account: string;
  readonly page: number;
}

export function parseLogQuery(get: (name: string) => string | undefined): LogQuery {
  const page = Number.parseInt(get('page') ?? '1', 10);
  return {
    event: (get('event') ?? '').trim().slice(0, 60),
    account: (get('account') ?? '').trim().slice(0, 100),
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, 100_000) : 1,
  };
}

export function logLink(q: LogQuery, page: number): string {
  const params = new URLSearchParams();
  if (q.event) params.set('event', q.event);
  if (q.account) params.set('account', q.account);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `/log?${s}` : '/log';
}

const state = (s: string | null) => (s ? stateLabel(s) : null);

export function registerLog(app: Hono<AppEnv>): void {
  app.get('/log', async (c) => {
    const q = parseLogQuery((n) => c.req.query(n));
    const filter = { ...(q.event ? { event: q.event } : {}), ...(q.account ? { accountId: q.account } : {}) };
    const [entries, total, events, accounts] = await Promise.all([
      c.get('view').store.listLedger({
        ...filter,
        newestFirst: true,
        limit: LOG_PAGE_SIZE,
        offset: (q.page - 1) * LOG_PAGE_SIZE,
      }),
      c.get('view').store.countLedger(filter),
      c.get('view').store.ledgerEvents(),
      c.get('view').store.listAccounts(),
    ]);
    const show = c.get('view').showStravaData;
    const labels = new Map(accounts.map((a) => [a.id, `${accountLabel(a, show)} (${kindWords(a.kind)})`]));
    const opt = (value: string, text: string, selected: string) =>
      html`<option value="${value}" ${value === selected ? 'selected' : ''}>${text}</option>`;
    const filtered = Boolean(q.event || q.account);
    const first = (q.page - 1) * LOG_PAGE_SIZE + 1;
    const body = html`
<div class="list-head"><h1>Log</h1><p id="log-count" class="muted">${
      total
        ? html`${entries.length ? `${first}–${first + entries.length - 1} of ` : ''}<strong>${groupDigits(total)}</strong> entr${total === 1 ? 'y' : 'ies'}${filtered ? ' matching' : ''}, newest first`
        : ''
    }</p></div>
<form method="get" action="/log" class="filters card" id="log-filters" role="search" aria-label="Filter the log">
  <label>Event <select name="event">${opt('', 'any', q.event)}${events.map((e) => opt(e, e, q.event))}</select></label>
  <label>Account <select name="account">${opt('', 'any', q.account)}${accounts.map((a) => opt(a.id, labels.get(a.id) ?? a.id, q.account))}</select></label>
  <span><button class="primary">Filter</button> ${filtered ? html`<a href="/log">Clear</a>` : ''}</span>
</form>
${
  entries.length
    ? html`<table class="cards ledger" id="log"><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Workout</th><th scope="col">Account</th><th scope="col">Change</th><th scope="col">Reason</th></tr></thead><tbody>
${entries.map(
  (e) => html`<tr data-event="${e.event}">
  <td data-label="When">${serviceTime(e.at)}</td>
  <td data-label="Event">${e.event}</td>
  <td data-label="Workout">${e.workoutId ? html`<a href="/workouts/${encodeURIComponent(e.workoutId)}">${e.workoutId.slice(0, 12)}</a>` : '—'}</td>
  <td data-label="Account">${e.accountId ? (labels.get(e.accountId) ?? 'removed account') : '—'}</td>
  <td data-label="Change">${state(e.fromState) ?? ''}${e.toState ? ` → ${state(e.toState)}` : ''}</td>
  <td class="lead-reason">${withoutStravaIds(e.reason, show)}</td>
</tr>`,
)}
</tbody></table>`
    : html`<p class="card" id="empty-log">${filtered ? html`Nothing in the log matches these filters. <a href="/log">Show all</a>.` : 'The log is empty: nothing has been synced or decided yet.'}</p>`
}
${pager(q.page, Math.ceil(total / LOG_PAGE_SIZE), (p) => logLink(q, p))}`;
    return render(c, { title: 'Log', active: 'log' }, body as Html);
  });
}
