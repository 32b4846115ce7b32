// F7 strict mode: a workout whose sport code nobody could map waits for the
// user (needs_user(sport_unknown)) instead of going to Strava as "Workout";
// without strict mode it uploads with the safe fallback.
import { afterEach, describe, expect, it } from 'vitest';
import { withFingerprint } from '../../src/core/index.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { startWorld, type World } from '../helpers/world.js';

const mystery = (startTime: string) =>
  withFingerprint({
    sport: 'other',
    rawSport: '9999',
    startTime,
    utcOffsetSeconds: 0,
    elapsedSeconds: 1200,
    samples: { t: [0, 600, 1200], heartRate: [90, 120, 110] },
    pauses: [],
    laps: [],
    lengths: [],
    indoor: true,
    device: { manufacturer: 339, product: 1, name: 'Amazfit test' },
    totals: { calories: 100 },
    source: { kind: 'zepp-cloud', id: 'mystery-1' },
  });

async function storeMystery(world: World) {
  const account = (await world.app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
  const w = mystery(new Date(world.clock.now().getTime() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'));
  const saved = await world.app.store.saveWorkout(account.id, w, null);
  await world.app.store.ensureRecord(saved.id, 'strava', 'bandsync-test-mystery');
  await world.app.store.transition({
    workoutId: saved.id,
    destination: 'strava',
    from: ['discovered'],
    to: 'fetched',
    reason: 'test',
  });
  return saved.id;
}

describe('strict sport mapping', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('holds an unknown sport code for the user in strict mode', async () => {
    world = await startWorld({ zepp: { seed: 1, workouts: 1, years: 1 }, flags: { strict: true } });
    const id = await storeMystery(world);
    await syncAll(world.app.deps, { all: true, skipDiscovery: true, wait: (u) => world!.clock.wait(u) });
    const record = await world.app.store.getRecord(id, 'strava');
    expect(record).toMatchObject({ state: 'needs_user', code: 'sport_unknown' });
    expect(world.strava.control.uploads()).toHaveLength(0);
  }, 300_000);

  it('uploads it as "Workout" otherwise', async () => {
    world = await startWorld({ zepp: { seed: 1, workouts: 1, years: 1 } });
    const id = await storeMystery(world);
    await syncAll(world.app.deps, { all: true, skipDiscovery: true, wait: (u) => world!.clock.wait(u) });
    expect((await world.app.store.getRecord(id, 'strava'))?.state).toBe('synced');
    expect(world.strava.control.uploads().map((u) => u.sportType)).toEqual(['Workout']);
  }, 300_000);
});
