// Ground truth of a generated workout, for integration tests that compare
// what reached Strava with what the simulated band recorded.
import type { Sport } from '../../core/workout/types.js';
import type { ShapeKind } from './shapes.js';
import type { SimWorkout } from './generate.js';
import { DEVICE_SOURCE } from './encode.js';

export interface GeneratedWorkout {
  readonly trackId: string;
  readonly source: string;
  readonly kind: ShapeKind;
  readonly zeppType: number;
  readonly sport: Sport;
  readonly startTime: string; // ISO UTC, no milliseconds
  readonly elapsedSeconds: number;
  readonly timerSeconds: number;
  readonly distanceMeters: number;
  readonly calories: number;
  readonly hasGps: boolean;
  readonly gpsPoints: number;
  /** First and last GPS fix in WGS-84 (the payload carries GCJ-02 when `china`). */
  readonly firstFix: { readonly lat: number; readonly lon: number } | null;
  readonly lastFix: { readonly lat: number; readonly lon: number } | null;
  /** Heart rate as the band sent it: seconds since start and bpm. */
  readonly heartRate: { readonly t: readonly number[]; readonly bpm: readonly number[] };
  readonly pauses: readonly {
    readonly startOffset: number;
    readonly endOffset: number;
    readonly kind: 'manual' | 'auto';
  }[];
  readonly laps: readonly { readonly startOffset: number; readonly endOffset: number }[];
  readonly poolLengthMeters: number | null;
  readonly lengths: number;
  /** True when the GPS track is sent in GCJ-02 (China region). */
  readonly china: boolean;
}

export function toTruth(w: SimWorkout, editCount = 0): GeneratedWorkout {
  const t: number[] = [];
  const bpm: number[] = [];
  for (let s = 1; s <= w.elapsed; s++) {
    t.push(s);
    bpm.push(w.hr[s]!);
  }
  const distance = w.distance[w.elapsed] ?? 0;
  return {
    trackId: String(w.plan.trackId),
    source: DEVICE_SOURCE,
    kind: w.spec.kind,
    zeppType: w.spec.code,
    sport: w.spec.sport,
    startTime: new Date(w.plan.trackId * 1000).toISOString().replace('.000Z', 'Z'),
    elapsedSeconds: w.elapsed,
    timerSeconds: w.elapsed - w.pauses.reduce((s, p) => s + p.duration, 0),
    distanceMeters: distance,
    calories: w.calories + editCount,
    hasGps: w.spec.gps,
    gpsPoints: w.gps.t.length,
    firstFix: w.gps.t.length ? { lat: w.gps.lat[0]!, lon: w.gps.lon[0]! } : null,
    lastFix: w.gps.t.length ? { lat: w.gps.lat.at(-1)!, lon: w.gps.lon.at(-1)! } : null,
    heartRate: { t, bpm },
    pauses: w.pauses.map((p) => ({
      startOffset: p.start,
      endOffset: p.start + p.duration,
      kind: p.type === 2 ? ('manual' as const) : ('auto' as const),
    })),
    laps: w.laps.map((l) => ({ startOffset: l.start, endOffset: l.end })),
    poolLengthMeters: w.pool,
    lengths: w.pool ? Math.floor(distance / w.pool) : 0,
    china: w.spec.china,
  };
}
