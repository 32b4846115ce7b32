// Issue 16 item 6: a duplicate shows the matched activity's numbers. A run the
// person also recorded with the Strava app (added to the Strava simulator with
// its own distance and time) is recognised as a duplicate, and the workout
// page's Strava column reads that activity's numbers, recorded from the same
// listing that matched it (no extra request per page view).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteNumbers } from '../../src/app/workout-view.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { startWorld, type World } from '../helpers/world.js';

describe('a duplicate carries the matched activity', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ zepp: { seed: 9, workouts: 6, years: 1 } });
  }, 120_000);
  afterAll(() => world?.close());

  it("shows the matched Strava activity's own numbers", async () => {
    const run = world.zepp.truth().find((t) => t.sport === 'running')!;
    expect(run, 'the generated history has a run').toBeDefined();
    const theirs = world.strava.control.addActivity({
      startTime: new Date(Date.parse(run.startTime) + 60_000).toISOString(), // the phone started a minute later
      elapsedSeconds: run.elapsedSeconds - 60,
      sportType: 'Run',
      name: 'Recorded with the Strava app',
      distanceMeters: 4321,
    });
    await syncAll(world.app.deps, { all: true, wait: (u) => world.clock.wait(u) });
    const [dup] = await world.app.store.listRecords({ destination: 'strava', states: ['duplicate'], limit: 10 });
    expect(dup?.activityId).toBe(String(theirs.id));
    const numbers = await remoteNumbers(world.app, dup!.workoutId);
    expect(numbers).toMatchObject({
      activityId: String(theirs.id),
      distanceMeters: 4321,
      elapsedSeconds: run.elapsedSeconds - 60,
    });
  }, 180_000);
});
