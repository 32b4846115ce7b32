// Overview: what needs the person first, accounts and their health, counts
// per state, the live Strava rate budget, next poll and backfill progress.
import type { Hono } from 'hono';
import { workoutTitle } from '../../app/workout-display.js';
import type { Account, RateWindowUsage } from '../../sync/ports.js';
import { SYNC_STATES } from '../../sync/states.js';
import { invariantReport } from '../../sync/invariant-report.js';
import { assetUrl } from '../assets.js';
import type { ServerDeps } from '../deps.js';
import type { AppEnv } from '../security.js';
import { html, type Html } from '../views/html.js';
import { progressBlock } from '../views/progress.js';
import { accountsConnected, firstRunChecklist, setupDone, type SetupState } from '../views/first-run.js';
import { problemBlock } from '../views/workout-bits.js';
import { accountLabel } from '../views/strava-data.js';
import { stateBadge, stateLabel } from '../views/states.js';
import { serviceTime, workoutDateTime } from '../views/time.js';
import { render } from './render.js';

const EXPIRY_WARNING_MS = 3 * 24 * 3600_000;

export function accountHealth(a: Account, now: Date): { level: 'ok' | 'warn' | 'bad'; text: Html | string } {
  if (a.status === 'needs_user') return { level: 'bad', text: a.problem ?? 'needs re-connect' };
  const expires = typeof a.settings.tokenExpiresAt === 'string' ? Date.parse(a.settings.tokenExpiresAt) : NaN;
  if (a.kind !== 'strava' && Number.isFinite(expires)) {
    if (expires <= now.getTime()) return { level: 'bad', text: 'token expired: re-connect' };
    if (expires - now.getTime() < EXPIRY_WARNING_MS)
      return {
        level: 'warn',
        text: html`token expires ${serviceTime(new Date(expires).toISOString(), 'until')}` as Html,
      };
  }
  return { level: 'ok', text: 'connected' };
}

const KIND_WORDS: Record<string, string> = {
  strava: 'Strava',
  'zepp-cloud': 'Zepp cloud',
  'zepp-export': 'Zepp export file',
  gadgetbridge: 'Gadgetbridge database',
  files: 'Folder of files',
};

export function kindWords(kind: string): string {
  return KIND_WORDS[kind] ?? kind;
}

export function budgetRows(label: string, u: RateWindowUsage): Html {
  const row = (window: string, used: number, limit: number) => {
    const pct = limit > 0 ? Math.min(100, Math.round((used / limit) * 100)) : 0;
    const name = `${label} requests, ${window}`;
    return html`<tr><th scope="row">${label} · ${window}</th><td class="meter"><meter min="0" max="${limit}" value="${used}" high="${Math.round(limit * 0.8)}" aria-label="${name}: ${used} of ${limit} (${pct} %)" title="${pct} %"></meter></td><td class="num">${used} / ${limit}</td></tr>`;
  };
  return html`${row('15 min', u.usage15, u.limit15)}${row('day', u.usageDay, u.limitDay)}` as Html;
}

