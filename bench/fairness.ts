// Two athletes on one Strava application (issue 18 item 3), on a simulated
// clock under Strava's default limits: athlete A starts a 2,000-workout
// backfill, athlete B records a new workout every 10 minutes while it runs.
// The daemon's job handlers (sync/tasks.ts) run on a simulated-time queue with
// pg-boss's ordering (bench/sim-queue.ts). Figures: B's worst delay from the
// end of a workout to its upload (goal: within the next 15-minute window) and
// Strava requests per activity over both athletes (goal ≤ 1.02).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/compose.js';
import { simulatedClock } from '../src/clock.js';
import { silentLogger } from '../src/observability/index.js';
import { startStravaSimulator } from '../src/simulators/strava/index.js';
import { approveHistory } from '../src/sync/approval.js';
import type { Store } from '../src/sync/ports.js';
import { dispatch, JOBS, registerTasks } from '../src/sync/tasks.js';
import { addReady } from '../test/helpers/athletes.js';
import { simQueue } from './sim-queue.js';

const QUARTER_MS = 900_000;
const EVERY_MS = 600_000;
const DISPATCH_EVERY_MS = 60_000;
/** B's workouts are short walks: each starts after the connection, so it is new, not history. */
const WORKOUT_MS = 300_000;
/** A safety stop: nothing here should take more than a simulated week. */
const GIVE_UP_MS = 7 * 86_400_000;

