// Request guards: security headers with a strict CSP, the loopback Host check,
// sessions (HttpOnly, SameSite=Strict), the password login and CSRF tokens.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { ServerSecurity } from './deps.js';
import { tokensEqual, type Session, type SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'bandsync_session';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export type AppEnv = { Variables: { session: Session; loginRequired: boolean } };

/** Paths reachable without logging in: the login itself, static files and the OAuth return. */
const PUBLIC_PATHS = [/^\/login$/, /^\/assets\//, /^\/tiles\//, /^\/connect\/strava\/callback$/, /^\/favicon\.ico$/];

export function securityHeaders(tileOrigin: string | null): MiddlewareHandler {
  const img = ["'self'", 'data:', ...(tileOrigin ? [tileOrigin] : [])].join(' ');
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${img}`,
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
  return async (c, next) => {
    await next();
    c.header('Content-Security-Policy', csp);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
  };
}

/** A loopback-bound dashboard answers only loopback host names (stops DNS rebinding). */
export function loopbackHostGuard(security: ServerSecurity): MiddlewareHandler {
  return async (c, next) => {
    if (!security.remote) {
      const host = (c.req.header('host') ?? '')
        .replace(/:\d+$/, '')
        .replace(/^\[|\]$/g, '')
        .toLowerCase();
      if (host && !(host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host))) {
        return c.text('This dashboard answers only on localhost.', 421);
      }
    }
    await next();
  };
}

export function sessionGuard(sessions: SessionStore, security: ServerSecurity): MiddlewareHandler<AppEnv> {
  if (security.remote && !security.password) {
    throw new Error('A dashboard reachable from the network needs a password: configure one or bind to 127.0.0.1.');
  }
  return async (c, next) => {
    const isPublic = PUBLIC_PATHS.some((re) => re.test(c.req.path));
    let session = sessions.get(getCookie(c, SESSION_COOKIE));
    // The OAuth return comes from Strava's site, so the SameSite=Strict cookie is
    // absent there: never mint a session on it, or it would replace the real one.
    if (!session && !c.req.path.startsWith('/assets/') && c.req.path !== '/connect/strava/callback') {
      session = sessions.create(!security.password);
      setSessionCookie(c, session);
    }
    if (session) c.set('session', session);
    c.set('loginRequired', Boolean(security.password));
    if (!isPublic && !session?.authenticated) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect('/login', 303);
      return c.text('Log in first.', 401);
    }
    await next();
  };
}

export function setSessionCookie(c: Context, session: Session): void {
  setCookie(c, SESSION_COOKIE, session.id, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: new URL(c.req.url).protocol === 'https:',
  });
}

/** Every state-changing request carries the session's CSRF token (form field or header). */
export function csrfGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const origin = c.req.header('origin');
    if (origin && origin !== 'null' && new URL(origin).host !== c.req.header('host')) {
      return c.text('Cross-site request refused.', 403);
    }
    const session = c.get('session');
    let token = c.req.header(CSRF_HEADER);
    if (!token) {
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
        const body = await c.req.parseBody();
        const field = body[CSRF_FIELD];
        token = typeof field === 'string' ? field : undefined;
      }
    }
    if (!session || !token || !tokensEqual(token, session.csrf)) {
      return c.text('Missing or wrong CSRF token: reload the page and try again.', 403);
    }
    await next();
  };
}
