// Cadence avg/max over samples with a non-zero reading (standing still logs 0,
// and Garmin/Strava averages exclude those); falls back to the recorded total.
import type { Workout } from '../workout/types.js';

export function cadenceStats(w: Pick<Workout, 'samples' | 'totals'>): { avg: number | null; max: number | null } {
  let sum = 0,
    n = 0,
    max = 0;
  for (const v of w.samples.cadence ?? [])
    if (v != null && v > 0) {
      sum += v;
      n++;
      if (v > max) max = v;
    }
  if (n === 0) return { avg: w.totals.avgCadence ?? null, max: null };
  return { avg: Math.round(sum / n), max };
}
