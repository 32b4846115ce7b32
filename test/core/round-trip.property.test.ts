// Property: encode → decode keeps every sample, pause, lap and length, for
// generated workouts of every shape. Tolerances are the formats' resolutions
// (FIT altitude 0.2 m, positions 1e-7°…), never looser.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFit,
  decodeGpx,
  decodeTcx,
  encodeFit,
  encodeGpx,
  encodeTcx,
  type DecodeResult,
  type Samples,
  type Workout,
} from '../../src/core/index.js';
import { workoutArb } from './arbitraries.js';

function must(r: DecodeResult): Workout {
  if (!r.ok) throw new Error(r.error);
  expect(r.issues).toEqual([]);
  return r.workout;
}

function sameStream(a: Samples, b: Samples, key: keyof Samples, tol: number) {
  const x = a[key] as readonly (number | null)[] | undefined;
  const y = b[key] as readonly (number | null)[] | undefined;
  expect(y, `stream ${key}`).toBeDefined();
  expect(y!.length).toBe(x!.length);
  for (let i = 0; i < x!.length; i++) {
    if (x![i] == null) expect(y![i]).toBeNull();
    else expect(Math.abs(y![i]! - x![i]!), `${key}[${i}]`).toBeLessThanOrEqual(tol);
  }
}

const pausesOf = (w: Workout) => w.pauses.map((p) => [p.startOffset, p.endOffset]);
const lapsOf = (w: Workout) => w.laps.map((l) => [l.startOffset, l.elapsedSeconds, l.timerSeconds]);

describe('round trips (fast-check)', () => {
  it('FIT keeps samples, pauses (with kind), laps, lengths, sport, offset and device', () => {
    fc.assert(
      fc.property(workoutArb, (w) => {
        const back = must(decodeFit(encodeFit(w)));
        expect(back.startTime).toBe(w.startTime);
        expect(back.elapsedSeconds).toBe(w.elapsedSeconds);
        expect(back.utcOffsetSeconds).toBe(w.utcOffsetSeconds);
        expect(back.sport).toBe(w.sport);
        expect(back.device).toEqual(w.device);
        expect(back.samples.t).toEqual(w.samples.t);
        sameStream(w.samples, back.samples, 'heartRate', 0);
        sameStream(w.samples, back.samples, 'cadence', 0);
        if (w.samples.lat) {
          sameStream(w.samples, back.samples, 'lat', 1e-6);
          sameStream(w.samples, back.samples, 'lon', 1e-6);
          sameStream(w.samples, back.samples, 'altitude', 0.1 + 1e-9);
          sameStream(w.samples, back.samples, 'speed', 0.0005 + 1e-9);
        } else expect(back.samples.lat).toBeUndefined();
        expect(back.pauses).toEqual(w.pauses.map((p) => ({ ...p, kind: p.kind ?? 'manual' })));
        if (w.laps.length) {
          expect(
            back.laps.map((l) => [l.startOffset, l.elapsedSeconds, l.timerSeconds, l.trigger, l.calories]),
          ).toEqual(w.laps.map((l) => [l.startOffset, l.elapsedSeconds, l.timerSeconds, l.trigger, l.calories]));
        } else
          expect(lapsOf(back)).toEqual([
            [0, w.elapsedSeconds, w.elapsedSeconds - w.pauses.reduce((s, p) => s + p.endOffset - p.startOffset, 0)],
          ]);
        expect(back.lengths).toEqual(w.lengths);
        expect(back.poolLengthMeters).toBe(w.poolLengthMeters);
        expect(back.totals.calories).toBe(w.totals.calories);
        expect(back.fingerprint).toBe(w.fingerprint);
      }),
      { numRuns: 40, seed: 8 },
    );
  });

  it('TCX keeps samples, pauses and laps', () => {
    fc.assert(
      fc.property(workoutArb, (w) => {
        const back = must(decodeTcx(encodeTcx(w)));
        expect(back.startTime).toBe(w.startTime);
        expect(back.elapsedSeconds).toBe(w.elapsedSeconds);
        expect(back.samples.t).toEqual(w.samples.t);
        sameStream(w.samples, back.samples, 'heartRate', 0);
        sameStream(w.samples, back.samples, 'cadence', 0);
        if (w.samples.lat) {
          for (const k of ['lat', 'lon'] as const) sameStream(w.samples, back.samples, k, 1e-7);
          sameStream(w.samples, back.samples, 'altitude', 0.005);
          sameStream(w.samples, back.samples, 'speed', 0.0005 + 1e-9);
        }
        expect(pausesOf(back)).toEqual(pausesOf(w));
        if (w.laps.length) {
          expect(lapsOf(back)).toEqual(lapsOf(w));
          expect(back.laps.map((l) => l.calories)).toEqual(w.laps.map((l) => l.calories));
        } else expect(back.laps.length).toBe(1);
        expect(back.device.name).toBe(w.device.name);
        expect(back.totals.calories).toBe(
          w.laps.length ? w.laps.reduce((s, l) => s + (l.calories ?? 0), 0) : w.totals.calories,
        );
      }),
      { numRuns: 40, seed: 9 },
    );
  });

  it('GPX keeps every positioned sample and the pauses (as segment breaks)', () => {
    fc.assert(
      fc.property(
        workoutArb.filter((w) => w.samples.lat != null),
        (w) => {
          const back = must(decodeGpx(encodeGpx(w)));
          expect(back.startTime).toBe(w.startTime);
          expect(back.samples.t).toEqual(w.samples.t);
          for (const k of ['lat', 'lon'] as const) sameStream(w.samples, back.samples, k, 1e-7);
          sameStream(w.samples, back.samples, 'altitude', 0.005);
          sameStream(w.samples, back.samples, 'heartRate', 0);
          sameStream(w.samples, back.samples, 'cadence', 0);
          expect(pausesOf(back)).toEqual(pausesOf(w));
        },
      ),
      { numRuns: 40, seed: 10 },
    );
  });
});
