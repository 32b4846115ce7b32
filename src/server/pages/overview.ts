// Overview: accounts and their health, counts per state, the live Strava
// rate budget, next poll, backfill progress, and what needs the user first.
import type { Hono } from 'hono';
import { ruleFor } from '../../sync/failures.js';
import type { Account, RateWindowUsage } from '../../sync/ports.js';
import { SYNC_STATES } from '../../sync/states.js';
import { assetUrl } from '../assets.js';
import type { ServerDeps } from '../deps.js';
import type { AppEnv } from '../security.js';
import { fmtTime, html, stateBadge, type Html } from '../views/html.js';
import { progressBlock } from '../views/progress.js';
import { render } from './render.js';

const EXPIRY_WARNING_MS = 3 * 24 * 3600_000;

export function accountHealth(a: Account, now: Date): { level: 'ok' | 'warn' | 'bad'; text: string } {
  if (a.status === 'needs_user') return { level: 'bad', text: a.problem ?? 'needs re-connect' };
  const expires = typeof a.settings.tokenExpiresAt === 'string' ? Date.parse(a.settings.tokenExpiresAt) : NaN;
  if (a.kind !== 'strava' && Number.isFinite(expires)) {
    if (expires <= now.getTime()) return { level: 'bad', text: 'token expired: re-connect' };
    if (expires - now.getTime() < EXPIRY_WARNING_MS)
      return { level: 'warn', text: `token expires ${fmtTime(new Date(expires).toISOString())}` };
  }
  return { level: 'ok', text: 'connected' };
}

export function budgetRows(label: string, u: RateWindowUsage): Html {
  const row = (window: string, used: number, limit: number) => {
    const pct = limit > 0 ? Math.min(100, Math.round((used / limit) * 100)) : 0;
    return html`<tr><th>${label} · ${window}</th><td><meter min="0" max="${limit}" value="${used}" high="${Math.round(limit * 0.8)}"></meter></td><td class="num">${used} / ${limit}</td><td class="num">${pct} %</td></tr>`;
  };
  return html`${row('15 min', u.usage15, u.limit15)}${row('day', u.usageDay, u.limitDay)}` as Html;
}

export function registerOverview(app: Hono<AppEnv>, deps: ServerDeps): void {
  app.get('/', async (c) => {
    const now = deps.now();
    const [accounts, counts, budget, status, problems] = await Promise.all([
      deps.store.listAccounts(),
      deps.store.countByState('strava'),
      deps.budget.snapshot(now),
      deps.engine.status(),
      deps.store.listRecords({ destination: 'strava', states: ['needs_user', 'failed'], limit: 20 }),
    ]);
    const needy = accounts.filter((a) => accountHealth(a, now).level !== 'ok');
    const body = html`
<h1>Overview</h1>
${
  needy.length || problems.length
    ? html`<section class="card problems" id="problems"><h2>Needs your attention</h2><ul>
  ${needy.map((a) => html`<li><strong>${a.label}</strong> (${a.kind}): ${accountHealth(a, now).text} — <a href="/connect">re-connect</a></li>`)}
  ${problems.map((r) => html`<li>${stateBadge(r.state, r.code)} <a href="/workouts/${r.workoutId}">${r.name ?? r.sport} · ${fmtTime(r.startTime)}</a> — ${ruleFor(r.code ?? 'internal').explain}</li>`)}
</ul></section>`
    : ''
}
<div class="grid">
<section class="card" id="accounts"><h2>Accounts</h2>
${
  accounts.length
    ? html`<table><tbody>${accounts.map((a) => {
        const h = accountHealth(a, now);
        return html`<tr><th>${a.label}</th><td>${a.kind}</td><td class="health health-${h.level}">${h.text}</td></tr>`;
      })}</tbody></table>`
    : html`<p>No accounts yet. <a href="/connect">Connect Zepp and Strava</a>.</p>`
}
<p class="muted">Next poll: <span id="next-poll">${fmtTime(status.nextPollAt)}</span></p>
</section>
<section class="card" id="counts"><h2>Workouts by state</h2><table><tbody id="count-rows">
${SYNC_STATES.filter((s) => (counts[s] ?? 0) > 0).map((s) => html`<tr><th><a href="/workouts?state=${s}">${stateBadge(s)}</a></th><td class="num">${counts[s] ?? 0}</td></tr>`)}
<tr class="total"><th>total</th><td class="num">${Object.values(counts).reduce((a, b) => a + b, 0)}</td></tr>
</tbody></table></section>
<section class="card" id="budget"><h2>Strava rate budget</h2><table><tbody id="budget-rows">
${budgetRows('overall', budget.overall)}${budgetRows('read', budget.read)}
</tbody></table>
<p class="muted">Window resets ${fmtTime(budget.windowEndsAt)}${budget.blockedUntil ? html` · <strong>blocked until ${fmtTime(budget.blockedUntil)}</strong>` : ''}</p>
</section>
</div>
${progressBlock(status.backfill)}`;
    return render(c, { title: 'Overview', active: 'overview', scripts: [assetUrl.own('app.js')] }, body as Html);
  });
}
