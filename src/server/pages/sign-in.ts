// Sign in with Strava for athletes (issue 18), and the invite links that
// bring a new athlete to it. The flow is bound to the browser's anonymous
// session: Strava sends the browser back to the callback without the
// SameSite=Strict cookie, so the callback only hands the code over and moves
// on with a same-site navigation, which carries the cookie to /finish.
import type { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AthleteSignIn, ServerDeps } from '../deps.js';
import { SESSION_COOKIE, setSessionCookie, type AppEnv } from '../security.js';
import { hashToken, type SessionStore } from '../sessions.js';
import { csrfField, html, type Html } from '../views/html.js';
import { layout } from '../views/layout.js';
import { errorText, formString, type Ctx } from './render.js';
import { serviceTime } from '../views/time.js';

export const SIGNIN_CALLBACK = '/login/strava/callback';

/** The "Sign in with Strava" button (a form: starting changes state), with the invite it carries. */
export function stravaSignInButton(csrf: string, invite?: string): Html {
  return html`<form method="post" action="/login/strava" class="card stack" id="strava-sign-in">${csrfField(csrf)}
${invite ? html`<input type="hidden" name="invite" value="${invite}">` : ''}
<button class="primary" id="sign-in-strava">Sign in with Strava</button>
<span class="muted">For athletes of this bandsync: Strava asks you to allow uploads and reading your activities, which also connects your Strava account.</span></form>` as Html;
}

export function registerSignIn(app: Hono<AppEnv>, deps: ServerDeps, sessions: SessionStore): void {
  const signIn = deps.signIn;
  if (!signIn) return;

  const message = (c: Ctx, title: string, text: string, status: 200 | 400 | 403 | 404, extra: Html | string = '') => {
    c.header('Cache-Control', 'no-store');
    const body = html`<h1>${title}</h1>${extra}<p><a href="/login">Back to the login page</a></p>`;
    const flash = { kind: status === 200 ? ('ok' as const) : ('error' as const), text };
    return c.html(layout({ title, active: 'login', csrf: c.get('session')?.csrf ?? '', flash }, body as Html), status);
  };

  app.post('/login/strava', async (c) => {
    const session = c.get('session');
    const invite = (await formString(c, 'invite')) || undefined;
    try {
      const { authorizeUrl } = await signIn.start({
        redirectUri: new URL(SIGNIN_CALLBACK, c.req.url).toString(),
        binding: hashToken(session.id),
        ...(invite ? { invite } : {}),
      });
      return c.redirect(authorizeUrl, 303);
    } catch (err) {
      return message(c, 'Sign in with Strava', errorText(err), 400);
    }
  });

  app.get(SIGNIN_CALLBACK, async (c) => {
    const error = c.req.query('error');
    const code = c.req.query('code');
    const state = c.req.query('state');
    if (error)
      return message(c, 'Sign in with Strava', 'Strava access was not granted, so you are not signed in.', 400);
    if (!code || !state) return message(c, 'Sign in with Strava', 'The Strava answer lacks its code or state.', 400);
    try {
      await signIn.receive({ code, state, scope: c.req.query('scope') ?? null });
    } catch (err) {
      return message(c, 'Sign in with Strava', errorText(err), 400);
    }
    const next = `/login/strava/finish?state=${encodeURIComponent(state)}`;
    c.header('Cache-Control', 'no-store');
    const body = html`<h1>Signing in…</h1><p><a href="${next}" id="continue">Continue</a></p><meta http-equiv="refresh" content="0;url=${next}">`;
    return c.html(layout({ title: 'Signing in', active: 'login', csrf: '' }, body as Html));
  });

  app.get('/login/strava/finish', async (c) => {
    const session = c.get('session');
    const state = c.req.query('state') ?? '';
    if (!session || session.authenticated)
      return message(c, 'Sign in with Strava', 'Open this in the browser that started signing in.', 400);
    let athlete: { id: string; name: string };
    try {
      athlete = await signIn.finish({ state, binding: hashToken(session.id) });
    } catch (err) {
      return message(c, 'Not signed in', errorText(err), 403);
    }
    // A new session id on signing in (no fixation).
    await sessions.destroy(getCookie(c, SESSION_COOKIE) ?? '');
    const signedIn = await sessions.create('athlete', athlete.id);
    signedIn.flash = { kind: 'ok', text: `Signed in as ${athlete.name}.` };
    await sessions.saveFlash(signedIn);
    setSessionCookie(c, signedIn, deps.security);
    return c.redirect('/', 303);
  });

  app.get('/invite/:token', async (c) => {
    const token = c.req.param('token');
    const invited = await signIn.invited(token);
    c.header('Referrer-Policy', 'no-referrer');
    if (!invited)
      return message(
        c,
        'Invite',
        'This invite link has been used or has expired: ask the administrator for a new one.',
        404,
      );
    const session = c.get('session');
    const body = html`<h1>Welcome, ${invited.name}</h1>
<p class="lede">You are invited to sync your band's workouts to Strava with this bandsync. Sign in with your Strava account: from then on it signs you in, and this link no longer works.</p>
${stravaSignInButton(session?.csrf ?? '', token)}`;
    c.header('Cache-Control', 'no-store');
    return c.html(layout({ title: 'Invite', active: 'login', csrf: session?.csrf ?? '' }, body as Html));
  });
}

/** The administrator's invite form and self sign-up switch, on the Athletes page. */
export async function invitesCard(signIn: AthleteSignIn, csrf: string): Promise<Html> {
  const open = await signIn.selfSignUp();
  const pending = await signIn.invites();
  const list = pending.length
    ? html`<table id="pending-invites"><caption>Pending invites (their links are not kept: make a new one to send again)</caption>
<thead><tr><th scope="col">For</th><th scope="col">Made</th><th scope="col">Valid until</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead>
<tbody>${pending.map(
        (i) => html`<tr><td>${i.name}</td><td>${serviceTime(i.createdAt)}</td><td>${serviceTime(i.expiresAt)}</td>
<td><form method="post" action="/athletes/invite/revoke">${csrfField(csrf)}<input type="hidden" name="name" value="${i.name}"><button class="revoke-invite" aria-label="Revoke the invite for ${i.name}">Revoke</button></form></td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted" id="pending-invites">No pending invites.</p>`;
  return html`<section class="card" id="invites"><h2>Invite an athlete</h2>${list}
<form method="post" action="/athletes/invite" class="stack">${csrfField(csrf)}
<label>Name <input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9._-]{0,39}" autocomplete="off"></label>
<button id="invite-athlete">Make an invite link</button>
<span class="muted">A new athlete of that name, or an existing one not yet signed in with Strava. The link works once, for 7 days.</span></form>
<form method="post" action="/athletes/self-signup">${csrfField(csrf)}<input type="hidden" name="on" value="${open ? '0' : '1'}">
<p>Self sign-up is <strong id="self-signup-state">${open ? 'on' : 'off'}</strong>: ${open ? 'any Strava athlete who signs in becomes a new athlete (within your Strava application’s athlete limit).' : 'only invited athletes can sign in with Strava.'}
<button id="self-signup-toggle">${open ? 'Turn off' : 'Turn on'}</button></p></form>
</section>` as Html;
}
