// A decoded file → the workout as this source reports it: the source reference
// is ours (the decoder does not know which account or listing it came from).
import type { DecodeResult, Workout } from '../../core/index.js';
import type { FetchedWorkout } from '../../sync/ports.js';

export type FileMapResult = { ok: true; fetched: FetchedWorkout } | { ok: false; reason: string };

export function decodedToFetched(result: DecodeResult, ref: { sourceId: string; accountId: string }): FileMapResult {
  if (!result.ok) {
    const first = result.issues[0];
    return { ok: false, reason: result.error + (first && !result.error.includes(first.detail) ? ` (${first.detail})` : '') };
  }
  const workout: Workout = { ...result.workout, source: { kind: 'files', id: ref.sourceId, accountId: ref.accountId } };
  if (!(workout.elapsedSeconds > 0) || Number.isNaN(Date.parse(workout.startTime))) {
    return { ok: false, reason: 'not a workout (no start time or no duration)' };
  }
  return { ok: true, fetched: { workout, issues: result.issues } };
}
