// A window of uploads the 15-minute Strava budget stopped part-way waits as a
// job of its own until the reset (tasks.ts). The daemon dispatches pending
// work every minute; it must not add another job for the same workouts each
// time (sync/deferred.ts): before, a backlog waiting for a reset gained a job
// per window per minute, and each listed its window again once the budget
// came back. Daemon job handlers on a simulated-time queue, Strava simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveHistory } from '../../src/sync/approval.js';
import { discover } from '../../src/sync/discover.js';
import { dispatch, JOBS, registerTasks } from '../../src/sync/tasks.js';
import { simQueue } from '../../bench/sim-queue.js';
import { startWorld, type World } from '../helpers/world.js';

const LIMITS = { overall15: 12, overallDay: 2000, read15: 6, readDay: 1000 };

describe('a window put off by the budget', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({
      zepp: { seed: 8, workouts: 30, years: 1, shapes: ['strength'] },
      strava: { limits: LIMITS },
      flags: { stravaLimits: { ...LIMITS, newWorkoutReservePercent: 10 } },
    });
  }, 300_000);
  afterAll(async () => w?.close());

  it('is not dispatched again while it waits; every workout goes up once', async () => {
    const { app, clock, strava } = w;
    const queue = simQueue(() => clock.now().getTime());
    await registerTasks(app.deps, queue, { pollIntervalSeconds: 3600 });
    const zepp = (await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
    expect(await discover(app.deps, zepp)).toMatchObject({ stored: 30 });
    await approveHistory(app.deps, zepp, null, 'test backfill');
    expect(await dispatch(app.deps, queue, {})).toBe(1);
    while (await queue.runNext());

    // The budget stopped the window: part of it is up, the rest waits in one job for the reset.
    const uploadedFirst = strava.control.uploads().length;
    expect(uploadedFirst).toBeGreaterThan(0);
    expect(uploadedFirst).toBeLessThan(30);
    expect((await queue.depth())[JOBS.window]).toBe(1);
    const reset = queue.nextDue()!;
    // The daemon's minute-by-minute dispatches before the reset add no job for those workouts
    // (before: one a minute, each reading its window and asking the budget again).
    for (let minute = 1; minute <= 5; minute++) {
      clock.advance(60_000);
      await dispatch(app.deps, queue, {});
      expect((await queue.depth())[JOBS.window], `minute ${minute}`).toBe(1);
      while (await queue.runNext());
    }

    // After the reset the waiting job goes on; in the end every workout is on Strava once.
    for (let i = 0; i < 200 && (await app.store.countByState('strava')).synced !== 30; i++) {
      if (await queue.runNext()) continue;
      const due = queue.nextDue();
      clock.advance(Math.max(60_000, (due ?? 0) - clock.now().getTime()));
      await dispatch(app.deps, queue, {});
    }
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(reset);
    expect(await app.store.countByState('strava')).toEqual({ synced: 30 });
    const uploads = strava.control.uploads();
    expect(new Set(uploads.map((u) => u.externalId)).size).toBe(uploads.length);
    expect(uploads.length).toBe(30);
    expect(queue.failures).toEqual([]);
    expect(strava.control.count429()).toBe(0);
  }, 300_000);
});
