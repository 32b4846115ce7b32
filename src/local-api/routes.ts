// The daemon's local API (DESIGN §4.2): while `bandsync daemon` holds the
// embedded database, `status`, `log`, `retry`, `skip` and `sync` reach it here
// instead of opening the database themselves. Every call carries the token
// from daemon.json (owner-only), in a header, never in the URL.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { buildStatusReport } from '../app/status.js';
import { syncNow } from '../app/sync.js';
import { retryWorkout, skipWorkout } from '../app/workout-actions.js';
import { tokensEqual } from '../server/sessions.js';
import type { StravaWebhookSubscription } from '../app/strava-webhook.js';

export interface LocalApiDeps {
  readonly token: string;
  /** The daemon's application; a dry run reports its own share of the Strava requests. */
  readonly app: Pick<AppContext, 'deps' | 'stravaRequests' | 'budget' | 'clock'>;
  /** The application as one athlete (?athlete=NAME, the CLI's --athlete) sees it; throws for an unknown name. */
  readonly athleteApp?: (name: string) => Promise<Pick<AppContext, 'deps' | 'stravaRequests' | 'budget' | 'clock'>>;
  /** Read per request: the dashboard URL is known only once the server listens. */
  readonly where: () => { dataDir: string; database: string; daemonPid: number; dashboard: string };
  /** `bandsync strava webhook …`: this process serves the callback Strava validates while subscribing. */
  readonly stravaWebhook?: {
    status(): Promise<StravaWebhookSubscription | null>;
    subscribe(callbackUrl: string): Promise<StravaWebhookSubscription>;
    unsubscribe(): Promise<{ id: string; strava: 'deleted' | 'gone' } | null>;
  };
  /** Starts a sync in the background; null when this process does not sync (`bandsync serve`). */
  readonly startSync: ((options: { all?: boolean; since?: string; athlete?: string }) => void) | null;
}

const syncBody = z
  .object({ all: z.boolean().optional(), since: z.iso.datetime().optional(), dryRun: z.boolean().optional() })
  .strict();
const skipBody = z.object({ reason: z.string().min(1).max(500) }).strict();
const retryBody = z.object({ acceptDamaged: z.boolean().optional() }).strict();
const subscribeBody = z.object({ callbackUrl: z.string().min(1).max(2000) }).strict();

export function localApiRoutes(api: LocalApiDeps): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    if (!header.startsWith('Bearer ') || !tokensEqual(header.slice(7), api.token)) {
      return c.json({ error: "the local API needs the token from the data dir's daemon.json" }, 401);
    }
    await next();
  });
  app.onError((err, c) =>
    c.json({ error: err instanceof z.ZodError ? `bad request: ${z.prettifyError(err)}` : err.message }, 400),
  );

  const appFor = async (c: { req: { query(name: string): string | undefined } }) => {
    const name = c.req.query('athlete');
    if (name === undefined) return api.app;
    if (!api.athleteApp) throw new Error('this daemon does not serve athletes by name');
    return api.athleteApp(name);
  };

  app.get('/status', async (c) => {
    const { daemonPid, dashboard, ...where } = api.where();
    const { deps, budget, clock } = await appFor(c);
    const report = await buildStatusReport({ store: deps.store, budget, now: clock.now() }, where);
    return c.json({ ...report, via: { daemonPid, dashboard } });
  });
  app.get('/log', async (c) => {
    const limit = Number(c.req.query('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1)
      return c.json({ error: `limit must be a positive whole number, got "${c.req.query('limit')}"` }, 400);
    const { deps } = await appFor(c);
    return c.json(await deps.store.listLedger({ workoutId: c.req.query('workout') || undefined, limit }));
  });
  app.post('/workouts/:id/retry', async (c) => {
    const options = retryBody.parse(await c.req.json().catch(() => ({})));
    return c.json(await retryWorkout((await appFor(c)).deps, c.req.param('id'), options));
  });
  app.post('/workouts/:id/skip', async (c) => {
    const { reason } = skipBody.parse(await c.req.json());
    return c.json(await skipWorkout((await appFor(c)).deps, c.req.param('id'), reason));
  });
  const webhook = () => {
    if (!api.stravaWebhook) throw new Error("this daemon does not serve Strava's webhook");
    return api.stravaWebhook;
  };
  app.get('/strava-webhook', async (c) => c.json({ subscription: await webhook().status() }));
  app.post('/strava-webhook/subscribe', async (c) => {
    const { callbackUrl } = subscribeBody.parse(await c.req.json());
    return c.json({ subscription: await webhook().subscribe(callbackUrl) });
  });
  app.post('/strava-webhook/unsubscribe', async (c) => c.json({ removed: await webhook().unsubscribe() }));
  app.post('/sync', async (c) => {
    const body = syncBody.parse(await c.req.json());
    const athlete = c.req.query('athlete');
    if (body.dryRun) {
      const one = await appFor(c);
      const wait = (until: Date) => one.clock.wait(until);
      return c.json(await syncNow(one, { all: body.all, since: body.since, dryRun: true, wait }));
    }
    if (athlete !== undefined) await appFor(c); // an unknown name is refused before anything starts
    if (!api.startSync)
      return c.json(
        {
          error: `this process only serves the dashboard (bandsync serve, pid ${api.where().daemonPid}); it does not sync. Run bandsync daemon instead, or stop it and run bandsync sync`,
        },
        409,
      );
    api.startSync({ all: body.all, since: body.since, ...(athlete !== undefined ? { athlete } : {}) });
    return c.json({ started: true }, 202);
  });
  return app;
}
