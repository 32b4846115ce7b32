// Password login for a dashboard reachable from the network. A new session id
// is issued on success (no fixation); failures are slowed down.
import type { Hono } from 'hono';
import type { ServerDeps } from '../deps.js';
import { verifyPassword } from '../password.js';
import { SESSION_COOKIE, setSessionCookie, type AppEnv } from '../security.js';
import type { SessionStore } from '../sessions.js';
import { csrfField, html, type Html } from '../views/html.js';
import { layout } from '../views/layout.js';
import { getCookie } from 'hono/cookie';
import { formString } from './render.js';

const FAILURE_DELAY_MS = 750;

export function registerLogin(app: Hono<AppEnv>, deps: ServerDeps, sessions: SessionStore): void {
  const page = (csrf: string, error: string | null) => layout(
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
    const ok = await verifyPassword(await formString(c, 'password'), hash);
    if (!ok) {
      await new Promise((r) => setTimeout(r, FAILURE_DELAY_MS));
      deps.logger?.warn('dashboard login failed');
      return c.html(page(c.get('session').csrf, 'Wrong password.'), 401);
    }
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
