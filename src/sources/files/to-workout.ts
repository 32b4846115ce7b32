// A decoded file → the workout as this source reports it: the source reference
// is ours (the decoder does not know which account or listing it came from).
import type { DecodeResult, Workout } from '../../core/workout/types.js';
import type { FetchedWorkout } from '../../sync/ports.js';

export type FileMapResult =
  | { ok: true; fetched: FetchedWorkout }
  | { ok: false; reason: string; /** Over an input limit rather than damaged. */ overLimit?: true };

export function decodedToFetched(
  result: DecodeResult,
  ref: { sourceId: string; accountId: string; fileName: string },
): FileMapResult {
  if (!result.ok) {
    // The caller prefixes the full path itself; drop the decoder's own file-name prefix.
    const error = result.error.startsWith(`${ref.fileName}: `)
      ? result.error.slice(ref.fileName.length + 2)
      : result.error;
    const first = result.issues[0];
    if (first?.code === 'over_limit') return { ok: false, reason: error, overLimit: true };
    return { ok: false, reason: error + (first && !error.includes(first.detail) ? ` (${first.detail})` : '') };
  }
  // A file read only partly (cut short, CRC failure) comes back with its damage among the issues;
  // the engine stores it and holds it for the user instead of uploading part of a workout.
  const workout: Workout = { ...result.workout, source: { kind: 'files', id: ref.sourceId, accountId: ref.accountId } };
  if (!(workout.elapsedSeconds > 0) || Number.isNaN(Date.parse(workout.startTime))) {
    return { ok: false, reason: 'not a workout (no start time or no duration)' };
  }
  return { ok: true, fetched: { workout, issues: result.issues } };
}
