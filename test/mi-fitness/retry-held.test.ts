// Issue 12's retry bug, as reported: a Mi Fitness workout held because its
// detail files were missing is stored as a placeholder; `retry` used to send
// that placeholder to Strava. Retry now reads it again from the Mi Fitness
// cloud and, while the detail is still missing, refuses with the reason and
// the fix, sending nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAll } from '../../src/sync/sync-all.js';
import { retryWorkout } from '../../src/app/workout-actions.js';
import { startMiWorld, type MiWorld } from './world.js';

describe('retry of a Mi Fitness workout held without its detail files', () => {
  let world: MiWorld;
  beforeAll(async () => {
    world = await startMiWorld({ mi: { seed: 5, workouts: 6, withoutDetailEvery: 3 } });
  }, 120_000);
  afterAll(async () => world?.close());

  it('reads it again from the cloud and refuses while the detail is still missing; nothing is uploaded', async () => {
    const { app, mi, strava, clock } = world;
    const truth = mi.truth();
    const held = truth.filter((t) => !t.hasDetail);
    expect(held.length).toBeGreaterThan(0);
    await syncAll(app.deps, { all: true, wait: (u) => clock.wait(u) });
    expect(strava.control.uploads()).toHaveLength(truth.length - held.length);
    const failed = await app.store.listRecords({ destination: 'strava', states: ['failed'] });
    expect(failed.map((r) => r.code)).toEqual(held.map(() => 'mi_fitness_detail_missing'));

    const listings = mi.control.requests().length;
    await expect(retryWorkout(app.deps, failed[0]!.workoutId)).rejects.toThrow(
      /still cannot be read from .*summaryOnlyUploads/,
    );
    expect(mi.control.requests().length).toBeGreaterThan(listings); // asked the cloud again
    expect((await app.store.getRecord(failed[0]!.workoutId, 'strava'))?.state).toBe('failed');
    await syncAll(app.deps, { all: true, wait: (u) => clock.wait(u) });
    expect(strava.control.uploads()).toHaveLength(truth.length - held.length);
  }, 120_000);
});
