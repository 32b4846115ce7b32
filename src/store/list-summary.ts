// The list summary kept with each workout (migration 0002): the handful of
// numbers a list row shows, computed by core's summarize so lists, the
// workout page and `inspect` agree. VERSION changes when what is kept or how
// core computes it changes; older rows are recomputed when next listed.
import { summarize } from '../core/metrics/summarize.js';
import type { Workout } from '../core/workout/types.js';
import type { WorkoutListSummary } from '../sync/ports.js';

export const LIST_SUMMARY_VERSION = 1;

export function listSummary(w: Workout): WorkoutListSummary & { v: number } {
  const s = summarize(w);
  return {
    v: LIST_SUMMARY_VERSION,
    utcOffsetSeconds: w.utcOffsetSeconds,
    elapsedSeconds: s.elapsedSeconds,
    // The band's active time: what Strava shows as moving time (F3).
    movingSeconds: s.timerSeconds,
    distanceMeters: s.distanceMeters,
    avgHeartRate: s.avgHeartRate,
    lengths: s.lengths,
  };
}

/** A stored summary, when it is current; null means "compute it again". */
export function currentSummary(value: unknown): WorkoutListSummary | null {
  if (!value || typeof value !== 'object') return null;
  const s = value as Partial<WorkoutListSummary> & { v?: unknown };
  if (s.v !== LIST_SUMMARY_VERSION) return null;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  return {
    utcOffsetSeconds: num(s.utcOffsetSeconds) ?? 0,
    elapsedSeconds: num(s.elapsedSeconds) ?? 0,
    movingSeconds: num(s.movingSeconds),
    distanceMeters: num(s.distanceMeters),
    avgHeartRate: num(s.avgHeartRate),
    lengths: num(s.lengths) ?? 0,
  };
}
