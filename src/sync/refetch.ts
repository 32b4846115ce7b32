// A workout the source could not give us (an unreadable file, a Mi Fitness
// workout whose detail files were missing) is stored as a placeholder so it
// shows with its reason. A retry must read it again from the source, never
// send the placeholder: this finds it in the source's listing, fetches it,
// and stores what the source gives now (or says why it still cannot).
import { withDamage } from '../core/workout/damage.js';
import type { Workout } from '../core/workout/types.js';
import { BandsyncError, ruleFor, toBandsyncError } from './failures.js';
import type { EngineDeps } from './deps.js';
import type { StoredWorkout, WorkoutRef } from './ports.js';
import { ledgerIssues, soundWorkout } from './sound-values.js';

/** How far before the placeholder's start the listing reaches back (a source's start may shift once it is read). */
const LIST_MARGIN_MS = 86_400_000;

/** The placeholder discovery stores for a workout its source could not give (discover.ts recordUnreadable). */
export function isUnreadableStub(w: Workout): boolean {
  return (
    w.samples.t.length === 0 &&
    w.elapsedSeconds === 0 &&
    w.laps.length === 0 &&
    Object.keys(w.totals).length === 0 &&
    w.device.name === 'unknown'
  );
}

/**
 * Reads the workout again from its account's source and stores it in place of
 * the placeholder (same id, same sync record). Throws, with the source's
 * reason, when the source still cannot give it; the placeholder then stays.
 */
export async function refetchFromSource(deps: EngineDeps, stored: StoredWorkout): Promise<Workout> {
  const { store } = deps;
  const sourceId = stored.workout.source.id;
  const account = await store.getAccount(stored.accountId);
  if (!account)
    throw new Error(`${stored.id} (${sourceId}): its account is no longer connected, so it cannot be read again`);
  const source = await deps.sourceFor(account);
  const since = new Date(Date.parse(stored.workout.startTime) - LIST_MARGIN_MS).toISOString();
  let ref: WorkoutRef | undefined;
  for await (const r of source.list({ since }))
    if (r.sourceId === sourceId) {
      ref = r;
      break;
    }
  if (!ref)
    throw new BandsyncError(
      'source_file_invalid',
      `${sourceId} is no longer in ${account.label} (${account.kind}); there is nothing to read again`,
    );
  let workout: Workout;
  let issues: readonly { code: string; path: string; detail: string }[];
  try {
    const sound = soundWorkout(await source.fetch(ref), ref.sourceId, deps.clock.now(), deps.options.maxSamples);
    workout = withDamage(sound.workout, sound.issues);
    issues = sound.issues;
  } catch (err) {
    const e = toBandsyncError(err);
    const fix = ruleFor(e.code).needsUser ? ` ${ruleFor(e.code).explain}` : '';
    throw new BandsyncError(e.code, `${sourceId} still cannot be read from ${account.label}: ${e.message}.${fix}`);
  }
  const saved = await store.saveWorkout(account.id, workout, ref.revision ?? null);
  if (saved.id !== stored.id)
    throw new Error(`${sourceId}: read again, but stored as ${saved.id} instead of ${stored.id}; run bandsync sync`);
  await ledgerIssues(store, stored.id, account.id, issues);
  return workout;
}
