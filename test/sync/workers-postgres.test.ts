// Issue 5: four `bandsync worker` PROCESSES share one backfill through the
// PostgreSQL server — one rate budget, one queue, one set of sync records.
// Each worker talks to Strava through its own counting proxy, so the test
// sees that the work really was shared. Simulators run in this process on the
// real clock; the schema is unique to this run and dropped afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { discover } from '../../src/sync/discover.js';
import { dispatch } from '../../src/sync/tasks.js';
import { approveHistory } from '../../src/sync/approval.js';
import { dropSchema, postgresReachable, TEST_DATABASE_URL as DATABASE_URL, uniqueSchema } from '../store/helpers.js';
import { startWorkers, type WorkerProcesses } from './worker-processes.js';

const WORKERS = 4;
const WORKOUTS = 60;

const reachable = await postgresReachable(DATABASE_URL);

describe.skipIf(!reachable)(
  `${WORKERS} worker processes on PostgreSQL drain one backfill${reachable ? '' : ' (skipped: no PostgreSQL at ' + DATABASE_URL + ')'}`,
  () => {
    const schema = uniqueSchema('workers');
    const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-workers-'));
    let zepp: Awaited<ReturnType<typeof startZeppSimulator>>;
    let strava: Awaited<ReturnType<typeof startStravaSimulator>>;
    let app: App;
    let env: Record<string, string>;
    let workers: WorkerProcesses | undefined;

    beforeAll(async () => {
      zepp = await startZeppSimulator({
        seed: 404,
        workouts: WORKOUTS,
        years: 1,
        shapes: ['run', 'strength', 'treadmill'],
      });
      strava = await startStravaSimulator({});
      env = {
        DATABASE_URL,
        BANDSYNC_DB_SCHEMA: schema,
        BANDSYNC_DATA_DIR: dataDir,
        BANDSYNC_ZEPP_URL: zepp.url,
        BANDSYNC_STRAVA_URL: strava.url,
        STRAVA_CLIENT_ID: strava.credentials.clientId,
        STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
        BANDSYNC_LOG_FORMAT: 'json',
      };
      // The schema comes from BANDSYNC_DB_SCHEMA here too, as it does in the workers.
      app = await openApp({ env, logger: silentLogger });
      await app.accounts.connectZepp({ appToken: zepp.credentials.appToken, userId: zepp.credentials.userId });
      await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
      const account = (await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
      const found = await discover(app.deps, account);
      expect(found).toMatchObject({ stored: WORKOUTS, failed: 0, stoppedBy: null });
    }, 300_000);

    afterAll(async () => {
      await workers?.close();
      await app?.close();
      await Promise.all([zepp?.close(), strava?.close()]);
      await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    }, 120_000);

    it('uploads every workout exactly once, with no 429, the work shared between processes', async () => {
      // Workers first (each through its own proxy), so the jobs find all four waiting.
      workers = await startWorkers(WORKERS, env, strava.url);

      // Small windows: one job each, so there is work for every process.
      // The backfill's approval is stored, so the worker processes upload the history too.
      for (const a of await app.store.listAccounts())
        if (a.kind === 'zepp-cloud') await approveHistory(app.deps, a, null, 'test backfill');
      const jobs = await dispatch(app.deps, app.queue, { pollIntervalSeconds: 3600, windowSize: 5 });
      expect(jobs).toBe(WORKOUTS / 5);

      const doneBy = Date.now() + 150_000;
      let counts: Record<string, number> = {};
      while (Date.now() < doneBy) {
        counts = await app.store.countByState('strava');
        if ((counts.synced ?? 0) === WORKOUTS) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      workers.stop();
      expect(counts, workers.tail()).toEqual({ synced: WORKOUTS });

      // On the simulator: one upload per workout, one activity per generated workout.
      expect(strava.control.count429()).toBe(0);
      const uploads = strava.control.uploads();
      expect(uploads).toHaveLength(WORKOUTS);
      expect(new Set(uploads.map((u) => u.externalId)).size).toBe(WORKOUTS);
      const starts = strava.control
        .activities()
        .map((a) => a.startMs)
        .sort((a, b) => a - b);
      expect(starts).toEqual(
        zepp
          .truth()
          .map((t) => Date.parse(t.startTime))
          .sort((a, b) => a - b),
      );

      // The requests went through the four processes' proxies, and more than one process uploaded.
      const uploadsPerWorker = workers.uploadsPerWorker();
      expect(uploadsPerWorker.reduce((a, b) => a + b, 0)).toBe(WORKOUTS);
      expect(
        uploadsPerWorker.filter((n) => n > 0).length,
        `uploads per worker: ${uploadsPerWorker}`,
      ).toBeGreaterThanOrEqual(2);

      // The ledger: every workout was claimed for upload exactly once and confirmed once.
      const ledger = await app.store.listLedger({ limit: 100_000 });
      const records = await app.store.listRecords({ destination: 'strava', limit: 1000 });
      expect(records).toHaveLength(WORKOUTS);
      for (const r of records) {
        const mine = ledger.filter((e) => e.workoutId === r.workoutId);
        expect(
          mine.filter((e) => e.toState === 'uploading'),
          r.workoutId,
        ).toHaveLength(1);
        expect(
          mine.filter((e) => e.toState === 'synced'),
          r.workoutId,
        ).toHaveLength(1);
        expect(r.activityId).not.toBeNull();
      }
      const activityIds = records.map((r) => r.activityId);
      expect(new Set(activityIds).size).toBe(WORKOUTS);
    }, 300_000);
  },
);
