// Stored workouts carry a schema version and are parsed, not cast, when read:
// rows of the release before the version (bare workout JSON) read back
// unchanged through the migration path, and are not mistaken for edited
// workouts; a damaged row or an unknown version is a clear error naming the
// workout. (test/store/upgrade.test.ts reads a real earlier release's rows.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import { WORKOUT_SCHEMA_VERSION, workoutFromStored } from '../../src/store/workout-json.js';
import { BandsyncError } from '../../src/sync/failures.js';
import { makeWorkout, tempDir } from './helpers.js';

const dir = tempDir('bandsync-workout-json-');
let opened: OpenedStore;
let accountId: string;
beforeAll(async () => {
  opened = await openStore({ dataDir: dir.path });
  accountId = (await opened.store.saveAccount({ kind: 'files', label: 'files', settings: { path: '/x' } })).id;
}, 60_000);
afterAll(async () => {
  await opened?.close();
  dir.remove();
});

const rawOf = async (id: string) =>
  (await opened.db.query<{ workout: unknown }>('SELECT workout FROM workouts WHERE id = $1', [id]))[0]!.workout;
const setRaw = (id: string, value: unknown) =>
  opened.db.query('UPDATE workouts SET workout = $2::jsonb WHERE id = $1', [id, JSON.stringify(value)]);

describe('stored workout JSON', () => {
  it('is written with the schema version and read back equal', async () => {
    const workout = makeWorkout('w1', '2026-03-01T07:00:00Z', { subSport: 'track', rawSport: '1' });
    const { id } = await opened.store.saveWorkout(accountId, workout, 'r1');
    expect(await rawOf(id)).toEqual({ schemaVersion: WORKOUT_SCHEMA_VERSION, workout });
    expect((await opened.store.getWorkout(id))!.workout).toEqual(workout);
  });

  it('of the release before versions (bare JSON) reads back through the migration, and saving it again is no edit', async () => {
    const workout = makeWorkout('w2', '2026-03-02T07:00:00Z');
    const { id } = await opened.store.saveWorkout(accountId, workout, 'r2');
    await setRaw(id, workout); // as 0.1.0 stored it
    expect((await opened.store.getWorkout(id))!.workout).toEqual(workout);
    expect((await opened.store.findWorkoutBySourceId(accountId, 'w2'))!.workout).toEqual(workout);
    expect(await opened.store.saveWorkout(accountId, workout, 'r2')).toEqual({ id, created: false, changed: false });
  });

  it('that is damaged, or of a version this release does not know, is an error naming the workout', async () => {
    const workout = makeWorkout('w3', '2026-03-03T07:00:00Z');
    const { id } = await opened.store.saveWorkout(accountId, workout, 'r3');
    const damaged = { ...workout, samples: { ...workout.samples, heartRate: [120, 'x', null] }, sport: 'flying' };
    await setRaw(id, { schemaVersion: WORKOUT_SCHEMA_VERSION, workout: damaged });
    const err = await opened.store.getWorkout(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BandsyncError);
    expect((err as BandsyncError).code).toBe('convert_failed');
    expect((err as Error).message).toMatch(
      new RegExp(`^stored workout ${id} cannot be read: .*sport.*samples\\.heartRate`),
    );

    await setRaw(id, { schemaVersion: WORKOUT_SCHEMA_VERSION + 1, workout });
    await expect(opened.store.getWorkout(id)).rejects.toThrow(
      `stored workout ${id} cannot be read: schema version ${WORKOUT_SCHEMA_VERSION + 1} is not one this release reads`,
    );
  });

  it('passes on only what the model has', () => {
    const workout = makeWorkout('w4', '2026-03-04T07:00:00Z');
    const read = workoutFromStored({ schemaVersion: 1, workout: { ...workout, gear: 'shoes' } }, 'w4');
    expect(read).toEqual(workout);
    expect('gear' in read).toBe(false);
  });
});
