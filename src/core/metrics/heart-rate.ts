// Heart rate: the device's declared average and maximum win (DESIGN §4.1);
// the samples fill what it did not declare, ignoring zeros ("no contact" on
// bands). Time in zones uses five zones as % of max HR (50/60/70/80/90), each
// step's time credited to the zone of its ending sample, pauses excluded.
import type { Workout } from '../workout/types.js';
import { forEachStep } from './intervals.js';
import { positiveStats } from './stats.js';
import { normalizePauses } from './timer.js';

export function heartRateStats(w: Pick<Workout, 'samples' | 'totals'>): { avg: number | null; max: number | null } {
  const measured = positiveStats(w.samples.heartRate);
  return { avg: w.totals.avgHeartRate ?? measured.avg, max: w.totals.maxHeartRate ?? measured.max };
}

export const ZONE_LOWER_BOUNDS = [0.5, 0.6, 0.7, 0.8, 0.9] as const;

/** Seconds in each of the five zones (index 0 = zone 1); time below zone 1 is not counted. */
export function timeInZones(w: Pick<Workout, 'samples' | 'pauses' | 'elapsedSeconds'>, maxHeartRate: number): number[] {
  const zones = [0, 0, 0, 0, 0];
  const hr = w.samples.heartRate;
  if (!hr || maxHeartRate <= 0) return zones;
  forEachStep(w.samples, normalizePauses(w.pauses, w.elapsedSeconds), (i, dt) => {
    const v = hr[i];
    if (v == null || v <= 0 || dt <= 0) return;
    const frac = v / maxHeartRate;
    for (let z = ZONE_LOWER_BOUNDS.length - 1; z >= 0; z--)
      if (frac >= ZONE_LOWER_BOUNDS[z]!) {
        zones[z]! += dt;
        break;
      }
  });
  return zones;
}
