// The long-running service: queue workers, the poll schedule, and the
// dashboard with /healthz, /readyz and /metrics, on one composed App.
import { Hono } from 'hono';
import { createApp as createDashboard } from './server/app.js';
import { serveApp } from './server/serve.js';
import { hashPassword, isBelowCurrentCost, isPasswordHash } from './server/password.js';
import { loopbackHostGuard } from './server/security.js';
import { createNotifier, renderMetrics, METRICS_CONTENT_TYPE, type SourcePollStat } from './observability/index.js';
import { sweepProblems } from './observability/notify-sweep.js';
import { registerTasks, schedulePolls, dispatch, JOBS } from './sync/tasks.js';
import { DESTINATION } from './sync/deps.js';
import { createAthleteSignIn, createDashboardEngine } from './dashboard-engine.js';
import type { App } from './compose.js';
import { watchFolder } from './app/files-import.js';
import { pollIntervalSeconds } from './app/settings.js';
import { SOURCE_KINDS, syncAll } from './sync/sync-all.js';
import { administratorAthlete, athleteOverviews, syncEveryAthlete } from './app/athletes.js';
import type { AthleteView, PerAthlete } from './server/deps.js';
import { approveHistory } from './sync/approval.js';
import {
  stravaWebhookReceiver,
  stravaWebhookStatus,
  subscribeStravaWebhook,
  unsubscribeStravaWebhook,
} from './app/strava-webhook.js';
import { localApiRoutes } from './local-api/routes.js';
import { newLocalApiToken, writeDaemonFile } from './local-api/discovery.js';
import { isLoopbackHost, loopbackUrl } from './loopback.js';

export interface DaemonOptions {
  readonly port?: number;
  readonly host?: string;
  /** false: dashboard only (`bandsync serve`). */
  readonly work?: boolean;
  /** false: workers only, no dashboard (`bandsync worker`). */
  readonly dashboard?: boolean;
  readonly concurrency?: number;
  /** Plain or scrypt-hashed dashboard password (required for a non-loopback host). */
  readonly password?: string;
  /** Backfill the whole history, not only what is recorded after connecting. */
  readonly all?: boolean;
}

/** How often the daemon looks for accounts connected since it started. */
const ACCOUNT_CHECK_MS = 5_000;
/** How often the daemon hands out pending work between polls. */
const DISPATCH_EVERY_MS = 60_000;
/** Upload window size on PostgreSQL, where several workers share the queue. */
const SHARED_WINDOW = 50;

export interface RunningDaemon {
  readonly url: string | null;
  /** Schedules an immediate poll of every source, then uploads. */
  pollNow(): Promise<void>;
  close(): Promise<void>;
}

