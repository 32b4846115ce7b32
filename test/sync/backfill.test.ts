// Issue 5: a backfill larger than one rate window drains on the simulated
// clock without a single 429, uploads each workout once, and spends about
// one Strava request per activity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAll } from '../../src/sync/sync-all.js';
import { startWorld, type World } from '../helpers/world.js';

const LIMITS = { overall15: 30, overallDay: 400, read15: 10, readDay: 200 };

describe('backfill across rate-limit windows (simulated clock, embedded database)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ zepp: { seed: 11, workouts: 45, years: 1 }, strava: { limits: LIMITS } });
  }, 300_000);
  afterAll(async () => world?.close());

  it('drains every workout exactly once with no 429 and ~1 request per upload', async () => {
    const { app, zepp, strava, clock } = world;
    const dry = await syncAll(app.deps, { all: true, dryRun: true, wait: (u) => clock.wait(u) });
    expect(dry.plan.filter((p) => p.action === 'upload')).toHaveLength(45);
    expect(strava.control.uploads()).toHaveLength(0); // dry run sent nothing

    const before = strava.control.requestCount();
    const startedAt = clock.now().getTime();
    const summary = await syncAll(app.deps, { all: true, wait: (u) => clock.wait(u) });
    expect(summary).toMatchObject({ uploaded: 45, failed: 0, pending: 0, stoppedBy: null });
    expect(strava.control.count429()).toBe(0);

    const truth = zepp.truth();
    const starts = strava.control.activities().map((a) => a.startMs);
    expect(starts.sort()).toEqual(truth.map((t) => Date.parse(t.startTime)).sort());
    expect(new Set(strava.control.uploads().map((u) => u.externalId)).size).toBe(45);

    // 45 uploads need two windows of 30; each listing also costs one.
    const requests = strava.control.requestCount() - before;
    expect(requests).toBeLessThanOrEqual(45 + 6);
    // Started after 09:01: the first window (to 09:15) takes 30 requests, the
    // rest waits for the 09:15 reset and needs no third window.
    expect(startedAt).toBeLessThan(Date.UTC(2026, 10, 2, 9, 15));
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 2, 9, 15));
    expect(clock.now().getTime()).toBeLessThan(Date.UTC(2026, 10, 2, 9, 30));

    const counts = await app.store.countByState('strava');
    expect(counts).toEqual({ synced: 45 });
  }, 600_000);

  it('plans nothing more on the next run', async () => {
    const { app, strava, clock } = world;
    const uploads = strava.control.uploads().length;
    const summary = await syncAll(app.deps, { all: true, wait: (u) => clock.wait(u) });
    expect(summary.uploaded).toBe(0);
    expect(strava.control.uploads()).toHaveLength(uploads);
  }, 300_000);
});
