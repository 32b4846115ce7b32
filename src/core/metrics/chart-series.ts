// The downsampled series the dashboard's charts and map draw, already in the
// sport's units (units.ts): pace or speed from the device's speed stream, else
// from the distance stream that agrees with the declared total; cadence in
// steps/min for foot sports. At most `maxPoints` samples (even stride): enough
// to draw, light to send, whatever the workout's length.
import type { Workout } from '../workout/types.js';
import { distanceStream } from './reconcile.js';
import { displayCadence, displaySpeed, sportUnits, type CadenceUnit, type SpeedUnit } from './units.js';

export interface ChartSeries {
  readonly t: number[];
  readonly heartRate: (number | null)[] | null;
  /** In `speedUnit`: seconds per km / 100 m / 500 m for paces, km/h otherwise. */
  readonly speed: (number | null)[] | null;
  readonly speedUnit: SpeedUnit;
  readonly altitude: (number | null)[] | null;
  readonly cadence: (number | null)[] | null;
  readonly cadenceUnit: CadenceUnit;
  readonly pauses: [number, number][];
  readonly laps: number[];
  readonly track: [number, number][] | null;
}

/** True when the workout has at least two GPS fixes (a line to draw). */
export function hasTrack(w: Pick<Workout, 'samples'>): boolean {
  const { lat, lon } = w.samples;
  if (!lat || !lon) return false;
  let n = 0;
  for (let i = 0; i < lat.length && n < 2; i++) if (lat[i] != null && lon[i] != null) n++;
  return n >= 2;
}

// Below this a pace is a standstill and would squash the chart's scale (swimmers are slower).
const PACE_FLOOR_MPS: Record<SpeedUnit, number> = { 'min/km': 0.5, 'min/500m': 0.5, 'min/100m': 0.2, 'km/h': 0 };

export function chartSeries(w: Workout, maxPoints = 1500, maxTrackPoints = 4000): ChartSeries {
  const s = w.samples;
  const n = s.t.length;
  const units = sportUnits(w.sport);
  const stride = Math.max(1, Math.ceil(n / maxPoints));
  const pick = <T>(values: readonly T[] | undefined, map: (v: T) => T = (v) => v): T[] | null => {
    if (!values || !values.some((v) => v != null)) return null;
    const out: T[] = [];
    for (let i = 0; i < values.length; i += stride) out.push(map(values[i] as T));
    return out;
  };
  const mps = pick(s.speed) ?? derivedSpeed(s.t, distanceStream(w), stride);
  const floor = PACE_FLOOR_MPS[units.speed];
  const speed = mps && mps.map((v) => (v != null && v >= floor ? displaySpeed(w.sport, v) : null));
  const cadence = pick(s.cadence ?? s.strokeRate, (v) => displayCadence(w.sport, v));
  let track: [number, number][] | null = null;
  if (hasTrack(w)) {
    track = [];
    const trackStride = Math.max(1, Math.ceil(n / maxTrackPoints));
    for (let i = 0; i < n; i += trackStride) {
      const a = s.lat![i];
      const o = s.lon![i];
      if (a != null && o != null) track.push([round(a, 6), round(o, 6)]);
    }
  }
  return {
    t: pick(s.t) ?? [],
    heartRate: pick(s.heartRate),
    speed: speed && speed.some((v) => v != null) ? speed : null,
    speedUnit: units.speed,
    altitude: pick(s.altitude),
    cadence,
    cadenceUnit: units.cadence,
    pauses: w.pauses.map((p) => [p.startOffset, p.endOffset]),
    laps: w.laps.map((l) => l.startOffset),
    track,
  };
}

/** m/s over a window of at least 5 samples (one stride) ending at each drawn sample. */
function derivedSpeed(
  t: readonly number[],
  distance: readonly (number | null)[] | null,
  stride: number,
): (number | null)[] | null {
  if (!distance) return null;
  const out: (number | null)[] = [];
  for (let i = 0; i < t.length; i += stride) {
    const j = Math.max(0, i - Math.max(stride, 5));
    const d1 = distance[i];
    const d0 = distance[j];
    const dt = (t[i] ?? 0) - (t[j] ?? 0);
    out.push(d1 != null && d0 != null && dt > 0 ? (d1 - d0) / dt : null);
  }
  return out.some((v) => v != null) ? out : null;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
