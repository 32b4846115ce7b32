// The external_id we send Strava. It is fixed when a workout is first stored
// and never changes, so a re-run or another worker always sends the same one
// and Strava's own duplicate check backs ours up.
import type { Workout } from '../core/workout/types.js';

/** Every external_id we send starts with it: sync/plan.ts tells our own uploads apart by it. */
export const OUR_EXTERNAL_ID_PREFIX = 'bandsync-';

export function externalIdFor(workout: Workout): string {
  const safe = workout.source.id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
  return `${OUR_EXTERNAL_ID_PREFIX}${workout.source.kind}-${safe}-${workout.fingerprint.slice(0, 8)}`;
}
