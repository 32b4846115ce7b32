// GET /metrics (Prometheus text). On a loopback-only dashboard it is open, like
// the dashboard itself; on one reachable from the network it needs either the
// scraper's bearer token (config `metricsToken`) or a logged-in session, since
// the counts and account states are the owner's business.
import type { Hono } from 'hono';
import type { ServerDeps } from './deps.js';
import type { AppEnv } from './security.js';
import { tokensEqual, type Session } from './sessions.js';

export function registerMetrics(app: Hono<AppEnv>, deps: ServerDeps): void {
  const render = deps.metrics;
  if (!render) return;
  app.get('/metrics', async (c) => {
    if (deps.security.remote) {
      const header = c.req.header('authorization') ?? '';
      const token = deps.security.metricsToken;
      const byToken = Boolean(token) && header.startsWith('Bearer ') && tokensEqual(header.slice(7), token!);
      const bySession = (c.get('session') as Session | undefined)?.role === 'admin';
      if (!byToken && !bySession) {
        c.header('WWW-Authenticate', 'Bearer realm="bandsync metrics"');
        return c.text(
          'The metrics of a dashboard reachable from the network need its metrics token (Authorization: Bearer …, config metricsToken) or a logged-in session.',
          401,
        );
      }
    }
    const { body, contentType } = await render();
    c.header('Cache-Control', 'no-store');
    return c.body(body, 200, { 'content-type': contentType });
  });
}
