// One workout, two sources (cloud and export, cloud and a Gadgetbridge GPX):
// recognised by fingerprint, kept once, and the richer copy is the one that
// goes to Strava. The poorer copy is skipped with a reason naming the other.
import type { Workout } from '../core/workout/types.js';
import { DONE_STATES } from './states.js';
import { DESTINATION, type EngineDeps } from './deps.js';

/** How much a copy carries: number of present streams, then samples, then laps; a damaged copy least. */
export function richness(w: Workout): number {
  if (w.damage) return -1;
  const streams = Object.keys(w.samples).filter((k) => k !== 't').length;
  return streams * 1e9 + w.samples.t.length * 10 + w.laps.length + w.lengths.length;
}

export async function keepRicher(deps: EngineDeps, newId: string, workout: Workout): Promise<void> {
  const twins = await deps.store.findWorkoutsByFingerprint(workout.fingerprint, newId);
  for (const twin of twins) {
    const twinRecord = await deps.store.getRecord(twin.id, DESTINATION);
    if (!twinRecord || twinRecord.state === 'skipped') continue;
    const twinSent = DONE_STATES.has(twinRecord.state) || ['uploading', 'processing'].includes(twinRecord.state);
    if (twinSent || richness(twin.workout) >= richness(workout)) {
      await deps.store.transition({
        workoutId: newId,
        destination: DESTINATION,
        from: ['fetched'],
        to: 'skipped',
        reason: `same workout as ${twin.id} (${twin.workout.source.kind}), which is ${twinSent ? 'already on Strava' : 'richer'}`,
        patch: { code: 'same_as_other_source' },
      });
      return;
    }
    await deps.store.transition({
      workoutId: twin.id,
      destination: DESTINATION,
      from: ['fetched', 'converted', 'failed'],
      to: 'skipped',
      reason: `same workout as ${newId} (${workout.source.kind}), which is richer`,
      patch: { code: 'same_as_other_source' },
    });
  }
}
