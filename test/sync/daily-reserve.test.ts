// Issue 18 item 3: a backfill may not spend the last 10 % of Strava's daily
// limits (the default of stravaLimits.newWorkoutReservePercent), so after it has used
// the day down to the reserve a new workout still uploads in the same
// 15-minute window, and the backfill waits for midnight UTC as at the limit.
// The daemon's job handlers run on a simulated-time queue (bench/sim-queue.ts)
// against the Strava simulator with small daily limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveHistory } from '../../src/sync/approval.js';
import { discover } from '../../src/sync/discover.js';
import { dispatch, registerTasks } from '../../src/sync/tasks.js';
import { simQueue } from '../../bench/sim-queue.js';
import { addReady } from '../helpers/athletes.js';
import { startWorld, type World } from '../helpers/world.js';

// A day of 100 requests, 50 reads: backfill may spend 90 and 45.
const LIMITS = { overall15: 200, overallDay: 100, read15: 100, readDay: 50 };
const MIDNIGHT = '2026-11-03T00:00:00.000Z';

describe('daily reserve for new workouts (simulated clock, Strava simulator)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({
      zepp: { seed: 5, workouts: 150, years: 1, shapes: ['strength'] },
      strava: { limits: LIMITS },
      flags: { stravaLimits: { ...LIMITS, newWorkoutReservePercent: 10 } },
    });
  }, 300_000);
  afterAll(async () => w?.close());

  it('keeps the reserve from a backfill; a new workout uploads in the same window', async () => {
    const { app, clock, strava } = w;
    const queue = simQueue(() => clock.now().getTime());
    await registerTasks(app.deps, queue, { pollIntervalSeconds: 3600 });
    /** Runs every job due before `until` on the simulated clock. */
    const runUntil = async (until: string) => {
      for (;;) {
        if (await queue.runNext()) continue;
        const due = queue.nextDue();
        if (due === null || due >= Date.parse(until)) return;
        clock.advance(Math.max(0, due - clock.now().getTime()));
      }
    };

    // A year of history (150 workouts), approved for upload as `sync --all` does.
    const zepp = (await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
    expect(await discover(app.deps, zepp)).toMatchObject({ stored: 150 });
    await approveHistory(app.deps, zepp, null, 'test backfill');
    await dispatch(app.deps, queue, {});
    await runUntil('2026-11-02T09:10:00.000Z');

    // The backfill stopped at the reserve: 90 of 100 requests, and waits for midnight (not a failure).
    const spent = await app.budget.snapshot(clock.now());
    expect(spent.overall.usageDay).toBe(90);
    expect(spent.read.usageDay).toBeLessThanOrEqual(45);
    const history = await app.store.countByState('strava');
    // 88 uploads and 2 listings; their confirmations, also backfill, wait for midnight with the rest.
    expect(history).toEqual({ processing: 88, fetched: 62 });
    expect(queue.failures).toEqual([]);
    expect(queue.nextDue()).toBe(Date.parse(MIDNIGHT));
    const waiting = await app.store.listRecords({ destination: 'strava', states: ['converted', 'fetched'] });
    expect(waiting.some((r) => r.nextAttemptAt === MIDNIGHT)).toBe(true);

    // 09:10: a new workout (recorded after the band was connected) is found and dispatched.
    const band = await app.store.saveAccount({
      kind: 'files',
      label: 'band',
      settings: { path: '/srv/band', connectedAt: '2026-11-02T09:01:00.000Z' },
    });
    const id = await addReady(app.store, band.id, 'new-1', '2026-11-02T09:02:00.000Z');
    await dispatch(app.deps, queue, {}, band.id);
    await runUntil('2026-11-02T09:15:00.000Z');

    expect((await app.store.getRecord(id, 'strava'))?.state).toBe('synced');
    const upload = strava.control.uploads().find((u) => u.externalId?.startsWith(`bandsync-${id}`))!;
    expect(upload.createdAtMs).toBeLessThan(Date.parse('2026-11-02T09:15:00.000Z'));
    expect(strava.control.count429()).toBe(0);
    expect((await app.budget.snapshot(clock.now())).overall.usageDay).toBeLessThanOrEqual(LIMITS.overallDay);
    // The backfill still waits for midnight.
    expect(queue.nextDue()).toBe(Date.parse(MIDNIGHT));
  }, 300_000);
});
