// A workout as a runner, a rider or a swimmer reads it: its title, the header
// stats in the units of its sport, and its splits (laps when the band
// recorded them, else per kilometre; lengths for pool swims). Numbers come
// from core's metrics (declared totals win), never computed here.
import { heartRateStats } from '../core/metrics/heart-rate.js';
import { splits as kmSplits } from '../core/metrics/splits.js';
import { summarize } from '../core/metrics/summarize.js';
import type { Lap, Sport, Workout } from '../core/workout/types.js';
import { defaultName } from '../sync/naming.js';
import { clock, distanceQuantity, isPace, speedQuantity, type Quantity } from './units.js';

export type { Quantity } from './units.js';

export type DisplayKind = 'foot' | 'ride' | 'pool' | 'swim' | 'row' | 'other';

const KIND: Partial<Record<Sport, DisplayKind>> = {
  running: 'foot',
  treadmill: 'foot',
  trail_running: 'foot',
  walking: 'foot',
  indoor_walking: 'foot',
  hiking: 'foot',
  cycling: 'ride',
  indoor_cycling: 'ride',
  mountain_biking: 'ride',
  pool_swimming: 'pool',
  open_water_swimming: 'swim',
  rowing: 'row',
  indoor_rowing: 'row',
};

export function displayKind(sport: string): DisplayKind {
  return KIND[sport as Sport] ?? 'other';
}

/** The workout's own name, else what Strava would be sent: "Morning Run". */
export function workoutTitle(w: {
  name?: string | null;
  sport: string;
  startTime: string;
  utcOffsetSeconds: number;
}): string {
  return w.name || defaultName({ ...w, sport: w.sport as Sport });
}

