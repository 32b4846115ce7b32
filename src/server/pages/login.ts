// Password login for a dashboard reachable from the network. A new session id
// is issued on success (no fixation); failures are slowed down, and repeated
// failures lock the address out for a while (login-throttle.ts).
import type { Hono } from 'hono';
import type { ServerDeps } from '../deps.js';
import { verifyPassword } from '../password.js';
import { SESSION_COOKIE, safeNext, setSessionCookie, type AppEnv } from '../security.js';
import type { SessionStore } from '../sessions.js';
import { csrfField, html, type Html } from '../views/html.js';
import { layout } from '../views/layout.js';
import { deleteCookie, getCookie } from 'hono/cookie';
import { clientAddress } from '../client-address.js';
import { LoginThrottle } from '../login-throttle.js';
import { formString } from './render.js';
import { stravaSignInButton } from './sign-in.js';

const FAILURE_DELAY_MS = 750;

export function registerLogin(
  app: Hono<AppEnv>,
  deps: ServerDeps,
  sessions: SessionStore,
  throttle = new LoginThrottle(deps.now),
): void {
  const page = (csrf: string, error: string | null, next: string) =>
    layout(
      { title: 'Log in', active: 'login', csrf, flash: error ? { kind: 'error', text: error } : null },
      html`<h1>Log in</h1><form method="post" action="/login" class="card stack" id="login-form">${csrfField(csrf)}
${next !== '/' ? html`<input type="hidden" name="next" value="${next}">` : ''}
<label>Password <input type="password" name="password" autocomplete="current-password" required autofocus></label><button class="primary">Log in</button></form>
${deps.signIn ? stravaSignInButton(csrf) : ''}` as Html,
    );

  app.get('/login', (c) => {
    const next = safeNext(c.req.query('next'));
    if (!deps.security.password || c.get('session').authenticated) return c.redirect(next, 303);
    c.header('Cache-Control', 'no-store');
    return c.html(page(c.get('session').csrf, null, next));
  });

  // One password check at a time: each scrypt takes 128 MiB, so concurrent
  // attempts must not add up, and each sees the failures recorded before it.
  let checking: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = checking.then(fn, fn);
    checking = run.catch(() => undefined);
    return run;
  };

  app.post('/login', async (c) => {
    const hash = deps.security.password;
    if (!hash) return c.redirect('/', 303);
    const next = safeNext(await formString(c, 'next'));
    const address = clientAddress(c, deps.security);
    const password = await formString(c, 'password');
    const outcome = await oneAtATime(async () => {
      const wait = throttle.waitSeconds(address);
      // Refused before the password is even checked, so guessing gains nothing.
      if (wait > 0) return { ok: false, wait };
      const ok = await verifyPassword(password, hash);
      if (ok) throttle.succeeded(address);
      else throttle.failed(address);
      return { ok, wait: 0 };
    });
    if (outcome.wait > 0) {
      c.header('Retry-After', String(outcome.wait));
      return c.html(
        page(c.get('session').csrf, `Too many failed logins. Try again in ${Math.ceil(outcome.wait / 60)} min.`, next),
        429,
      );
    }
    if (!outcome.ok) {
      await new Promise((r) => setTimeout(r, FAILURE_DELAY_MS));
      deps.logger?.warn('dashboard login failed', { address });
      return c.html(page(c.get('session').csrf, 'Wrong password.', next), 401);
    }
    await sessions.destroy(getCookie(c, SESSION_COOKIE) ?? '');
    const session = await sessions.create('admin');
    setSessionCookie(c, session, deps.security);
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    await sessions.destroy(c.get('session').id);
    // With a password, the login page makes the next (anonymous) session when it is shown.
    if (deps.security.password) {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/login', 303);
    }
    setSessionCookie(c, await sessions.create('admin'), deps.security);
    return c.redirect('/', 303);
  });
}
