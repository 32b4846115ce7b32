// A workout as a runner, a rider or a swimmer reads it: its title, the header
// stats in the units of its sport, and its splits (laps when the band
// recorded them, else per kilometre; lengths for pool swims). Numbers come
// from core's metrics (declared totals win), never computed here.
import { heartRateStats, splits as kmSplits, summarize, type Lap, type Sport, type Workout } from '../core/index.js';
import { defaultName } from '../sync/naming.js';
import { clock, kmh, pacePer100m, pacePer500m, pacePerKm, stepsPerMinute } from './units.js';

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

/** A value with its unit kept apart, so pages can set the unit smaller. */
export interface Quantity {
  readonly value: string;
  readonly unit: string;
}

const q = (value: string, unit: string): Quantity => ({ value, unit });
const ok = (v: number | null | undefined): v is number => v != null && Number.isFinite(v);

export function distanceQuantity(meters: number | null | undefined, kind: DisplayKind): Quantity | null {
  if (!ok(meters) || meters <= 0) return null;
  if (kind === 'pool' || ((kind === 'swim' || kind === 'row') && meters < 1000))
    return q(Math.round(meters).toLocaleString('en-US'), 'm');
  return q((meters / 1000).toFixed(2), 'km');
}

/** Average pace or speed as the sport reads it: /km on foot, km/h on a bike, /100 m swimming, /500 m rowing. */
export function paceQuantity(
  meters: number | null | undefined,
  seconds: number | null | undefined,
  kind: DisplayKind,
): (Quantity & { label: string }) | null {
  if (!ok(meters) || !ok(seconds) || meters <= 0 || seconds <= 0) return null;
  const speed = meters / seconds;
  switch (kind) {
    case 'foot':
      return { label: 'Avg pace', ...q(clock(pacePerKm(speed)), '/km') };
    case 'ride':
      return { label: 'Avg speed', ...q(kmh(speed).toFixed(1), 'km/h') };
    case 'pool':
    case 'swim':
      return { label: 'Avg pace', ...q(clock(pacePer100m(speed)), '/100 m') };
    case 'row':
      return { label: 'Avg pace', ...q(clock(pacePer500m(speed)), '/500 m') };
    default:
      return null;
  }
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
  if (kind !== 'other') add('distance', 'Distance', distanceQuantity(s.distanceMeters, kind));
  add('moving', kind === 'other' ? 'Time' : 'Moving time', q(clock(moving), ''));
  if (kind === 'other' && Math.abs(s.elapsedSeconds - moving) >= 60)
    add('elapsed', 'Elapsed time', q(clock(s.elapsedSeconds), ''));
  const pace = paceQuantity(s.distanceMeters, moving, kind);
  if (pace) add('pace', pace.label, pace);
  if (kind === 'pool') add('swolf', 'Avg SWOLF', num(swolf(w), ''));
  if ((kind === 'foot' || kind === 'ride') && outdoorClimb)
    add('elevation', 'Elevation gain', num(s.ascentMeters, 'm'));
  add('avgHeartRate', 'Avg heart rate', num(s.avgHeartRate, 'bpm'));
  add('maxHeartRate', 'Max heart rate', num(s.maxHeartRate, 'bpm'));
  if (kind === 'foot') add('cadence', 'Cadence', num(ok(s.avgCadence) ? stepsPerMinute(s.avgCadence) : null, 'spm'));
  if (kind === 'ride') add('cadence', 'Cadence', num(s.avgCadence, 'rpm'));
  if (kind === 'row') add('cadence', 'Stroke rate', num(s.avgCadence, 'spm'));
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

function lapRow(w: Workout, l: Lap, i: number, kind: DisplayKind): SplitRow {
  return {
    label: String(i + 1),
    distance: distanceQuantity(l.distanceMeters, kind === 'other' ? 'foot' : kind),
    time: clock(l.timerSeconds),
    pace: paceQuantity(l.distanceMeters, l.timerSeconds, kind),
    avgHeartRate: l.avgHeartRate ?? heartRateBetween(w, l.startOffset, l.startOffset + l.elapsedSeconds),
  };
}

/** Laps when the band recorded more than one, else splits per km; pool swims list their lengths. Null: nothing to split. */
export function splitTable(w: Workout): SplitTable | null {
  const kind = displayKind(w.sport);
  const paceLabel = kind === 'ride' ? 'Speed' : 'Pace';
  if (kind === 'pool' && w.lengths.length) {
    let n = 0;
    const rows = w.lengths
      .filter((l) => l.kind === 'active')
      .map((l): SplitRow => {
        n++;
        const meters = w.poolLengthMeters ?? null;
        return {
          label: String(n),
          distance: distanceQuantity(meters, 'pool'),
          time: clock(l.elapsedSeconds),
          pace: paceQuantity(meters, l.elapsedSeconds, 'pool'),
          avgHeartRate: null,
          strokes: l.strokes ?? null,
          swolf: ok(l.strokes) ? Math.round(l.elapsedSeconds + l.strokes) : null,
        };
      });
    return rows.length ? { title: 'Lengths', paceLabel, rows } : null;
  }
  if (w.laps.length > 1) return { title: 'Laps', paceLabel, rows: w.laps.map((l, i) => lapRow(w, l, i, kind)) };
  if (kind !== 'foot' && kind !== 'ride') return null;
  let from = 0;
  const rows = kmSplits(w).map((s): SplitRow => {
    const row = {
      label: String(s.index + 1),
      distance: distanceQuantity(s.distanceMeters, kind),
      time: clock(s.timerSeconds),
      pace: paceQuantity(s.distanceMeters, s.timerSeconds, kind),
      avgHeartRate: heartRateBetween(w, from, from + s.elapsedSeconds),
    };
    from += s.elapsedSeconds;
    return row;
  });
  return rows.length > 1 ? { title: 'Splits', paceLabel, rows } : null;
}

/** What a list row shows for pace or speed. */
export function listPace(
  sport: string,
  meters: number | null,
  movingSeconds: number | null,
): (Quantity & { label: string }) | null {
  return paceQuantity(meters, movingSeconds, displayKind(sport));
}
