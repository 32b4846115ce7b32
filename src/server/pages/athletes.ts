// Athletes (issue 18): the administrator's overview of every athlete on the
// instance — their accounts, their health and their workouts per sync state.
// Only the band's side and sync states: nothing read from Strava (no names,
// numbers or links), as Strava's API agreement allows another athlete's
// Strava data to be shown to that athlete only.
import type { Hono } from 'hono';
import { SYNC_STATES } from '../../sync/states.js';
import type { ServerDeps } from '../deps.js';
import type { AppEnv } from '../security.js';
import { html, type Html } from '../views/html.js';
import { stateBadge } from '../views/states.js';
import { notFoundPage } from './not-found.js';
import { accountHealth, kindWords } from './overview.js';
import { errorText, formString, redirectWith, render } from './render.js';
import { invitesCard } from './sign-in.js';
import { serviceTime } from '../views/time.js';

export function registerAthletes(app: Hono<AppEnv>, deps: ServerDeps): void {
  app.get('/athletes', async (c) => {
    if (!deps.athletes) return notFoundPage(c);
    const now = deps.now();
    const athletes = await deps.athletes();
    const body = html`<h1>Athletes</h1>
<p class="lede">${athletes.length} athlete${athletes.length === 1 ? '' : 's'} share this instance and its Strava application's rate limits. Add or remove one with <code>bandsync athlete add NAME</code> / <code>bandsync athlete remove NAME</code>.</p>
${
  athletes.length === 0
    ? html`<p class="card" id="no-athletes">No athletes yet: the first connection creates one named “me”.</p>`
    : athletes.map((a) => {
        const total = Object.values(a.workouts).reduce((n, x) => n + x, 0);
        return html`<section class="card athlete" id="athlete-${a.name}" aria-label="Athlete ${a.name}"><h2>${a.name}</h2>
<table class="cards plain"><tbody>${
          a.accounts.length
            ? a.accounts.map((x) => {
                const h = accountHealth(x, now);
                // A Strava connection's label carries the name Strava gave: not shown here.
                const label = x.kind === 'strava' ? 'Strava' : x.label;
                return html`<tr><td class="lead">${label}</td><td>${kindWords(x.kind)}</td><td class="health health-${h.level}">${h.text}</td></tr>`;
              })
            : html`<tr><td>No accounts connected yet.</td></tr>`
        }</tbody></table>
<table class="counts"><tbody>${SYNC_STATES.filter((s) => (a.workouts[s] ?? 0) > 0).map(
          (s) => html`<tr><th scope="row">${stateBadge(s)}</th><td class="num">${a.workouts[s] ?? 0}</td></tr>`,
        )}<tr class="total"><th scope="row">total</th><td class="num">${total}</td></tr></tbody></table>
</section>`;
      })
}`;
    // Athletes sign in only where there is a login: on a dashboard without a password every visitor is the administrator.
    const invites = !deps.signIn
      ? ''
      : c.get('loginRequired')
        ? await invitesCard(deps.signIn, c.get('session').csrf)
        : html`<p class="card muted" id="invites">Athletes can sign in with Strava, invited by you, once the dashboard has a password (<code>BANDSYNC_DASHBOARD_PASSWORD</code>): without one, everyone who opens it is the administrator.</p>`;
    return render(c, { title: 'Athletes', active: 'none' }, html`${body}${invites}` as Html);
  });

  const signIn = deps.signIn;
  if (!signIn) return;
  // The link is shown on this answer only (its token is stored hashed): never put in a redirect's message.
  app.post('/athletes/invite', async (c) => {
    const name = await formString(c, 'name');
    try {
      const made = await signIn.invite(name);
      const link = new URL(`/invite/${made.token}`, c.req.url).toString();
      const body = html`<h1>Invite for ${made.name}</h1>
<p class="lede">Send this link to ${made.name}. It works once, until ${serviceTime(made.expiresAt)}; opening it and signing in with Strava connects their Strava account and signs them in.</p>
<p class="card"><input id="invite-link" readonly size="70" value="${link}"></p>
<p class="muted">It is shown only now: bandsync keeps a hash of it, not the link.</p><p><a href="/athletes">Back to the athletes</a></p>`;
      return render(c, { title: 'Invite', active: 'none' }, body as Html);
    } catch (err) {
      return redirectWith(c, '/athletes', 'error', errorText(err));
    }
  });

  app.post('/athletes/invite/revoke', async (c) => {
    const name = await formString(c, 'name');
    try {
      const revoked = await signIn.revokeInvite(name);
      return redirectWith(
        c,
        '/athletes',
        'ok',
        `Revoked ${revoked === 1 ? 'the invite' : `${revoked} invites`} for ${name}: ${revoked === 1 ? 'its link no longer works' : 'their links no longer work'}.`,
      );
    } catch (err) {
      return redirectWith(c, '/athletes', 'error', errorText(err));
    }
  });

  app.post('/athletes/self-signup', async (c) => {
    const on = (await formString(c, 'on')) === '1';
    await signIn.setSelfSignUp(on);
    return redirectWith(c, '/athletes', 'ok', on ? 'Self sign-up is on.' : 'Self sign-up is off.');
  });
}