export async function run(options: { backfill?: number } = {}): Promise<Record<string, unknown>> {
  const N = options.backfill ?? Number(process.env.BANDSYNC_BENCH_FAIR_BACKFILL ?? 2000);
  // Frozen: simulated time moves only by the loop's jumps, so a loaded machine does not lengthen the delays.
  const clock = simulatedClock(new Date('2027-01-04T06:00:00.000Z'), { frozen: true });
  const nowMs = () => clock.now().getTime();
  const strava = await startStravaSimulator({ now: () => clock.now() });
  const dir = mkdtempSync(join(tmpdir(), 'bandsync-bench-fair-'));
  const app = await openApp({
    env: {
      BANDSYNC_DATA_DIR: dir,
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    },
    clock,
    logger: silentLogger,
  });
  try {
    const connectedAt = clock.now().toISOString();
    const sides = [];
    for (const [name, stravaId] of [
      ['a', 8001],
      ['b', 8002],
    ] as const) {
      const athlete = await app.athletes.add(name);
      const own = await app.forAthlete(athlete);
      await own.accounts.connectStravaWithRefreshToken({
        refreshToken: strava.control.issueRefreshToken(undefined, stravaId),
      });
      const account = await own.store.saveAccount({
        kind: 'files',
        label: `${name} band`,
        settings: { path: `/srv/${name}`, connectedAt },
      });
      sides.push({ athlete, store: own.store, account, stravaId });
    }
    const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
    // A's history: one workout a day before the connection, all approved (sync --all).
    for (let i = 0; i < N; i++)
      await addReady(a.store, a.account.id, `a-${i}`, new Date(nowMs() - (i + 1) * 86_400_000).toISOString(), {
        elapsedSeconds: WORKOUT_MS / 1000,
      });
    await approveHistory({ store: a.store, clock }, a.account, null, 'bench backfill');

    const queue = simQueue(nowMs);
    await registerTasks(app.deps, queue, { pollIntervalSeconds: 900 });
    const t0 = nowMs();
    const requestsBefore = strava.control.requestCount();
    const wallStart = performance.now();
    await dispatch(app.deps, queue, {});

    // B's workouts: each ends at its recording time, when a poll would find it and dispatch.
    const recordedAt = new Map<string, number>();
    /** The shared budget when each of B's workouts was recorded: what a late one waited for. */
    const budgetAt = new Map<string, unknown>();
    let nextB = t0 + EVERY_MS;
    const aDone = async () => {
      const c = await a.store.countByState('strava');
      return (c.synced ?? 0) + (c.duplicate ?? 0) >= N;
    };
    let dispatchedAt = nowMs();
    const pendingOf = async (store: Store) => {
      const c = await store.countByState('strava');
      return (c.fetched ?? 0) + (c.converted ?? 0) + (c.uploading ?? 0) + (c.failed ?? 0) + (c.processing ?? 0);
    };
    let done = false;
    let steps = 0;
    /** The minute-by-minute dispatches and their real time: the daemon's cost of a waiting backlog. */
    let dispatches = 0;
    let dispatchMs = 0;
    while (!done) {
      if (process.env.BENCH_TRACE && ++steps % 20 === 0)
        process.stderr.write(
          `${clock.now().toISOString()} ${JSON.stringify(await queue.depth())} a=${JSON.stringify(await a.store.countByState('strava'))} up=${strava.control.uploads().length} fail=${queue.failures.length}\n${steps % 200 === 0 ? queue.peek().join('\n') + '\n' : ''}`,
        );
      if (nextB <= nowMs() && !(await aDone())) {
        const id = await addReady(
          b.store,
          b.account.id,
          `b-${recordedAt.size}`,
          new Date(nextB - WORKOUT_MS).toISOString(),
          { elapsedSeconds: WORKOUT_MS / 1000 },
        );
        recordedAt.set(`bandsync-${id}`, nextB);
        const snap = await app.budget.snapshot(clock.now());
        budgetAt.set(`bandsync-${id}`, { overall: snap.overall, read: snap.read });
        await queue.send(
          JOBS.dispatch,
          { accountId: b.account.id, athleteId: b.athlete.id },
          { singletonKey: `dispatch:${b.account.id}` },
        );
        nextB += EVERY_MS;
        continue;
      }
      // The daemon hands out pending work every minute between polls (daemon.ts DISPATCH_EVERY_MS):
      // a job the budget refused (a listing in a spent read window) is sent again by it.
      if (nowMs() - dispatchedAt >= DISPATCH_EVERY_MS) {
        dispatchedAt = nowMs();
        const started = performance.now();
        await dispatch(app.deps, queue, {});
        dispatches++;
        dispatchMs += performance.now() - started;
        continue;
      }
      if (await queue.runNext()) continue;
      const due = queue.nextDue();
      const aFinished = await aDone();
      const finished = aFinished && (await pendingOf(b.store)) === 0 && due === null;
      const next = finished
        ? Infinity
        : Math.min(due ?? Infinity, aFinished ? Infinity : nextB, dispatchedAt + DISPATCH_EVERY_MS);
      if (next === Infinity || nowMs() - t0 > GIVE_UP_MS) done = true;
      else if (next > nowMs()) clock.advance(next - nowMs());
    }
    const t1 = nowMs();

    const uploads = strava.control.uploads();
    const delays = uploads
      .filter((u) => u.athleteId === b.stravaId)
      .map((u) => ({ delay: u.createdAtMs - recordedAt.get(u.externalId!.replace(/\.fit$/, ''))!, at: u.createdAtMs }));
    const worst = Math.max(...delays.map((d) => d.delay));
    // "Within the next window": uploaded before the end of the quarter hour after the one it was recorded in.
    const lateOnes = [...recordedAt.entries()].flatMap(([externalId, at]) => {
      const up = uploads.find((u) => u.externalId?.replace(/\.fit$/, '') === externalId);
      if (up && up.createdAtMs < (Math.floor(at / QUARTER_MS) + 2) * QUARTER_MS) return [];
      return [
        {
          recordedAt: new Date(at).toISOString(),
          uploadedAt: up ? new Date(up.createdAtMs).toISOString() : null,
          budgetWhenRecorded: budgetAt.get(externalId),
        },
      ];
    });
    const late = lateOnes.length;
    const requests = strava.control.requests().slice(requestsBefore);
    const activities = strava.control.activities().length;
    const counts = { a: await a.store.countByState('strava'), b: await b.store.countByState('strava') };
    return {
      backfillWorkouts: N,
      newWorkoutsOfB: recordedAt.size,
      states: counts,
      bUploaded: delays.length,
      bWorstDelayMinutes: +(worst / 60_000).toFixed(2),
      bMedianDelayMinutes: +(
        delays.map((d) => d.delay).sort((x, y) => x - y)[Math.floor(delays.length / 2)]! / 60_000
      ).toFixed(2),
      bLateBeyondNextWindow: late,
      goalWithinNextWindow: late === 0,
      firstLate: lateOnes.slice(0, 5),
      stravaRequests: requests.length,
      activities,
      requestsPerActivity: +(requests.length / Math.max(1, activities)).toFixed(4),
      goalRequestsPerActivity: requests.length / Math.max(1, activities) <= 1.02,
      count429: strava.control.count429(),
      duplicatesOnStrava: uploads.length - new Set(uploads.map((u) => `${u.athleteId}:${u.externalId}`)).size,
      jobFailures: queue.failures.slice(0, 5),
      simulatedDrainHours: +((t1 - t0) / 3_600_000).toFixed(2),
      drainWallSeconds: +((performance.now() - wallStart) / 1000).toFixed(1),
      dispatches,
      dispatchMeanMs: +(dispatchMs / Math.max(1, dispatches)).toFixed(1),
    };
  } finally {
    await app.close();
    await strava.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
