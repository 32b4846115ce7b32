// Cadence in the model's (FIT's) units: rpm, strides/min of one foot for foot
// sports, strokes/min for swims and rows (units.ts turns these into what people
// read). The declared average wins; the samples fill the rest, over readings
// above zero (standing still logs 0, and Garmin/Strava averages exclude
// those). Swims and rows without a cadence stream use their stroke rate, as
// the FIT encoder does.
import type { Workout } from '../workout/types.js';
import { positiveStats } from './stats.js';

export function cadenceStats(w: Pick<Workout, 'samples' | 'totals'>): { avg: number | null; max: number | null } {
  const measured = positiveStats(w.samples.cadence ?? w.samples.strokeRate);
  return { avg: w.totals.avgCadence ?? measured.avg, max: measured.max };
}
