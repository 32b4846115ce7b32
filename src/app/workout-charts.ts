// The series the workout page draws, already in the units of the sport
// (pace per km on foot, km/h on a bike, pace per 100 m swimming, steps/min
// for running cadence), downsampled to what a screen can show. Pace axes are
// inverted (faster is up) and clipped to the 2nd–98th percentile, so a
// standing start at 23:13/km does not flatten a 4:36–5:28 run.
import { chartSeries } from '../core/metrics/chart-series.js';
import type { Workout } from '../core/workout/types.js';
import { displayKind } from './workout-display.js';
import { isPace, speedUnitLabel } from './units.js';

export type ValueFormat = 'clock' | 'int' | 'dec1';

export interface ChartLine {
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
  readonly series: ChartLine[];
  readonly pauses: [number, number][];
  /** Start offsets of laps after the first. */
  readonly laps: number[];
  readonly track: [number, number][] | null;
}

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

/** What the page draws: core's series in the sport's units (core/metrics/chart-series), labelled and scaled. */
export function chartData(w: Workout): ChartData {
  const c = chartSeries(w);
  const kind = displayKind(w.sport);
  const series: ChartLine[] = [];
  const positive = (values: (number | null)[]) => values.map((v) => (v != null && v > 0 ? v : null));
  if (c.heartRate)
    series.push({
      key: 'heartRate',
      label: 'Heart rate',
      unit: 'bpm',
      values: positive(c.heartRate),
      color: '#c62828',
      format: 'int',
      invert: false,
      range: null,
    });
  if (c.speed && kind !== 'other') {
    const pace = isPace(w.sport);
    series.push({
      key: pace ? 'pace' : 'speed',
      label: pace ? 'Pace' : 'Speed',
      unit: speedUnitLabel(w.sport),
      values: c.speed,
      color: '#1f77b4',
      format: pace ? 'clock' : 'dec1',
      invert: pace,
      range: robustRange(c.speed),
    });
  }
  if (c.altitude && !w.indoor)
    series.push({
      key: 'altitude',
      label: 'Elevation',
      unit: 'm',
      values: c.altitude,
      color: '#2e7d32',
      format: 'int',
      invert: false,
      range: null,
    });
  if (c.cadence && kind !== 'other') {
    // A standing 0 is not a cadence; it would pin the axis to zero.
    const values = positive(c.cadence);
    series.push({
      key: 'cadence',
      label: kind === 'row' || kind === 'pool' || kind === 'swim' ? 'Stroke rate' : 'Cadence',
      unit: c.cadenceUnit,
      values,
      color: '#9467bd',
      format: 'int',
      invert: false,
      range: robustRange(values),
    });
  }
  return {
    t: c.t,
    series,
    pauses: c.pauses,
    // The first lap starts with the workout; only later ones are marked.
    laps: c.laps.filter((t) => t > 0),
    track: c.track,
  };
}
