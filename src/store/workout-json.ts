// The stored form of a workout: `{schemaVersion, workout}` in the workouts
// table's JSON column, parsed (never cast) when read. Rows written before the
// version existed hold the bare workout (version 0). When the model changes,
// add a step to MIGRATIONS and raise WORKOUT_SCHEMA_VERSION: older rows are
// brought up to date as they are read, and rewritten by the next save.
import { z } from 'zod';
import { SPORTS } from '../core/workout/sport.js';
import type { Device, Lap, Length, Pause, RecordedTotals, Samples, SourceRef, Workout } from '../core/workout/types.js';
import { BandsyncError } from '../sync/failures.js';

export const WORKOUT_SCHEMA_VERSION = 1;

/** One step per version: MIGRATIONS[n] turns a version-n workout into version n+1. */
const MIGRATIONS: Record<number, (workout: unknown) => unknown> = {
  // 0 → 1: the envelope only; the model is unchanged.
  0: (workout) => workout,
};

// A stream is checked with a plain loop: a long recording has tens of thousands of values per stream.
const stream = z.custom<(number | null)[]>(
  (v) => Array.isArray(v) && v.every((x) => x === null || (typeof x === 'number' && Number.isFinite(x))),
  'a stream of numbers (or null)',
);
const times = z.custom<number[]>(
  (v) => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)),
  'a list of numbers',
);
const num = z.number().refine(Number.isFinite, 'a finite number');

const samples = z.object({
  t: times,
  lat: stream.optional(),
  lon: stream.optional(),
  altitude: stream.optional(),
  heartRate: stream.optional(),
  cadence: stream.optional(),
  speed: stream.optional(),
  distance: stream.optional(),
  power: stream.optional(),
  temperature: stream.optional(),
  strokeRate: stream.optional(),
});
const pause = z.object({
  startOffset: num,
  endOffset: num,
  kind: z.enum(['manual', 'auto']).optional(),
});
const lap = z.object({
  startOffset: num,
  elapsedSeconds: num,
  timerSeconds: num,
  distanceMeters: num.optional(),
  calories: num.optional(),
  avgHeartRate: num.optional(),
  maxHeartRate: num.optional(),
  trigger: z.enum(['manual', 'distance', 'time', 'session_end']),
});
const length = z.object({
  startOffset: num,
  elapsedSeconds: num,
  strokes: num.optional(),
  stroke: z.enum(['freestyle', 'backstroke', 'breaststroke', 'butterfly', 'mixed', 'drill', 'unknown']).optional(),
  kind: z.enum(['active', 'idle']),
});
const device = z.object({ manufacturer: num, product: num, name: z.string(), serial: num.optional() });
const totals = z.object({
  distanceMeters: num.optional(),
  timerSeconds: num.optional(),
  calories: num.optional(),
  avgHeartRate: num.optional(),
  maxHeartRate: num.optional(),
  ascentMeters: num.optional(),
  descentMeters: num.optional(),
  steps: num.optional(),
  avgCadence: num.optional(),
});
const source = z.object({
  kind: z.enum(['zepp-cloud', 'zepp-export', 'gadgetbridge', 'files', 'mi-fitness', 'mi-fitness-export']),
  id: z.string(),
  accountId: z.string().optional(),
});

export const WorkoutSchema = z.object({
  sport: z.enum(SPORTS),
  subSport: z.string().optional(),
  rawSport: z.string().optional(),
  name: z.string().optional(),
  startTime: z.string(),
  utcOffsetSeconds: num,
  elapsedSeconds: num,
  samples,
  pauses: z.array(pause),
  laps: z.array(lap),
  lengths: z.array(length),
  poolLengthMeters: num.optional(),
  indoor: z.boolean(),
  device,
  totals,
  source,
  fingerprint: z.string(),
  // Optional, so rows from before it existed read as sound (no version step needed).
  damage: z.string().optional(),
});

// The schema must describe the model exactly: a field added to core's types
// and not here would be dropped on read (keys outside the schema are not
// passed on). These fail to compile when the two differ.
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : false;
type Sure<T extends true> = T;
export type WorkoutSchemaMatchesModel = [
  Sure<SameKeys<z.infer<typeof WorkoutSchema>, Workout>>,
  Sure<SameKeys<z.infer<typeof samples>, Samples>>,
  Sure<SameKeys<z.infer<typeof pause>, Pause>>,
  Sure<SameKeys<z.infer<typeof lap>, Lap>>,
  Sure<SameKeys<z.infer<typeof length>, Length>>,
  Sure<SameKeys<z.infer<typeof device>, Device>>,
  Sure<SameKeys<z.infer<typeof totals>, RecordedTotals>>,
  Sure<SameKeys<z.infer<typeof source>, SourceRef>>,
  Sure<z.infer<typeof WorkoutSchema> extends Workout ? true : false>,
  Sure<SourceRef['kind'] extends z.infer<typeof source>['kind'] ? true : false>,
];

/** The JSON stored for a workout. */
export function workoutToStored(workout: Workout): { schemaVersion: number; workout: Workout } {
  return { schemaVersion: WORKOUT_SCHEMA_VERSION, workout };
}

/** A stored workout, brought up to the current version and checked; `id` names it in the error. */
export function workoutFromStored(stored: unknown, id: string): Workout {
  const enveloped =
    stored !== null && typeof stored === 'object' && 'schemaVersion' in stored && 'workout' in stored
      ? (stored as { schemaVersion: unknown; workout: unknown })
      : { schemaVersion: 0, workout: stored };
  let version = enveloped.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version > WORKOUT_SCHEMA_VERSION)
    throw unreadable(
      id,
      `schema version ${String(version)} is not one this release reads (0–${WORKOUT_SCHEMA_VERSION})`,
    );
  let workout = enveloped.workout;
  for (; version < WORKOUT_SCHEMA_VERSION; version++) workout = MIGRATIONS[version]!(workout);
  const parsed = WorkoutSchema.safeParse(workout);
  if (!parsed.success) throw unreadable(id, z.prettifyError(parsed.error).replace(/\n/g, '; '));
  return parsed.data;
}

const unreadable = (id: string, why: string) =>
  new BandsyncError('convert_failed', `stored workout ${id} cannot be read: ${why}`);
