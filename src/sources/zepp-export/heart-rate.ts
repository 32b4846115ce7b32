// The export's all-day heart rate (HEARTRATE_AUTO: `date,time,heartRate`,
// local wall-clock, one value per minute; notes/zepp-sources.md §2) joined
// into summary-only workouts, so a treadmill run or a strength session goes
// to Strava as a FIT with its heart-rate curve instead of a bare manual
// activity. Pure: the rows and the zone rule come in as arguments.
import type { Row } from '../../archive/index.js';
import type { Workout } from '../../core/workout/types.js';

/** Per-minute heart rate by UTC minute (epoch ms / 60,000). */
export type HeartRateIndex = ReadonlyMap<number, number>;

/** A workout needs at least this many minutes of heart rate to carry a curve; one value is not one. */
export const MIN_HR_SAMPLES = 2;

export interface HeartRateColumns {
  readonly date: number;
  readonly time: number;
  readonly bpm: number;
}

/** Finds the columns by name (order differs between exports); null when the header is not HEARTRATE_AUTO's. */
export function heartRateColumns(header: Row): HeartRateColumns | null {
  const keys = header.map((h) =>
    h
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_-]/g, ''),
  );
  const date = keys.indexOf('date');
  const time = keys.indexOf('time');
  const bpm = keys.findIndex((k) => k === 'heartrate' || k === 'hr' || k === 'bpm');
  return date >= 0 && time >= 0 && bpm >= 0 ? { date, time, bpm } : null;
}

/**
 * One row → [UTC minute, bpm], or null for rows that are not a plausible
 * reading (0 and 255 are the band's "no reading" values). The local time is
 * turned into UTC with the zone's offset at that moment.
 */
export function heartRateRow(
  row: Row,
  c: HeartRateColumns,
  offsetAt: (utcMs: number) => number,
): [number, number] | null {
  const d = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec((row[c.date] ?? '').trim());
  const t = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec((row[c.time] ?? '').trim());
  const bpm = Number((row[c.bpm] ?? '').trim());
  if (!d || !t || !Number.isInteger(bpm) || bpm < 25 || bpm > 250) return null;
  const wallMs = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  if (Number.isNaN(wallMs)) return null;
  // The offset is looked up at the approximate instant; it differs only within an hour of a DST change.
  const utcMs = wallMs - offsetAt(wallMs - offsetAt(wallMs) * 1000) * 1000;
  return [Math.round(utcMs / 60_000), bpm];
}

/** The workout with the minutes of heart rate that fall inside it, or unchanged when there are too few. */
export function joinHeartRate(workout: Workout, index: HeartRateIndex): Workout {
  if (workout.samples.t.length > 0) return workout;
  const startMs = Date.parse(workout.startTime);
  const endMs = startMs + workout.elapsedSeconds * 1000;
  const t: number[] = [];
  const heartRate: number[] = [];
  for (let minute = Math.ceil(startMs / 60_000); minute * 60_000 <= endMs; minute++) {
    const bpm = index.get(minute);
    if (bpm === undefined) continue;
    t.push((minute * 60_000 - startMs) / 1000);
    heartRate.push(bpm);
  }
  if (t.length < MIN_HR_SAMPLES) return workout;
  return { ...workout, samples: { t, heartRate } };
}