export async function startDaemon(app: App, options: DaemonOptions = {}): Promise<RunningDaemon> {
  const polls = new Map<string, SourcePollStat>();
  const nextPolls = new Map<string, number>();
  const started = Date.now();
  // Problems that need the user go out once each (webhook / e-mail), not once per retry.
  const { notify } = app.config;
  const notifier =
    notify.webhookUrl || notify.email
      ? createNotifier({ webhookUrl: notify.webhookUrl, email: notify.email, store: app.store, logger: app.logger })
      : null;
  const sweep = () => {
    if (!notifier) return;
    sweepProblems({ store: app.store, notifier, repeatedFailures: notify.repeatedFailures }).catch((err: Error) =>
      app.logger.warn('notification sweep failed', { error: err.message }),
    );
  };
  // Shutdown: waits (a rate-limit window, a lost upload's grace) and new uploads stop at once.
  const stopping = new AbortController();
  const taskOptions = {
    // Read at every poll: a new interval from the settings page applies from the next poll.
    pollIntervalSeconds: () => pollIntervalSeconds(app),
    // On PostgreSQL several workers share a backfill: smaller windows give each of them work.
    windowSize: app.storeKind === 'postgres' ? SHARED_WINDOW : undefined,
    onPoll: (accountId: string, kind: string, seconds: number, ok: boolean) => {
      polls.set(accountId, {
        accountId,
        kind,
        lastLatencySeconds: seconds,
        lastPollAt: app.clock.now().toISOString(),
        ok,
      });
      sweep();
    },
    onPollScheduled: (accountId: string, at: Date) => nextPolls.set(accountId, at.getTime()),
  };
  const nextPollAt = () => {
    let next = Number.POSITIVE_INFINITY;
    for (const at of nextPolls.values()) next = Math.min(next, at);
    return nextPolls.size ? new Date(next).toISOString() : null;
  };
  // --all is stored as each account's approval, so workers on other machines upload the same history.
  if (options.all) await approveAllHistory(app, 'daemon --all');
  let watchAccounts: NodeJS.Timeout | null = null;
  if (options.work !== false) {
    await registerTasks(app.deps, app.queue, taskOptions, options.concurrency ?? 1);
    if (options.dashboard !== false) {
      await schedulePolls(app.deps, app.queue, 0, taskOptions);
      // Accounts connected, changed or removed while the daemon runs (CLI, dashboard, another machine):
      // a new one is polled at once and then on its interval; a removed one's chain ends at its next poll.
      let checking = false;
      let dispatchedAt = Date.now();
      watchAccounts = setInterval(() => {
        if (checking || stopping.signal.aborted) return;
        checking = true;
        void (async () => {
          // Work whose time has come (a retry's backoff, a lost upload's grace, a job a killed
          // worker held) is handed out again between polls, so nothing waits for a poll interval.
          if (Date.now() - dispatchedAt >= DISPATCH_EVERY_MS) {
            dispatchedAt = Date.now();
            await dispatch(app.deps, app.queue, taskOptions);
          }
          const accounts = await app.store.listAccounts();
          const ids = new Set(accounts.map((a) => a.id));
          for (const id of [...nextPolls.keys()]) if (!ids.has(id)) nextPolls.delete(id);
          for (const id of [...polls.keys()]) if (!ids.has(id)) polls.delete(id);
          const fresh = accounts.filter((a) => SOURCE_KINDS.has(a.kind) && !nextPolls.has(a.id));
          if (fresh.length === 0) return;
          if (options.all) await approveAllHistory(app, 'daemon --all');
          app.logger.info('new source accounts: polling them now', { accounts: fresh.map((a) => a.id) });
          await schedulePolls(app.deps, app.queue, 0, { ...taskOptions, accountIds: fresh.map((a) => a.id) });
        })()
          .catch((err: Error) => app.logger.warn('checking for new accounts failed', { error: err.message }))
          .finally(() => {
            checking = false;
          });
      }, ACCOUNT_CHECK_MS);
      watchAccounts.unref();
    }
  }
  const stopWatching =
    options.work !== false && app.config.watchDir ? await watchFolderOf(app, app.config.watchDir) : async () => {};
  if (options.dashboard === false) {
    return {
      url: null,
      pollNow: () => schedulePolls(app.deps, app.queue),
      close: async () => {
        stopping.abort(new Error('bandsync is stopping'));
        await stopWatching();
        await app.queue.stop();
      },
    };
  }

  const host = options.host ?? app.config.host;
  const password = options.password
    ? isPasswordHash(options.password)
      ? options.password
      : await hashPassword(options.password)
    : undefined;
  if (password && isBelowCurrentCost(password))
    app.logger.warn(
      'the dashboard password hash uses a lower scrypt cost than this release makes; hash it again (bandsync config hash-password) to raise it',
    );
  const engine = createDashboardEngine(app, { nextPollAt, signal: stopping.signal });
  // Behind a reverse proxy the dashboard is reachable from the network even when bound to loopback.
  const security = {
    password,
    remote: !isLoopbackHost(host) || app.config.behindProxy,
    behindProxy: app.config.behindProxy,
    metricsToken: app.config.metricsToken,
  };
  const metrics = async () => {
    const failed = await app.store.listRecords({ destination: DESTINATION, states: ['failed'], limit: 100_000 });
    const failuresByCode: Record<string, number> = {};
    for (const r of failed) failuresByCode[r.code ?? 'unknown'] = (failuresByCode[r.code ?? 'unknown'] ?? 0) + 1;
    const depth = await app.queue.depth();
    const body = renderMetrics({
      workoutsByState: await app.store.countByState(DESTINATION),
      uploadsTotal: app.stravaRequests.uploads(),
      failuresByCode,
      stravaBudget: await app.budget.snapshot(app.clock.now()),
      sourcePolls: [...polls.values()],
      queues: Object.fromEntries(Object.entries(depth).map(([name, n]) => [name, { depth: n, oldestAgeSeconds: 0 }])),
      process: {
        uptimeSeconds: (Date.now() - started) / 1000,
        residentMemoryBytes: process.memoryUsage().rss,
        heapUsedBytes: process.memoryUsage().heapUsed,
      },
    });
    return { body, contentType: METRICS_CONTENT_TYPE };
  };
  // Strava's webhook events (a deauthorization checked with Strava before it counts).
  const webhook = stravaWebhookReceiver(app);
  const root = new Hono();
  // Every route, not only the dashboard's: health, metrics and the local API too.
  root.use('*', loopbackHostGuard(security));
  root.get('/healthz', (c) => c.json({ ok: true }));
  root.get('/readyz', async (c) => {
    try {
      await app.store.countByState(DESTINATION);
      return c.json({ ready: true });
    } catch (err) {
      return c.json({ ready: false, reason: (err as Error).message }, 503);
    }
  });
  // The local API for the CLI (DESIGN §4.2), before the dashboard so its own token guards it.
  const token = newLocalApiToken();
  let dashboardUrl = '';
  let syncing: Promise<unknown> = Promise.resolve();
  root.route(
    '/api/local',
    localApiRoutes({
      token,
      app,
      athleteApp: (name) => app.forAthleteNamed(name),
      // Subscribing needs this process: Strava calls its /strava/webhook while the request is open.
      stravaWebhook: {
        status: () => stravaWebhookStatus(app),
        subscribe: (callbackUrl) => subscribeStravaWebhook(app, callbackUrl),
        unsubscribe: () => unsubscribeStravaWebhook(app),
      },
      where: () => ({
        dataDir: app.config.dataDir,
        database: app.storeKind,
        daemonPid: process.pid,
        dashboard: dashboardUrl,
      }),
      // One requested sync at a time, in the background; it is not awaited on close (the engine is crash-safe).
      startSync:
        options.work === false
          ? null
          : (o) => {
              const wait = (until: Date) => app.clock.wait(until, stopping.signal);
              syncing = syncing
                .then(async () => {
                  // One athlete named, or the only one: as before; several: each athlete's, new workouts first.
                  if (o.athlete !== undefined)
                    return [
                      await syncAll((await app.forAthleteNamed(o.athlete)).deps, {
                        ...o,
                        wait,
                        signal: stopping.signal,
                      }),
                    ];
                  if ((await app.athletes.list()).length > 1) return syncEveryAthlete(app, { ...o, wait });
                  return [await syncAll(app.deps, { all: o.all, since: o.since, wait, signal: stopping.signal })];
                })
                .then((runs) =>
                  app.logger.info('requested sync finished', {
                    uploaded: runs.reduce((n, s) => n + s.uploaded, 0),
                    failed: runs.reduce((n, s) => n + s.failed, 0),
                    needsUser: runs.reduce((n, s) => n + s.needsUser, 0),
                  }),
                )
                .catch((err: Error) => app.logger.warn('requested sync failed', { error: err.message }));
            },
    }),
  );
  root.route(
    '/',
    createDashboard({
      store: app.store,
      budget: app.budget,
      engine,
      now: () => app.clock.now(),
      logger: app.logger,
      stravaWebUrl: app.config.stravaUrl,
      tileUrl: app.config.tileUrl,
      tileAttribution: app.config.tileAttribution,
      security,
      metrics,
      athletes: () => athleteOverviews(app),
      access: app.access,
      perAthlete: perAthleteViews(app, { nextPollAt, signal: stopping.signal }),
      signIn: createAthleteSignIn(app),
      stravaWebhook: webhook,
    }),
  );
  const served = await serveApp(root, { port: options.port ?? app.config.port, host, passwordConfigured: !!password });
  dashboardUrl = loopbackUrl(served.url);
  const removeDaemonFile = writeDaemonFile(app.config.dataDir, {
    pid: process.pid,
    url: dashboardUrl,
    token,
    works: options.work !== false,
  });
  return {
    url: served.url,
    pollNow: async () => {
      await schedulePolls(app.deps, app.queue, 0, taskOptions);
      await dispatch(app.deps, app.queue, taskOptions);
    },
    close: async () => {
      stopping.abort(new Error('bandsync is stopping'));
      if (watchAccounts) clearInterval(watchAccounts);
      removeDaemonFile();
      await stopWatching();
      await served.close();
      await webhook.settled();
      await app.queue.stop();
    },
  };
}