export function sportWords(sport: string): string {
  const s = sport.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const q = (value: string, unit: string): Quantity => ({ value, unit });
const ok = (v: number | null | undefined): v is number => v != null && Number.isFinite(v);

/** Average pace or speed over a distance and a time, in the sport's unit, with its label. Null for sports without one. */
export function paceQuantity(
  sport: string,
  meters: number | null | undefined,
  seconds: number | null | undefined,
): (Quantity & { label: string }) | null {
  if (displayKind(sport) === 'other' || !ok(meters) || !ok(seconds) || meters <= 0 || seconds <= 0) return null;
  const v = speedQuantity(sport as Sport, meters / seconds);
  return v ? { label: isPace(sport as Sport) ? 'Avg pace' : 'Avg speed', ...v } : null;
}

export interface Stat extends Quantity {
  readonly key: string;
  readonly label: string;
}

/** Average SWOLF (seconds + strokes per length) over active lengths that counted strokes. */
function swolf(w: Workout): number | null {
  let sum = 0;
  let n = 0;
  for (const l of w.lengths)
    if (l.kind === 'active' && ok(l.strokes) && l.elapsedSeconds > 0) {
      sum += l.elapsedSeconds + l.strokes;
      n++;
    }
  return n ? Math.round(sum / n) : null;
}

/** The header of the workout page: the numbers a person of that sport looks for first. */
export function headerStats(w: Workout): Stat[] {
  const s = summarize(w);
  const kind = displayKind(w.sport);
  const out: Stat[] = [];
  const add = (key: string, label: string, value: Quantity | null) => {
    if (value) out.push({ key, label, ...value });
  };
  const num = (v: number | null, unit: string, digits = 0) => (ok(v) ? q(v.toFixed(digits), unit) : null);
  // The band's active time is the moving time Strava shows (F3).
  const moving = s.timerSeconds;
  const outdoorClimb = !w.indoor && ok(s.ascentMeters);

  if (kind === 'pool') {
    const active = w.lengths.filter((l) => l.kind === 'active').length;
    add('lengths', 'Lengths', active ? q(String(active), w.poolLengthMeters ? `× ${w.poolLengthMeters} m` : '') : null);
  }
  if (kind !== 'other') add('distance', 'Distance', distanceQuantity(w.sport, s.distanceMeters));
  add('moving', kind === 'other' ? 'Time' : 'Moving time', q(clock(moving), ''));
  if (kind === 'other' && Math.abs(s.elapsedSeconds - moving) >= 60)
    add('elapsed', 'Elapsed time', q(clock(s.elapsedSeconds), ''));
  const pace = paceQuantity(w.sport, s.distanceMeters, moving);
  if (pace) add('pace', pace.label, pace);
  if (kind === 'pool') add('swolf', 'Avg SWOLF', num(swolf(w), ''));
  if ((kind === 'foot' || kind === 'ride') && outdoorClimb)
    add('elevation', 'Elevation gain', num(s.ascentMeters, 'm'));
  add('avgHeartRate', 'Avg heart rate', num(s.avgHeartRate, 'bpm'));
  add('maxHeartRate', 'Max heart rate', num(s.maxHeartRate, 'bpm'));
  if (kind !== 'other' && kind !== 'pool' && kind !== 'swim')
    add(
      'cadence',
      kind === 'row' ? 'Stroke rate' : 'Cadence',
      // summarize gives cadence in the sport's unit already (steps/min on foot).
      num(s.avgCadence, s.cadenceUnit),
    );
  add('calories', 'Calories', num(s.calories, 'kcal'));
  return out;
}

export interface SplitRow {
  readonly label: string;
  readonly distance: Quantity | null;
  /** Timer time (pauses excluded), as Strava's splits. */
  readonly time: string;
  readonly pace: Quantity | null;
  readonly avgHeartRate: number | null;
  /** Pool lengths only. */
  readonly strokes?: number | null;
  readonly swolf?: number | null;
}

export interface SplitTable {
  readonly title: 'Laps' | 'Splits' | 'Lengths';
  readonly paceLabel: string;
  readonly rows: SplitRow[];
}

/** Average heart rate over [from, to) seconds, by core's rule (zero readings ignored). */
function heartRateBetween(w: Workout, from: number, to: number): number | null {
  const { t, heartRate } = w.samples;
  if (!heartRate) return null;
  const ts: number[] = [];
  const hr: (number | null)[] = [];
  for (let i = 0; i < t.length; i++)
    if (t[i]! >= from && t[i]! < to) {
      ts.push(t[i]!);
      hr.push(heartRate[i] ?? null);
    }
  return heartRateStats({ samples: { t: ts, heartRate: hr }, totals: {} }).avg;
}

function lapRow(w: Workout, l: Lap, i: number): SplitRow {
  const kind = displayKind(w.sport);
  return {
    label: String(i + 1),
    distance: distanceQuantity(kind === 'other' ? 'running' : w.sport, l.distanceMeters),
    time: clock(l.timerSeconds),
    pace: paceQuantity(w.sport, l.distanceMeters, l.timerSeconds),
    avgHeartRate: l.avgHeartRate ?? heartRateBetween(w, l.startOffset, l.startOffset + l.elapsedSeconds),
  };
}

/** Laps when the band recorded more than one, else splits per km; pool swims list their lengths. Null: nothing to split. */
export function splitTable(w: Workout): SplitTable | null {
  const kind = displayKind(w.sport);
  const paceLabel = isPace(w.sport) ? 'Pace' : 'Speed';
  if (kind === 'pool' && w.lengths.length) {
    let n = 0;
    const rows = w.lengths
      .filter((l) => l.kind === 'active')
      .map((l): SplitRow => {
        n++;
        const meters = w.poolLengthMeters ?? null;
        return {
          label: String(n),
          distance: distanceQuantity(w.sport, meters),
          time: clock(l.elapsedSeconds),
          pace: paceQuantity(w.sport, meters, l.elapsedSeconds),
          avgHeartRate: null,
          strokes: l.strokes ?? null,
          swolf: ok(l.strokes) ? Math.round(l.elapsedSeconds + l.strokes) : null,
        };
      });
    return rows.length ? { title: 'Lengths', paceLabel, rows } : null;
  }
  if (w.laps.length > 1) return { title: 'Laps', paceLabel, rows: w.laps.map((l, i) => lapRow(w, l, i)) };
  if (kind !== 'foot' && kind !== 'ride') return null;
  let from = 0;
  const rows = kmSplits(w).map((s): SplitRow => {
    const row = {
      label: String(s.index + 1),
      distance: distanceQuantity(w.sport, s.distanceMeters),
      time: clock(s.timerSeconds),
      pace: paceQuantity(w.sport, s.distanceMeters, s.timerSeconds),
      avgHeartRate: heartRateBetween(w, from, from + s.elapsedSeconds),
    };
    from += s.elapsedSeconds;
    return row;
  });
  return rows.length > 1 ? { title: 'Splits', paceLabel, rows } : null;
}
