// Password login for a dashboard reachable from the network. A new session id
// is issued on success (no fixation); failures are slowed down, and repeated
// failures lock the address out for a while (login-throttle.ts).
import type { Context, Hono } from 'hono';
import type { ServerDeps } from '../deps.js';
import { verifyPassword } from '../password.js';
import { SESSION_COOKIE, setSessionCookie, type AppEnv } from '../security.js';
import type { SessionStore } from '../sessions.js';
import { csrfField, html, type Html } from '../views/html.js';
import { layout } from '../views/layout.js';
import { getCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { LoginThrottle } from '../login-throttle.js';
import { formString } from './render.js';

const FAILURE_DELAY_MS = 750;

/** The peer address (the proxy's, behind one); a test app without a socket counts as one client. */
function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function registerLogin(
  app: Hono<AppEnv>,
  deps: ServerDeps,
  sessions: SessionStore,
  throttle = new LoginThrottle(deps.now),
): void {
  const page = (csrf: string, error: string | null) =>
    layout(
      { title: 'Log in', active: 'login', csrf, flash: error ? { kind: 'error', text: error } : null },
      html`<h1>Log in</h1><form method="post" action="/login" class="card" id="login-form">${csrfField(csrf)}
<label>Password <input type="password" name="password" autocomplete="current-password" required autofocus></label><button>Log in</button></form>` as Html,
    );

  app.get('/login', (c) => {
    if (!deps.security.password || c.get('session').authenticated) return c.redirect('/', 303);
    c.header('Cache-Control', 'no-store');
    return c.html(page(c.get('session').csrf, null));
  });

  app.post('/login', async (c) => {
    const hash = deps.security.password;
    if (!hash) return c.redirect('/', 303);
    const address = clientAddress(c);
    const wait = throttle.waitSeconds(address);
    if (wait > 0) {
      // Refused before the password is even checked, so guessing gains nothing.
      c.header('Retry-After', String(wait));
      return c.html(
        page(c.get('session').csrf, `Too many failed logins. Try again in ${Math.ceil(wait / 60)} min.`),
        429,
      );
    }
    const ok = await verifyPassword(await formString(c, 'password'), hash);
    if (!ok) {
      throttle.failed(address);
      await new Promise((r) => setTimeout(r, FAILURE_DELAY_MS));
      deps.logger?.warn('dashboard login failed', { address });
      return c.html(page(c.get('session').csrf, 'Wrong password.'), 401);
    }
    throttle.succeeded(address);
    sessions.destroy(getCookie(c, SESSION_COOKIE) ?? '');
    const session = sessions.create(true);
    setSessionCookie(c, session);
    return c.redirect('/', 303);
  });

  app.post('/logout', (c) => {
    sessions.destroy(c.get('session').id);
    const fresh = sessions.create(!deps.security.password);
    setSessionCookie(c, fresh);
    return c.redirect(deps.security.password ? '/login' : '/', 303);
  });
}