/**
 * The dashboard's pages per athlete: each athlete's store and engine, built
 * on first use and kept, so an athlete's backfill keeps its progress across
 * requests and one Strava client serves all of that athlete's pages.
 */
function perAthleteViews(app: App, options: Parameters<typeof createDashboardEngine>[1]): PerAthlete {
  const views = new Map<string, Promise<AthleteView>>();
  return {
    list: async () => (await app.athletes.list()).map((a) => ({ id: a.id, name: a.name })),
    administratorId: async () => (await administratorAthlete(app))?.id ?? null,
    view(athleteId) {
      let view = views.get(athleteId);
      if (!view) {
        view = (async () => {
          const athlete = (await app.athletes.list()).find((a) => a.id === athleteId);
          if (!athlete) throw new Error('This athlete was removed.');
          const context = await app.forAthlete(athlete);
          return { store: context.store, engine: createDashboardEngine(context, options) };
        })();
        // A failed build (the athlete was just removed) is not kept.
        view.catch(() => views.delete(athleteId));
        views.set(athleteId, view);
      }
      return view;
    },
  };
}

async function approveAllHistory(app: App, by: string): Promise<void> {
  for (const account of await app.store.listAccounts())
    if (SOURCE_KINDS.has(account.kind)) await approveHistory(app.deps, account, null, by);
}

export { JOBS };

/**
 * The watched folder's files belong to one athlete: the only one. With
 * several, the daemon runs without watching and says why, instead of
 * refusing to start (it serves every athlete, so it takes no --athlete).
 */
async function watchFolderOf(app: App, dir: string): Promise<() => Promise<void>> {
  if (!app.athlete) {
    const names = (await app.athletes.list()).map((a) => a.name);
    if (names.length > 1) {
      app.logger.error('the watched folder is not watched: say whose files it holds', {
        dir,
        athletes: names.join(', '),
        fix: 'leave watchDir unset and run bandsync --athlete NAME watch DIR for that athlete (beside a daemon on PostgreSQL)',
      });
      return async () => {};
    }
  }
  return watchFolder(app, dir);
}
