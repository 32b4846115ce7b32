// fast-check generators for workouts of every shape the bands record: GPS or
// not, pool swims with lengths, pauses, manual/auto laps, any UTC offset.
import fc from 'fast-check';
import type { Lap, Pause, Sport, Workout } from '../../src/core/index.js';
import { makePoolSwim, makeWorkout } from './workout-factory.js';

const SPORTS: Sport[] = [
  'running',
  'treadmill',
  'trail_running',
  'walking',
  'indoor_walking',
  'hiking',
  'cycling',
  'indoor_cycling',
  'mountain_biking',
  'open_water_swimming',
  'elliptical',
  'rowing',
  'indoor_rowing',
  'strength',
  'yoga',
  'hiit',
  'jump_rope',
  'climbing',
  'skiing',
  'snowboarding',
  'skating',
  'dance',
  'other',
];

/** Non-overlapping pauses with integer bounds, at least 2 s apart, inside (0, seconds). */
function pausesFrom(seconds: number, cuts: number[]): Pause[] {
  const points = [...new Set(cuts.map((c) => 1 + Math.floor(c * (seconds - 2))))].sort((a, b) => a - b);
  const pauses: Pause[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    const start = points[i]!,
      end = points[i + 1]!;
    const last = pauses[pauses.length - 1];
    if (end - start >= 1 && (!last || start - last.endOffset >= 2))
      pauses.push({ startOffset: start, endOffset: end, kind: i % 4 === 0 ? 'manual' : 'auto' });
  }
  return pauses;
}

/** Laps covering [0, seconds]; a band cannot start a lap while paused, so no boundary lies in a pause. */
function lapsFrom(seconds: number, pauses: Pause[], cuts: number[]): Lap[] {
  const inPause = (b: number) => pauses.some((p) => b >= p.startOffset && b <= p.endOffset);
  const bounds = [...new Set(cuts.map((c) => 1 + Math.floor(c * (seconds - 2))))]
    .filter((b) => !inPause(b))
    .sort((a, b) => a - b);
  const edges = [0, ...bounds, seconds];
  const laps: Lap[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const s = edges[i]!,
      e = edges[i + 1]!;
    const paused = pauses.reduce(
      (sum, p) => sum + Math.max(0, Math.min(e, p.endOffset) - Math.max(s, p.startOffset)),
      0,
    );
    laps.push({
      startOffset: s,
      elapsedSeconds: e - s,
      timerSeconds: e - s - paused,
      trigger: i + 2 === edges.length ? 'session_end' : i % 2 ? 'distance' : 'manual',
      calories: 10 + i,
    });
  }
  return laps;
}

export const workoutArb: fc.Arbitrary<Workout> = fc.oneof(
  fc
    .record({
      sport: fc.constantFrom(...SPORTS),
      gps: fc.boolean(),
      seconds: fc.integer({ min: 20, max: 400 }),
      pauseCuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
      lapCuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
      offsetQuarters: fc.integer({ min: -48, max: 56 }),
      startSec: fc.integer({ min: 946_684_800, max: 1_893_456_000 }),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
    })
    .map(({ sport, gps, seconds, pauseCuts, lapCuts, offsetQuarters, startSec, seed }) => {
      const pauses = pausesFrom(seconds, pauseCuts);
      return makeWorkout({
        sport,
        gps,
        seconds,
        pauses,
        laps: lapCuts.length ? lapsFrom(seconds, pauses, lapCuts) : [],
        utcOffsetSeconds: offsetQuarters * 900,
        startTime: new Date(startSec * 1000).toISOString().replace('.000Z', 'Z'),
        seed,
      });
    }),
  fc
    .record({ lengths: fc.integer({ min: 1, max: 40 }), pool: fc.constantFrom(25, 50, 33) })
    .map(({ lengths, pool }) => makePoolSwim(lengths, pool)),
);
