// Request guards: security headers with a strict CSP, malformed requests
// refused with a 4xx, the loopback Host check, sessions (HttpOnly,
// SameSite=Strict, Secure behind https), the password login and CSRF tokens.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { hostHeaderName, isLoopbackHost } from '../loopback.js';
import type { ServerSecurity } from './deps.js';
import { tokensEqual, type Session, type SessionStore } from './sessions.js';
import type { RequestView } from './athlete-view.js';

export const SESSION_COOKIE = 'bandsync_session';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export type AppEnv = { Variables: { session: Session; loginRequired: boolean; view: RequestView } };

/**
 * Paths reachable without logging in: the login itself, static files, the
 * OAuth return, and /metrics (which checks its own token or session).
 */
const PUBLIC_PATHS = [
  /^\/login$/,
  // Sign in with Strava and the invite links that lead to it (pages/sign-in.ts).
  /^\/login\/strava(\/callback|\/finish)?$/,
  /^\/invite\/[^/]+$/,
  /^\/assets\//,
  /^\/tiles\//,
  /^\/connect\/strava\/callback$/,
  /^\/favicon\.ico$/,
  /^\/metrics$/,
];

/** The instance's own pages, never an athlete's: the athletes and their invites. */
const ADMIN_ONLY = [/^\/athletes(\/|$)/];

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

// NUL and other control characters have no business in an address, and
// PostgreSQL refuses NUL in text: caught here, they are the client's mistake (400)
// instead of a database error (500).
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A path with a broken %-escape or control characters, or a query with control characters, is a 400. */
export function malformedRequestGuard(): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return c.text('Bad request: the address has a malformed %-escape.', 400);
    }
    if (hasControl(path)) return c.text('Bad request: the address contains control characters.', 400);
    for (const [name, value] of url.searchParams) {
      if (hasControl(name) || hasControl(value))
        return c.text('Bad request: the query contains control characters.', 400);
    }
    await next();
  };
}

/**
 * A loopback-bound dashboard answers only loopback host names (stops DNS
 * rebinding). Used by the dashboard and by the daemon for every other route
 * it serves (/healthz, /readyz, the local API).
 */
export function loopbackHostGuard(security: ServerSecurity): MiddlewareHandler {
  return async (c, next) => {
    if (!security.remote) {
      const host = hostHeaderName(c.req.header('host') ?? '');
      if (host && !isLoopbackHost(host)) {
        return c.text('This dashboard answers only on localhost.', 421);
      }
    }
    await next();
  };
}

export function sessionGuard(sessions: SessionStore, security: ServerSecurity): MiddlewareHandler<AppEnv> {
  if (security.remote && !security.password) {
    throw new Error(
      'A dashboard reachable from the network (a non-loopback address, or behind a proxy) needs a password: configure one, or bind to 127.0.0.1 without behindProxy.',
    );
  }
  const loginRequired = Boolean(security.password);
  return async (c, next) => {
    const path = c.req.path;
    const isPublic = PUBLIC_PATHS.some((re) => re.test(path));
    let session = await sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session && wantsNewSession(c, loginRequired)) {
      session = await sessions.create(loginRequired ? null : 'admin');
      setSessionCookie(c, session, security);
    }
    if (session) c.set('session', session);
    c.set('loginRequired', loginRequired);
    if (!isPublic && !session?.authenticated) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(loginUrlFor(c.req.url), 303);
      return c.text('Log in first.', 401);
    }
    if (session?.role === 'athlete' && ADMIN_ONLY.some((re) => re.test(path)))
      return c.text('This page is for the administrator of this bandsync.', 403);
    await next();
    // A page may have set (or shown) the one-time message.
    if (session) await sessions.saveFlash(session);
  };
}

/**
 * Who gets a session on arrival. Without a password every page visitor is the
 * owner. With one, only the login form needs a session (for its CSRF token):
 * other anonymous requests are sent to it without one, so visitors cannot
 * fill the session store. The OAuth return comes from Strava's site without
 * the SameSite=Strict cookie: a session minted there would replace the real one.
 */
function wantsNewSession(c: Context, loginRequired: boolean): boolean {
  const path = c.req.path;
  const isGet = c.req.method === 'GET' || c.req.method === 'HEAD';
  if (loginRequired) return isGet && (path === '/login' || /^\/invite\/[^/]+$/.test(path));
  return (
    !/^\/(assets|tiles)\//.test(path) &&
    !['/connect/strava/callback', '/login/strava/callback', '/metrics'].includes(path)
  );
}

/** The login page, told to come back to the page that was asked for. */
function loginUrlFor(requested: string): string {
  const url = new URL(requested);
  const back = url.pathname + url.search;
  return back === '/' ? '/login' : `/login?next=${encodeURIComponent(back)}`;
}

/** Where to go after logging in: only a path on this site, never another origin or the login itself. */
export function safeNext(next: string | undefined | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/^\/login(\?|$)/.test(next) || /[\r\n]/.test(next)) return '/';
  return next;
}

export function setSessionCookie(c: Context, session: Session, security: Pick<ServerSecurity, 'behindProxy'>): void {
  setCookie(c, SESSION_COOKIE, session.id, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: Boolean(security.behindProxy) || new URL(c.req.url).protocol === 'https:',
  });
}

/** The host of an Origin header, or null when it is not a URL at all. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Every state-changing request carries the session's CSRF token (form field or
 * header). A form body is read here once (Hono keeps it for the page), so a
 * body that cannot be parsed is answered 400 before any page sees it.
 */
export function csrfGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const origin = c.req.header('origin');
    if (origin && origin !== 'null' && originHost(origin) !== c.req.header('host')) {
      return c.text('Cross-site request refused.', 403);
    }
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let form: Record<string, unknown> = {};
    if (FORM_TYPES.some((t) => type.startsWith(t))) {
      try {
        form = await c.req.parseBody();
      } catch {
        return c.text('Bad request: the form data could not be read.', 400);
      }
      if (
        Object.entries(form).some(([k, v]) => k.includes('\u0000') || (typeof v === 'string' && v.includes('\u0000')))
      )
        return c.text('Bad request: the form contains a NUL character.', 400);
    }
    const session = c.get('session');
    const field = form[CSRF_FIELD];
    const token = c.req.header(CSRF_HEADER) || (typeof field === 'string' ? field : undefined);
    if (!session || !token || !tokensEqual(token, session.csrf)) {
      return c.text('Missing or wrong CSRF token: reload the page and try again.', 403);
    }
    await next();
  };
}
