// Damaged input held, not guessed (issue 12 §6): a workout whose file could be
// read only partly waits in needs_user (source_damaged) with the decoder's
// message until the user accepts it. The acceptance is kept per workout and
// per damage, so a later, differently damaged version asks again.
import type { Workout } from '../core/workout/types.js';
import type { SyncState } from './states.js';
import { DESTINATION, type EngineDeps } from './deps.js';

const acceptKey = (workoutId: string) => `damage-accepted:${workoutId}`;

/** The command and button that send a held workout anyway. */
export const acceptDamagedHint = (workoutId: string) =>
  `bandsync retry --accept-damaged ${workoutId} (or "Upload anyway" on its dashboard page)`;

/** True when the workout is damaged and the user has not accepted this damage. */
export async function heldForDamage(deps: EngineDeps, workoutId: string, workout: Workout): Promise<boolean> {
  if (!workout.damage) return false;
  const accepted = await deps.store.getSetting<{ damage: string }>(acceptKey(workoutId));
  return accepted?.damage !== workout.damage;
}

/** Moves a damaged, not accepted workout to needs_user; returns whether it is held. */
export async function holdIfDamaged(
  deps: EngineDeps,
  workoutId: string,
  workout: Workout,
  from: readonly SyncState[],
): Promise<boolean> {
  if (!(await heldForDamage(deps, workoutId, workout))) return false;
  await deps.store.transition({
    workoutId,
    destination: DESTINATION,
    from,
    to: 'needs_user',
    reason: `source_damaged: ${workout.source.id} could be read only partly (${workout.damage}); held. To upload what could be read: ${acceptDamagedHint(workoutId)}`,
    patch: { code: 'source_damaged', lastError: workout.damage ?? null, nextAttemptAt: null },
  });
  return true;
}

/** Records that the user accepts this workout's damage (before its record moves on, so a crash between asks again). */
export async function acceptDamage(deps: EngineDeps, workoutId: string, workout: Workout): Promise<void> {
  await deps.store.setSetting(acceptKey(workoutId), { damage: workout.damage, at: deps.clock.now().toISOString() });
}
