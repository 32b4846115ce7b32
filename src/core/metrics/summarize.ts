// The summary `bandsync inspect --json` prints (issue 8) and the dashboard's
// band column shows: every field is a number, string or null, never
// undefined, so the JSON always has every key. What the device declared wins
// for every total (DESIGN §4.1); the samples fill only what it did not.
// Cadence is in the sport's unit (steps/min for foot sports, see units.ts).
import type { Device, Issue, Sport, Workout } from '../workout/types.js';
import { cadenceStats } from './cadence.js';
import { totalDistanceMeters } from './distance.js';
import { elevationGainLoss } from './elevation.js';
import { heartRateStats } from './heart-rate.js';
import { movingSeconds } from './moving.js';
import { avgSpeedMps } from './speed.js';
import { normalizePauses, timerTotalSeconds } from './timer.js';
import { displayCadence, sportUnits, type CadenceUnit } from './units.js';

export interface WorkoutSummary {
  readonly sport: Sport;
  readonly startTime: string;
  readonly utcOffsetSeconds: number;
  readonly elapsedSeconds: number;
  readonly timerSeconds: number;
  readonly movingSeconds: number;
  readonly distanceMeters: number | null;
  /** Distance over moving time. */
  readonly avgSpeedMps: number | null;
  readonly ascentMeters: number | null;
  readonly descentMeters: number | null;
  readonly avgHeartRate: number | null;
  readonly maxHeartRate: number | null;
  /** In `cadenceUnit`: steps/min for runs and walks (the band's number, twice FIT's strides/min). */
  readonly avgCadence: number | null;
  readonly cadenceUnit: CadenceUnit;
  readonly calories: number | null;
  readonly records: number;
  readonly laps: number;
  readonly lengths: number;
  readonly pauses: number;
  readonly device: Device;
  readonly issues: readonly Issue[];
}

export function summarize(w: Workout, issues: readonly Issue[] = []): WorkoutSummary {
  const { ascentMeters, descentMeters } = elevationGainLoss(w);
  const hr = heartRateStats(w);
  return {
    sport: w.sport,
    startTime: w.startTime,
    utcOffsetSeconds: w.utcOffsetSeconds,
    elapsedSeconds: w.elapsedSeconds,
    timerSeconds: timerTotalSeconds(w),
    movingSeconds: movingSeconds(w),
    distanceMeters: totalDistanceMeters(w),
    avgSpeedMps: avgSpeedMps(w),
    ascentMeters,
    descentMeters,
    avgHeartRate: hr.avg,
    maxHeartRate: hr.max,
    avgCadence: displayCadence(w.sport, cadenceStats(w).avg),
    cadenceUnit: sportUnits(w.sport).cadence,
    calories: w.totals.calories ?? null,
    records: w.samples.t.length,
    laps: w.laps.length,
    lengths: w.lengths.length,
    pauses: normalizePauses(w.pauses, w.elapsedSeconds).length,
    device: w.device,
    issues,
  };
}
