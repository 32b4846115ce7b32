// The summary `bandsync inspect --json` prints (issue 8): every field is a
// number, string or null, never undefined, so the JSON always has every key.
import type { Device, Issue, Sport, Workout } from '../workout/types.js';
import { cadenceStats } from './cadence.js';
import { totalDistanceMeters } from './distance.js';
import { elevationGainLoss } from './elevation.js';
import { heartRateStats } from './heart-rate.js';
import { movingSeconds } from './moving.js';
import { normalizePauses, timerSeconds } from './timer.js';

export interface WorkoutSummary {
  readonly sport: Sport;
  readonly startTime: string;
  readonly utcOffsetSeconds: number;
  readonly elapsedSeconds: number;
  readonly timerSeconds: number;
  readonly movingSeconds: number;
  readonly distanceMeters: number | null;
  readonly ascentMeters: number | null;
  readonly descentMeters: number | null;
  readonly avgHeartRate: number | null;
  readonly maxHeartRate: number | null;
  readonly avgCadence: number | null;
  readonly calories: number | null;
  readonly records: number;
  readonly laps: number;
  readonly lengths: number;
  readonly pauses: number;
  readonly device: Device;
  readonly issues: readonly Issue[];
}

export function summarize(w: Workout, issues: readonly Issue[] = []): WorkoutSummary {
  // The device's own timer total (FIT session, TCX laps, band summary) when it has one: it
  // counts sub-second pause edges we cannot see; else elapsed minus pauses.
  const timer = w.totals.timerSeconds ?? timerSeconds(w);
  const { ascentMeters, descentMeters } = elevationGainLoss(w);
  const hr = heartRateStats(w);
  return {
    sport: w.sport,
    startTime: w.startTime,
    utcOffsetSeconds: w.utcOffsetSeconds,
    elapsedSeconds: w.elapsedSeconds,
    timerSeconds: timer,
    movingSeconds: Math.min(movingSeconds(w), timer),
    distanceMeters: totalDistanceMeters(w),
    ascentMeters,
    descentMeters,
    avgHeartRate: hr.avg,
    maxHeartRate: hr.max,
    avgCadence: cadenceStats(w).avg,
    calories: w.totals.calories ?? null,
    records: w.samples.t.length,
    laps: w.laps.length,
    lengths: w.lengths.length,
    pauses: normalizePauses(w.pauses, w.elapsedSeconds).length,
    device: w.device,
    issues,
  };
}
