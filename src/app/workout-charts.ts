// The series the workout page draws, already in the units of the sport
// (pace per km on foot, km/h on a bike, pace per 100 m swimming, steps/min
// for running cadence), downsampled to what a screen can show. Pace axes are
// inverted (faster is up) and clipped to the 2nd–98th percentile, so a
// standing start at 23:13/km does not flatten a 4:36–5:28 run.
import type { Workout } from '../core/index.js';
import { displayKind, type DisplayKind } from './workout-display.js';
import { kmh, pacePer100m, pacePer500m, pacePerKm, stepsPerMinute } from './units.js';

export type ValueFormat = 'clock' | 'int' | 'dec1';

export interface ChartSeries {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly values: (number | null)[];
  readonly color: string;
  readonly format: ValueFormat;
  /** Faster (smaller) pace drawn higher. */
  readonly invert: boolean;
  /** The axis range: robust (outliers clipped) for pace and speed; null = fit the data. */
  readonly range: [number, number] | null;
}

export interface ChartData {
  /** Seconds since the start, as recorded (pauses included, shaded). */
  readonly t: number[];
  readonly series: ChartSeries[];
  readonly pauses: [number, number][];
  /** Start offsets of laps after the first. */
  readonly laps: number[];
  readonly track: [number, number][] | null;
}

/** Below this speed a pace means standing, not moving (1 km in 33 min). */
const MIN_MOVING_MPS = 0.5;

/** The p-th percentile (0–1) of the non-null values, by nearest rank. */
export function percentile(values: readonly (number | null)[], p: number): number | null {
  const sorted = values.filter((v): v is number => v != null && Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** The 2nd–98th percentile with a little room, so outliers run off the chart instead of squashing it. */
export function robustRange(values: readonly (number | null)[]): [number, number] | null {
  const lo = percentile(values, 0.02);
  const hi = percentile(values, 0.98);
  if (lo == null || hi == null) return null;
  const pad = Math.max((hi - lo) * 0.08, Math.abs(hi) * 0.02, 1e-6);
  return [Math.max(0, lo - pad), hi + pad];
}

function paceSeries(kind: DisplayKind, speed: (number | null)[]): ChartSeries | null {
  const perUnit =
    kind === 'foot'
      ? { unit: '/km', f: pacePerKm }
      : kind === 'pool' || kind === 'swim'
        ? { unit: '/100 m', f: pacePer100m }
        : kind === 'row'
          ? { unit: '/500 m', f: pacePer500m }
          : null;
  if (kind === 'ride' || kind === 'other' || !perUnit) {
    const values = speed.map((v) => (v == null ? null : kmh(v)));
    return {
      key: 'speed',
      label: 'Speed',
      unit: 'km/h',
      values,
      color: '#1f77b4',
      format: 'dec1',
      invert: false,
      range: robustRange(values),
    };
  }
  const values = speed.map((v) => (v != null && v >= MIN_MOVING_MPS ? perUnit.f(v) : null));
  return {
    key: 'pace',
    label: 'Pace',
    unit: perUnit.unit,
    values,
    color: '#1f77b4',
    format: 'clock',
    invert: true,
    range: robustRange(values),
  };
}

function cadenceSeries(kind: DisplayKind, cadence: (number | null)[]): ChartSeries | null {
  if (kind === 'other') return null;
  const foot = kind === 'foot';
  const unit = foot || kind === 'row' ? 'spm' : kind === 'ride' ? 'rpm' : 'strokes/min';
  const values = foot ? cadence.map((v) => (v == null ? null : stepsPerMinute(v))) : cadence;
  return {
    key: 'cadence',
    label: kind === 'row' || kind === 'pool' || kind === 'swim' ? 'Stroke rate' : 'Cadence',
    unit,
    // A standing 0 is not a cadence; it would pin the axis to zero.
    values: values.map((v) => (v != null && v > 0 ? v : null)),
    color: '#9467bd',
    format: 'int',
    invert: false,
    range: robustRange(values.map((v) => (v != null && v > 0 ? v : null))),
  };
}

/** At most `maxPoints` samples per series (even stride), enough to draw and light to send. */
export function chartData(w: Workout, maxPoints = 1500): ChartData {
  const s = w.samples;
  const n = s.t.length;
  const stride = Math.max(1, Math.ceil(n / maxPoints));
  const pick = <T>(values: readonly T[] | undefined): T[] | null => {
    if (!values || !values.some((v) => v != null)) return null;
    const out: T[] = [];
    for (let i = 0; i < n; i += stride) out.push(values[i] as T);
    return out;
  };
  const kind = displayKind(w.sport);
  const series: ChartSeries[] = [];
  const hr = pick(s.heartRate);
  if (hr)
    series.push({
      key: 'heartRate',
      label: 'Heart rate',
      unit: 'bpm',
      values: hr.map((v) => (v != null && v > 0 ? v : null)),
      color: '#c62828',
      format: 'int',
      invert: false,
      range: null,
    });
  const speed = pick(s.speed) ?? (s.distance ? deriveSpeed(s.t, s.distance, stride) : null);
  if (speed && kind !== 'other') series.push(paceSeries(kind, speed)!);
  const altitude = w.indoor ? null : pick(s.altitude);
  if (altitude)
    series.push({
      key: 'altitude',
      label: 'Elevation',
      unit: 'm',
      values: altitude,
      color: '#2e7d32',
      format: 'int',
      invert: false,
      range: null,
    });
  const cadence = pick(s.cadence ?? s.strokeRate);
  const cadenceChart = cadence ? cadenceSeries(kind, cadence) : null;
  if (cadenceChart) series.push(cadenceChart);
  const power = pick(s.power);
  if (power)
    series.push({
      key: 'power',
      label: 'Power',
      unit: 'W',
      values: power,
      color: '#ef6c00',
      format: 'int',
      invert: false,
      range: robustRange(power),
    });
  return {
    t: pick(s.t) ?? [],
    series,
    pauses: w.pauses.map((p) => [p.startOffset, p.endOffset]),
    laps: w.laps.map((l) => l.startOffset).filter((t) => t > 0),
    track: track(w),
  };
}

/** The GPS track, at most ~4000 points (Leaflet simplifies further when drawing). */
function track(w: Workout): [number, number][] | null {
  const { lat, lon, t } = w.samples;
  if (!lat || !lon) return null;
  const out: [number, number][] = [];
  const stride = Math.max(1, Math.ceil(t.length / 4000));
  for (let i = 0; i < lat.length; i += stride) {
    const a = lat[i];
    const o = lon[i];
    if (a != null && o != null) out.push([round6(a), round6(o)]);
  }
  return out.length >= 2 ? out : null;
}

export function hasTrack(w: Workout): boolean {
  const { lat, lon } = w.samples;
  if (!lat || !lon) return false;
  let n = 0;
  for (let i = 0; i < lat.length && n < 2; i++) if (lat[i] != null && lon[i] != null) n++;
  return n >= 2;
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

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
