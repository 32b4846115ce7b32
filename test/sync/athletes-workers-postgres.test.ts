// Issue 18, proof item: 3 `bandsync worker` PROCESSES on PostgreSQL drain the
// backfills of 20 athletes × 50 workouts (each athlete with their own Zepp
// account and their own Strava athlete on one Strava application): every
// upload exactly once and on its own athlete's account, no 429, and the
// drain within 5 % of the floor the shared limits set.
//
// Rate-bound over several windows in a few minutes of real time: every process
// (the workers, this one, the simulators in it) runs on one SCALED clock
// (BANDSYNC_TEST_CLOCK=scaled:…, a test hook, clock.ts) on which a 15-minute
// Strava window passes in 15 min / SCALE; the queue hands pg-boss its
// startAfter on the wall clock. The limits are raised the way an application
// may have them raised (per 15 min 250, days not binding), told to bandsync
// through its [stravaLimits] environment as the kill test does.
//
// The floor is bench/sync.ts's: the earliest time the last of the requests a
// drain cannot do without (each upload, and one listing before and one after
// each athlete's window of uploads: an athlete's listing cannot serve another's
// Strava account) can be sent, window by window at the shared limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/compose.js';
import { scaledClock, scaledClockEnv } from '../../src/clock.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator, type RunningZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import type { AppContext } from '../../src/app/context.js';
import { discover } from '../../src/sync/discover.js';
import { dispatch } from '../../src/sync/tasks.js';
import { approveHistory } from '../../src/sync/approval.js';
import { nextWindowReset } from '../../src/strava/rate-budget.js';
import { nthRequestFloor } from '../../bench/sync.js';
import { dropSchema, postgresReachable, TEST_DATABASE_URL, uniqueSchema } from '../store/helpers.js';
import { startWorkers, type WorkerProcesses } from './worker-processes.js';

const WORKERS = 3;
const ATHLETES = 20;
const PER_ATHLETE = 50;
const WORKOUTS = ATHLETES * PER_ATHLETE;
/** The daemon's window on PostgreSQL (daemon.ts SHARED_WINDOW): one window, one job per athlete here. */
const WINDOW = 50;
/** Per 15 min: 1,000 uploads and their listings need five windows. The days do not bind. */
const LIMITS = { overall15: 250, overallDay: 1_000_000, read15: 100, readDay: 1_000_000 };
/**
 * A simulated 15-minute window passes in 90 s. What the last window still
 * has to send (~60 requests) takes real time, which the scale turns into
 * simulated time: at 15 on a machine with a load of ~15 that tail alone was
 * 5.7 % of the floor; at 10 it keeps well within 5 %.
 */
const SCALE = 10;
const STRAVA_ATHLETE = (i: number) => 7001 + i;

const reachable = await postgresReachable();

