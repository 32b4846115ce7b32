// User actions on one workout; each is a ledger-recorded transition.
import type { SyncRecord } from '../sync/ports.js';
import { DESTINATION, type EngineDeps } from '../sync/deps.js';
import { acceptDamage, acceptDamagedHint, heldForDamage, holdIfDamaged } from '../sync/damage.js';
import { isUnreadableStub, refetchFromSource } from '../sync/refetch.js';

async function recordOf(deps: EngineDeps, workoutId: string): Promise<SyncRecord> {
  const record = await deps.store.getRecord(workoutId, DESTINATION);
  if (!record) throw new Error(`No workout ${workoutId}: see bandsync status or the dashboard for ids`);
  return record;
}

export async function retryWorkout(
  deps: EngineDeps,
  workoutId: string,
  options: { acceptDamaged?: boolean } = {},
): Promise<SyncRecord> {
  const record = await recordOf(deps, workoutId);
  if (!['failed', 'skipped', 'needs_user'].includes(record.state)) {
    throw new Error(`${workoutId} is ${record.state}; only failed, skipped or needs_user workouts can be retried`);
  }
  let stored = await deps.store.getWorkout(workoutId);
  let reason = 'retry requested by the user';
  if (stored && isUnreadableStub(stored.workout)) {
    // The source could not give this workout: only a placeholder is stored. Read it again; never send the placeholder.
    let workout;
    try {
      workout = await refetchFromSource(deps, stored);
    } catch (err) {
      const message = (err as Error).message;
      await deps.store.appendLedger({
        workoutId,
        accountId: stored.accountId,
        event: 'decision',
        fromState: null,
        toState: null,
        reason: `retry refused: ${message}`,
        data: null,
      });
      throw new Error(`Not retried: ${message}`, { cause: err });
    }
    stored = { ...stored, workout };
    reason = 'retry requested by the user; read again from the source';
    if (await holdIfDamaged(deps, workoutId, workout, [record.state]))
      throw new Error(
        `${workoutId} (${workout.source.id}) was read again, but only partly: ${workout.damage}. It is held. ` +
          `Bring the complete file, or upload what could be read: ${acceptDamagedHint(workoutId)}`,
      );
  }
  if (stored && (await heldForDamage(deps, workoutId, stored.workout))) {
    if (!options.acceptDamaged)
      throw new Error(
        `${workoutId} (${stored.workout.source.id}) could be read only partly: ${stored.workout.damage}. ` +
          `Bring the complete file, or upload what could be read: ${acceptDamagedHint(workoutId)}`,
      );
    await acceptDamage(deps, workoutId, stored.workout);
    reason = `the user accepted the damaged file (${stored.workout.damage}); what could be read will be uploaded`;
  }
  // A needs_user record that already reached Strava (HR consent) is re-checked by listing, not re-uploaded.
  const to = record.activityId ? 'processing' : 'fetched';
  const moved = await deps.store.transition({
    workoutId,
    destination: DESTINATION,
    from: [record.state],
    to,
    reason,
    patch: { attempts: 0, code: null, lastError: null, nextAttemptAt: null },
  });
  if (!moved) throw new Error(`${workoutId} changed while retrying; try again`);
  return moved;
}

export async function skipWorkout(deps: EngineDeps, workoutId: string, reason: string): Promise<SyncRecord> {
  const record = await recordOf(deps, workoutId);
  if (['synced', 'duplicate', 'uploading', 'processing'].includes(record.state)) {
    throw new Error(`${workoutId} is ${record.state} (already sent to Strava); it cannot be skipped`);
  }
  const moved = await deps.store.transition({
    workoutId,
    destination: DESTINATION,
    from: [record.state],
    to: 'skipped',
    reason,
    patch: { code: 'user' },
  });
  if (!moved) throw new Error(`${workoutId} changed while skipping; try again`);
  return moved;
}
