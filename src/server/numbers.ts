// The source-side numbers shown beside Strava's on the workout page, and the
// downsampled series the charts and map draw. Device totals win over values
// derived from samples, because that is what the band showed its user.
import type { Workout } from '../core/index.js';

export interface SourceNumbers {
  readonly distanceMeters: number | null;
  readonly movingSeconds: number | null;
  readonly elapsedSeconds: number;
  readonly elevationGainMeters: number | null;
  readonly avgHeartRate: number | null;
  readonly calories: number | null;
}

export function sourceNumbers(w: Workout): SourceNumbers {
  const paused = w.pauses.reduce((sum, p) => sum + Math.max(0, p.endOffset - p.startOffset), 0);
  return {
    distanceMeters: w.totals.distanceMeters ?? lastNumber(w.samples.distance) ?? trackLength(w),
    movingSeconds: w.totals.timerSeconds ?? Math.max(0, w.elapsedSeconds - paused),
    elapsedSeconds: w.elapsedSeconds,
    elevationGainMeters: w.totals.ascentMeters ?? ascent(w.samples.altitude),
    avgHeartRate: w.totals.avgHeartRate ?? mean(w.samples.heartRate),
    calories: w.totals.calories ?? null,
  };
}

export function hasTrack(w: Workout): boolean {
  const { lat, lon } = w.samples;
  if (!lat || !lon) return false;
  let n = 0;
  for (let i = 0; i < lat.length && n < 2; i++) if (lat[i] != null && lon[i] != null) n++;
  return n >= 2;
}

function lastNumber(values: readonly (number | null)[] | undefined): number | null {
  if (!values) return null;
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i] as number;
  return null;
}

function mean(values: readonly (number | null)[] | undefined): number | null {
  if (!values) return null;
  let sum = 0;
  let n = 0;
  for (const v of values)
    if (v != null && v > 0) {
      sum += v;
      n++;
    }
  return n ? sum / n : null;
}

/** Gain over a small dead band, so sensor noise does not add up to hills. */
function ascent(values: readonly (number | null)[] | undefined, threshold = 2): number | null {
  if (!values) return null;
  let gain = 0;
  let base: number | null = null;
  let seen = false;
  for (const v of values) {
    if (v == null) continue;
    seen = true;
    if (base === null) base = v;
    else if (v - base >= threshold) {
      gain += v - base;
      base = v;
    } else if (v < base) base = v;
  }
  return seen ? gain : null;
}

function trackLength(w: Workout): number | null {
  const { lat, lon } = w.samples;
  if (!lat || !lon || !hasTrack(w)) return null;
  let total = 0;
  let prev: [number, number] | null = null;
  for (let i = 0; i < lat.length; i++) {
    const a = lat[i];
    const o = lon[i];
    if (a == null || o == null) continue;
    if (prev) total += haversineMeters(prev[0], prev[1], a, o);
    prev = [a, o];
  }
  return total;
}

function haversineMeters(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface ChartData {
  readonly t: number[];
  readonly heartRate: (number | null)[] | null;
  /** m/s; the page shows pace for foot sports and speed otherwise. */
  readonly speed: (number | null)[] | null;
  readonly altitude: (number | null)[] | null;
  readonly cadence: (number | null)[] | null;
  readonly pauses: [number, number][];
  readonly laps: number[];
  readonly track: [number, number][] | null;
  readonly paceSport: boolean;
}

const FOOT = new Set(['running', 'treadmill', 'trail_running', 'walking', 'indoor_walking', 'hiking']);

/** At most `maxPoints` samples (even stride), enough to draw and light to send. */
export function chartData(w: Workout, maxPoints = 1500): ChartData {
  const s = w.samples;
  const stride = Math.max(1, Math.ceil(s.t.length / maxPoints));
  const pick = <T>(values: readonly T[] | undefined): T[] | null => {
    if (!values || !values.some((v) => v != null)) return null;
    const out: T[] = [];
    for (let i = 0; i < values.length; i += stride) out.push(values[i] as T);
    return out;
  };
  let speed = pick(s.speed);
  if (!speed && s.distance) speed = deriveSpeed(s.t, s.distance, stride);
  let track: [number, number][] | null = null;
  if (hasTrack(w) && s.lat && s.lon) {
    track = [];
    const trackStride = Math.max(1, Math.ceil(s.t.length / 4000));
    for (let i = 0; i < s.lat.length; i += trackStride) {
      const a = s.lat[i];
      const o = s.lon[i];
      if (a != null && o != null) track.push([round(a, 6), round(o, 6)]);
    }
  }
  return {
    t: pick(s.t) ?? [],
    heartRate: pick(s.heartRate),
    speed,
    altitude: pick(s.altitude),
    cadence: pick(s.cadence),
    pauses: w.pauses.map((p) => [p.startOffset, p.endOffset]),
    laps: w.laps.map((l) => l.startOffset),
    track,
    paceSport: FOOT.has(w.sport),
  };
}

function deriveSpeed(
  t: readonly number[],
  distance: readonly (number | null)[],
  stride: number,
): (number | null)[] | null {
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