describe.skipIf(!reachable)(
  `${WORKERS} worker processes on PostgreSQL drain ${ATHLETES} athletes' backfills at the floor of the shared limits${reachable ? '' : ` (skipped: no PostgreSQL at ${TEST_DATABASE_URL})`}`,
  () => {
    const schema = uniqueSchema('athletes_workers');
    const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-athletes-workers-'));
    // A Monday morning: the drain stays within one UTC day.
    const clockOptions = { scale: SCALE, simEpoch: new Date('2026-03-02T08:00:00.000Z'), realEpochMs: Date.now() };
    const clock = scaledClock(clockOptions);
    let strava: RunningStravaSimulator;
    const zepps: RunningZeppSimulator[] = [];
    const athletes: AppContext[] = [];
    let app: App;
    let env: Record<string, string>;
    let workers: WorkerProcesses | undefined;

    beforeAll(async () => {
      strava = await startStravaSimulator({ now: () => clock.now(), limits: LIMITS });
      env = {
        DATABASE_URL: TEST_DATABASE_URL,
        BANDSYNC_DB_SCHEMA: schema,
        BANDSYNC_DATA_DIR: dataDir,
        BANDSYNC_STRAVA_URL: strava.url,
        STRAVA_CLIENT_ID: strava.credentials.clientId,
        STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
        BANDSYNC_LOG_FORMAT: 'json',
        BANDSYNC_TEST_CLOCK: scaledClockEnv(clockOptions),
        BANDSYNC_STRAVA_LIMIT_15MIN: String(LIMITS.overall15),
        BANDSYNC_STRAVA_LIMIT_DAY: String(LIMITS.overallDay),
        BANDSYNC_STRAVA_READ_LIMIT_15MIN: String(LIMITS.read15),
        BANDSYNC_STRAVA_READ_LIMIT_DAY: String(LIMITS.readDay),
      };
      app = await openApp({ env, logger: silentLogger });
      for (let i = 0; i < ATHLETES; i++) {
        // Short indoor shapes: generation and FIT encoding stay fast; the Strava side is what is measured.
        const zepp = await startZeppSimulator({
          seed: 1800 + i,
          workouts: PER_ATHLETE,
          years: 1,
          shapes: ['strength', 'indoor_cycling'],
          now: () => clock.now(),
        });
        zepps.push(zepp);
        const own = await app.forAthlete(await app.athletes.add(`athlete-${i}`));
        athletes.push(own);
        await own.accounts.connectZepp({
          appToken: zepp.credentials.appToken,
          userId: zepp.credentials.userId,
          baseUrl: zepp.url,
        });
        await own.accounts.connectStravaWithRefreshToken({
          refreshToken: strava.control.issueRefreshToken(undefined, STRAVA_ATHLETE(i)),
        });
        const account = (await own.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
        expect(await discover(own.deps, account)).toMatchObject({ stored: PER_ATHLETE, failed: 0, stoppedBy: null });
        // The whole history approved, as `sync --all` or the dashboard's Backfill stores it.
        await approveHistory(own.deps, account, null, 'test backfill');
      }
    }, 600_000);

    afterAll(async () => {
      await workers?.close();
      await app?.close();
      await Promise.all([strava?.close(), ...zepps.map((z) => z.close())]);
      await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    }, 120_000);

    it('uploads every workout once to its own athlete, with no 429, within 5 % of the floor, shared by the processes', async () => {
      workers = await startWorkers(WORKERS, env, strava.url);

      // Start on a fresh Strava window, so the first one is whole for the drain as the floor counts it.
      await clock.wait(nextWindowReset(clock.now()));
      const requestsBefore = strava.control.requestCount();
      const t0 = clock.now().getTime();
      const jobs = await dispatch(app.deps, app.queue, { pollIntervalSeconds: 3600, windowSize: WINDOW });
      expect(jobs).toBe(ATHLETES * Math.ceil(PER_ATHLETE / WINDOW));

      // The drain takes ~5 windows: 7.5 min of real time at this scale; up to 15 min allowed.
      const doneBy = Date.now() + 900_000;
      let counts: Record<string, number> = {};
      while (Date.now() < doneBy) {
        counts = await app.store.countByState('strava');
        if ((counts.synced ?? 0) === WORKOUTS) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      workers.stop();
      expect(counts, workers.tail()).toEqual({ synced: WORKOUTS });

      // Drained when the last workout was confirmed, by the workers' (shared) clock.
      const ledger = await app.store.listLedger({ limit: 1_000_000 });
      const t1 = Math.max(...ledger.filter((e) => e.toState === 'synced').map((e) => Date.parse(e.at)));
      const requests = strava.control.requestCount() - requestsBefore;
      const needed = WORKOUTS + 2 * ATHLETES * Math.ceil(PER_ATHLETE / WINDOW);
      const floorMs = nthRequestFloor(t0, needed, LIMITS.overall15) - t0;
      const drainMs = t1 - t0;
      // Where the requests fell: how many in each 15-minute window of the drain, and how far into it the last one.
      const QUARTER = 900_000;
      const perWindow: number[] = [];
      const lastAt: number[] = [];
      const byKind: Record<string, number> = {};
      for (const r of strava.control.requests().slice(requestsBefore)) {
        const kind = `${r.method} ${r.url.replace(/\?.*$/, '').replace(/\/\d+$/, '/{id}')}`;
        byKind[kind] = (byKind[kind] ?? 0) + 1;
        const at = Date.parse(r.at);
        const i = Math.floor(at / QUARTER) - Math.floor(t0 / QUARTER);
        perWindow[i] = (perWindow[i] ?? 0) + 1;
        lastAt[i] = Math.round((at % QUARTER) / 1000);
      }
      const figures = {
        athletes: ATHLETES,
        workouts: WORKOUTS,
        workers: WORKERS,
        limits: LIMITS,
        clockScale: SCALE,
        simulatedDrainSeconds: Math.round(drainMs / 1000),
        floorSeconds: Math.round(floorMs / 1000),
        drainOverFloor: +(drainMs / floorMs).toFixed(4),
        stravaRequests: requests,
        requestsPerActivity: +(requests / WORKOUTS).toFixed(4),
        requestsNeeded: needed,
        requestsByKind: byKind,
        requestsPerWindow: Array.from(perWindow, (n) => n ?? 0),
        lastRequestSecondsIntoWindow: Array.from(lastAt, (n) => n ?? null),
        count429: strava.control.count429(),
        uploadsPerWorker: workers.uploadsPerWorker(),
        requestsPerWorker: workers.requestsPerWorker(),
      };
      console.log(`athletes-workers-postgres figures: ${JSON.stringify(figures)}`);

      // No 429, and every upload exactly once.
      expect(strava.control.count429()).toBe(0);
      const uploads = strava.control.uploads();
      expect(uploads).toHaveLength(WORKOUTS);
      expect(new Set(uploads.map((u) => u.externalId)).size).toBe(WORKOUTS);

      // Each athlete's Strava account holds exactly that athlete's history (no cross-athlete upload),
      // and each of its activities is the one bandsync recorded for that athlete's workout.
      for (let i = 0; i < ATHLETES; i++) {
        const theirs = strava.control.activities().filter((a) => a.athleteId === STRAVA_ATHLETE(i));
        expect(
          theirs.map((a) => a.startMs).sort((a, b) => a - b),
          `athlete ${i}`,
        ).toEqual(
          zepps[i]!.truth()
            .map((t) => Date.parse(t.startTime))
            .sort((a, b) => a - b),
        );
        const records = await athletes[i]!.store.listRecords({ destination: 'strava', limit: 1000 });
        expect(records.map((r) => r.state)).toEqual(Array(PER_ATHLETE).fill('synced'));
        expect(new Set(records.map((r) => String(r.activityId)))).toEqual(new Set(theirs.map((a) => String(a.id))));
      }

      // The ledger: every workout was sent once (Strava took it: processing) and confirmed once. A claim the
      // budget refused before anything was sent goes back as it was, so 'uploading' may appear twice.
      const byWorkout = new Map<string, { processing: number; synced: number }>();
      for (const e of ledger) {
        if (!e.workoutId || (e.toState !== 'processing' && e.toState !== 'synced')) continue;
        const n = byWorkout.get(e.workoutId) ?? { processing: 0, synced: 0 };
        n[e.toState]++;
        byWorkout.set(e.workoutId, n);
      }
      expect(byWorkout.size).toBe(WORKOUTS);
      expect([...byWorkout.entries()].filter(([, n]) => n.processing !== 1 || n.synced !== 1)).toEqual([]);

      // Every process uploaded a share.
      expect(figures.uploadsPerWorker.reduce((a, b) => a + b, 0)).toBe(WORKOUTS);
      expect(
        figures.uploadsPerWorker.filter((n) => n > 0),
        `uploads per worker: ${figures.uploadsPerWorker}`,
      ).toHaveLength(WORKERS);

      // Rate-bound for several windows, and drained at most 5 % after the floor (never before it).
      expect(floorMs).toBeGreaterThanOrEqual(4 * 900_000 - 60_000);
      expect(drainMs).toBeGreaterThanOrEqual(floorMs);
      expect(drainMs, JSON.stringify(figures)).toBeLessThanOrEqual(1.05 * floorMs);
    }, 1_200_000);
  },
);
