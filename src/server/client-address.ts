// Who is asking, for the login throttle and the log. The peer address comes
// from @hono/node-server's connection info (serve.ts hands the socket through).
// Behind a reverse proxy every request comes from the proxy, so with
// `behindProxy` the last X-Forwarded-For hop — the one our proxy appended,
// which a client cannot forge — names the client instead.
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { ServerSecurity } from './deps.js';

/** The client's address; "unknown" only when the app runs without a socket (Hono's app.request in tests). */
export function clientAddress(c: Context, security: Pick<ServerSecurity, 'behindProxy'>): string {
  if (security.behindProxy) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',');
    const last = hops[hops.length - 1]?.trim();
    if (last) return normalize(last);
  }
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  return peer ? normalize(peer) : 'unknown';
}

/** "::ffff:127.0.0.2" (an IPv4 client of a dual-stack socket) is 127.0.0.2. */
function normalize(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