export function registerOverview(app: Hono<AppEnv>, deps: ServerDeps): void {
  app.get('/', async (c) => {
    const now = deps.now();
    const [accounts, report, budget, status, problems, athletes] = await Promise.all([
      c.get('view').store.listAccounts(),
      invariantReport(c.get('view').store),
      deps.budget.snapshot(now),
      c.get('view').engine.status(),
      c.get('view').store.listRecords({ destination: 'strava', states: ['needs_user', 'failed'], limit: 20 }),
      deps.athletes ? deps.athletes() : Promise.resolve([]),
    ]);
    // Counts follow the invariant: a failure that waits for you (a held file, a zip's password) is under "Needs you".
    const counts = report.byState;
    const csrf = c.get('session').csrf;
    // A Strava connection's label carries the name Strava gave, which Strava's API agreement lets the app
    // show to that athlete only: hidden for another athlete's view, and for the unscoped view of several.
    const view = c.get('view');
    const shown = (a: Account) =>
      accountLabel(a, view.showStravaData && (athletes.length < 2 || view.athleteId !== null));
    const needy = accounts.filter((a) => accountHealth(a, now).level !== 'ok');
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const setup: SetupState = {
      strava: ((a) => a && { ...a, label: shown(a) })(accounts.find((a) => a.kind === 'strava')),
      sources: accounts.filter((a) => a.kind !== 'strava'),
      stravaAppConfigured: status.stravaAppConfigured,
      workouts: total,
      backfilled: status.backfill !== null || (counts.synced ?? 0) + (counts.duplicate ?? 0) > 0,
    };
    // First run: until Strava and a source are connected the overview is the checklist alone
    // (no rate budget, no backfill to start, nothing to count yet).
    if (!accountsConnected(setup)) {
      const welcome = html`<h1>Welcome to bandsync</h1>
<p class="lede">bandsync sends the workouts your Mi Band or Amazfit watch records to Strava: your whole history once you
confirm it, then every new workout by itself.</p>
${firstRunChecklist(setup, csrf)}`;
      return render(c, { title: 'Overview', active: 'overview' }, welcome as Html);
    }
    const body = html`
<h1>Overview</h1>
${setupDone(setup) ? '' : firstRunChecklist(setup, csrf)}
${
  needy.length || problems.length || report.stuck.length || report.waitingForBackfill
    ? html`<section class="card problems" id="problems"><h2>Needs your attention</h2><ul>
  ${report.stuck.map((w) => html`<li class="stuck">${stateBadge(w.state)} <a href="/workouts/${encodeURIComponent(w.workoutId)}">${workoutDateTime(w.startTime, 0)}</a>: stuck — ${w.reason}. Fix: ${w.fix}</li>`)}
  ${report.waitingForBackfill ? html`<li id="waiting-backfill">${report.waitingForBackfill} workout(s) recorded before their account was connected wait for a backfill — <a href="/backfill">Backfill</a> (or bandsync sync --all)</li>` : ''}
  ${needy.map((a) => html`<li><strong>${shown(a)}</strong> (${kindWords(a.kind)}): ${accountHealth(a, now).text} — <a href="/connect">Re-connect</a></li>`)}
  ${problems.map((r) => html`<li>${stateBadge(r.state)} <a href="/workouts/${encodeURIComponent(r.workoutId)}">${workoutTitle({ ...r, utcOffsetSeconds: r.summary.utcOffsetSeconds })} · ${workoutDateTime(r.startTime, r.summary.utcOffsetSeconds)}</a>${problemBlock(r, csrf, '/', true, c.get('view').showStravaData)}</li>`)}
</ul></section>`
    : ''
}
${
  athletes.length > 1
    ? html`<p class="card" id="athletes-link">${athletes.length} athletes share this instance: this page counts all of them. <a href="/athletes">Each athlete's accounts and workouts</a>.</p>`
    : ''
}
<div class="grid">
<section class="card" id="accounts"><h2>Accounts</h2>
${
  accounts.length
    ? html`<table class="cards plain"><tbody>${accounts.map((a) => {
        const h = accountHealth(a, now);
        return html`<tr><td class="lead">${shown(a)}</td><td>${kindWords(a.kind)}</td><td class="health health-${h.level}">${h.text}</td></tr>`;
      })}</tbody></table>`
    : ''
}
<p class="muted">Next poll: <span id="next-poll">${status.nextPollAt ? serviceTime(status.nextPollAt, 'until') : 'not scheduled (the dashboard runs without the daemon)'}</span></p>
</section>
<section class="card" id="counts"><h2>Workouts by state</h2><table><tbody id="count-rows" data-labels="${JSON.stringify(Object.fromEntries(SYNC_STATES.map((s) => [s, stateLabel(s)])))}">
${SYNC_STATES.filter((s) => (counts[s] ?? 0) > 0).map((s) => html`<tr><th scope="row"><a href="/workouts?state=${s}">${stateBadge(s)}</a></th><td class="num">${counts[s] ?? 0}</td></tr>`)}
<tr class="total"><th scope="row">total</th><td class="num">${total}</td></tr>
</tbody></table></section>
<section class="card" id="budget"><h2>Strava rate budget</h2><table class="budget"><tbody id="budget-rows">
${budgetRows('overall', budget.overall)}${budgetRows('read', budget.read)}
</tbody></table>
<p class="muted">The 15-minute window resets at ${serviceTime(budget.windowEndsAt, 'until')}${budget.blockedUntil ? html`. <strong>Strava said stop: uploads resume at ${serviceTime(budget.blockedUntil, 'until')}</strong>` : ''}.</p>
</section>
</div>
${progressBlock(status.backfill)}`;
    return render(c, { title: 'Overview', active: 'overview', scripts: [assetUrl.own('app.js')] }, body as Html);
  });
}
