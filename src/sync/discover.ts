// Discovery: list a source account's workouts, fetch what is new or edited,
// store it, and open a sync record for it. Account-wide failures (expired
// login, wrong region) stop the pass and mark the account; a workout-level
// failure (unreadable payload) marks that workout and the pass goes on.
import { withDamage } from '../core/workout/damage.js';
import { withFingerprint } from '../core/workout/fingerprint.js';
import type { Workout } from '../core/workout/types.js';
import { BandsyncError, ruleFor, toBandsyncError } from './failures.js';
import type { Account, Source, StoredWorkout, WorkoutRef } from './ports.js';
import { holdIfDamaged } from './damage.js';
import { DESTINATION, type EngineDeps, type ProgressListener } from './deps.js';
import { externalIdFor } from './external-id.js';
import { keepRicher } from './cross-source.js';
import { ledgerIssues, soundWorkout } from './sound-values.js';

export interface DiscoverResult {
  readonly listed: number;
  readonly stored: number;
  readonly updated: number;
  readonly failed: number;
  /** Workouts of this pass held for the user because their file could be read only partly. */
  readonly heldDamaged?: number;
  /** Of `failed`: workouts that wait for the person (over a limit, a zip's password...), not for a retry. */
  readonly heldForUser?: number;
  readonly stoppedBy: string | null;
  /** This pass's unreadable workouts with the reason, for per-file reports (import). */
  readonly unreadable?: readonly { sourceId: string; reason: string }[];
}

const fullPassKey = (accountId: string) => `account:${accountId}:full-pass-done`;

export async function discover(
  deps: EngineDeps,
  account: Account,
  options: { since?: string; signal?: AbortSignal; onProgress?: ProgressListener } = {},
): Promise<DiscoverResult> {
  const { store, logger } = deps;
  let listed = 0,
    stored = 0,
    updated = 0,
    failed = 0,
    heldDamaged = 0,
    heldForUser = 0;
  const refs: WorkoutRef[] = [];
  const unreadable: { sourceId: string; reason: string }[] = [];
  try {
    // Anything the source throws while opening or listing is this account's problem, not the run's:
    // a damaged database, missing columns or an unreadable folder stop this account with its reason.
    let source: Source;
    try {
      source = await deps.sourceFor(account);
      // Until one full pass has completed, list everything: an interrupted first
      // backfill must not be mistaken for "up to date" by the incremental listing.
      const fullPassDone = (await store.getSetting<boolean>(fullPassKey(account.id))) === true;
      const knownUntil =
        fullPassDone && source.capabilities.incrementalListing
          ? ((await store.newestWorkoutStart(account.id)) ?? undefined)
          : undefined;
      for await (const ref of source.list({ knownUntil, since: options.since, signal: options.signal })) {
        refs.push(ref);
        listed++;
        options.onProgress?.({ phase: 'discover', done: 0, total: listed, message: 'listing' });
      }
    } catch (err) {
      throw sourceUnreadable(err, account, options.signal);
    }
    for (const [i, ref] of refs.entries()) {
      options.signal?.throwIfAborted();
      options.onProgress?.({ phase: 'discover', done: i, total: refs.length });
      const existing = await store.findWorkoutBySourceId(account.id, ref.sourceId);
      if (existing && (ref.revision ?? null) === existing.revision) {
        // A crash between storing a workout and opening its record must not hide it forever.
        const record = await store.getRecord(existing.id, DESTINATION);
        if (!record || record.state === 'discovered') await openRecord(deps, account, existing.id, existing.workout);
        continue;
      }
      try {
        const fetched = await source.fetch(ref, options.signal);
        const sound = soundWorkout(fetched, ref.sourceId, deps.clock.now(), deps.options.maxSamples);
        const { issues } = sound;
        const workout = withDamage(sound.workout, issues);
        if (workout.damage && existing && !existing.workout.damage && (await keptWhole(deps, existing))) {
          // A whole version is stored (maybe on Strava): a partly readable rewrite must not replace it.
          await keepStored(deps, account, existing.id, `is damaged (${workout.damage})`);
          unreadable.push({ sourceId: ref.sourceId, reason: `${ref.sourceId}: damaged: ${workout.damage}` });
          continue;
        }
        const outcome = await storeWorkout(deps, account, workout, ref.revision ?? null);
        if (outcome.created) stored++;
        else if (outcome.changed) updated++;
        if (workout.damage && (await store.getRecord(outcome.id, DESTINATION))?.code === 'source_damaged')
          heldDamaged++;
        await ledgerIssues(store, outcome.id, account.id, issues);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        const e = toBandsyncError(err);
        if (ruleFor(e.code).scope !== 'workout') throw e;
        failed++;
        if (ruleFor(e.code).needsUser) heldForUser++;
        unreadable.push({ sourceId: ref.sourceId, reason: e.message });
        if (existing && (await keptWhole(deps, existing)))
          await keepStored(deps, account, existing.id, `could not be read (${e.code}: ${e.message})`);
        else await recordUnreadable(deps, account, ref, e);
      }
    }
    options.onProgress?.({ phase: 'discover', done: refs.length, total: refs.length });
    if (!options.since) await store.setSetting(fullPassKey(account.id), true);
    if (account.status !== 'ok') await store.setAccountStatus(account.id, 'ok', null);
    return { listed, stored, updated, failed, heldDamaged, heldForUser, stoppedBy: null, unreadable };
  } catch (err) {
    // Shutdown is not the source's fault: nothing is marked.
    if (options.signal?.aborted) throw err;
    const e = toBandsyncError(err);
    const rule = ruleFor(e.code);
    logger.warn('discovery stopped', { account: account.id, code: e.code, reason: e.message });
    if (rule.needsUser) {
      await store.setAccountStatus(account.id, 'needs_user', e.code);
      await store.appendLedger({
        workoutId: null,
        accountId: account.id,
        event: 'needs_user',
        fromState: null,
        toState: null,
        reason: e.code === 'source_unreadable' ? `${e.code}: ${e.message}` : `${e.code}: ${rule.explain}`,
        data: null,
      });
    }
    if (rule.retry === 'never' || rule.needsUser)
      return { listed, stored, updated, failed, heldDamaged, heldForUser, stoppedBy: e.code, unreadable };
    throw e;
  }
}

/** Whether a readable version of this workout is stored (an unreadable one is a failed stub). */
async function keptWhole(deps: EngineDeps, existing: StoredWorkout): Promise<boolean> {
  const record = await deps.store.getRecord(existing.id, DESTINATION);
  return record !== null && record.state !== 'failed';
}

/** The source's new version is worse than the stored one: keep the stored one and say so. */
async function keepStored(deps: EngineDeps, account: Account, workoutId: string, why: string) {
  // The old revision stays, so the next pass reads the file again.
  await deps.store.appendLedger({
    workoutId,
    accountId: account.id,
    event: 'issue',
    fromState: null,
    toState: null,
    reason: `the source's new version ${why}; the stored one is kept`,
    data: null,
  });
}

async function storeWorkout(deps: EngineDeps, account: Account, workout: Workout, revision: string | null) {
  const { store } = deps;
  const saved = await store.saveWorkout(account.id, workout, revision);
  const record = await store.ensureRecord(saved.id, DESTINATION, externalIdFor(workout));
  if (saved.created || record.state === 'discovered') {
    await openRecord(deps, account, saved.id, workout);
  } else if (
    saved.changed &&
    (record.state === 'failed' ||
      record.state === 'fetched' ||
      record.state === 'converted' ||
      (record.state === 'needs_user' && record.code === 'source_damaged'))
  ) {
    const moved = await store.transition({
      workoutId: saved.id,
      destination: DESTINATION,
      from: [record.state],
      to: 'fetched',
      reason: 'the source edited this workout; it will be planned again',
      patch: { attempts: 0, code: null, lastError: null },
    });
    if (moved) await holdIfDamaged(deps, saved.id, workout, ['fetched']);
  }
  return saved;
}

/**
 * Records a crash left in `discovered` (stored, record opened, not yet
 * moved on) are opened by the engine itself, whether or not the source
 * still lists the workout: every run and every dispatch starts with this.
 */
export async function openDiscovered(deps: EngineDeps, accountId?: string): Promise<number> {
  const left = await deps.store.listRecords({ destination: DESTINATION, states: ['discovered'], accountId });
  let opened = 0;
  for (const r of left) {
    const [stored, account] = await Promise.all([
      deps.store.getWorkout(r.workoutId),
      deps.store.getAccount(r.accountId),
    ]);
    if (!stored || !account) continue;
    await openRecord(deps, account, r.workoutId, stored.workout);
    opened++;
  }
  return opened;
}

async function openRecord(deps: EngineDeps, account: Account, workoutId: string, workout: Workout) {
  await deps.store.ensureRecord(workoutId, DESTINATION, externalIdFor(workout));
  const moved = await deps.store.transition({
    workoutId,
    destination: DESTINATION,
    from: ['discovered'],
    to: 'fetched',
    reason: `fetched from ${account.kind} (${workout.source.id})`,
  });
  if (moved) {
    await keepRicher(deps, workoutId, workout);
    await holdIfDamaged(deps, workoutId, workout, ['fetched']);
  }
}

/** A workout the source could not give us: stored as a stub so it shows, with its reason, as failed. */
async function recordUnreadable(deps: EngineDeps, account: Account, ref: WorkoutRef, e: BandsyncError) {
  const stub = withFingerprint({
    sport: 'other',
    startTime: ref.startTime,
    utcOffsetSeconds: 0,
    elapsedSeconds: 0,
    samples: { t: [] },
    pauses: [],
    laps: [],
    lengths: [],
    indoor: false,
    device: { manufacturer: 339, product: 0, name: 'unknown' },
    totals: {},
    source: { kind: account.kind === 'strava' ? 'files' : account.kind, id: ref.sourceId, accountId: account.id },
  });
  // A reason the user can fix (a zip's password) is tried again on the next pass even if the file
  // did not change: no revision is kept for it. Damage is not retried until the file changes.
  const revision = ruleFor(e.code).needsUser ? null : (ref.revision ?? null);
  const saved = await deps.store.saveWorkout(account.id, stub, revision);
  const record = await deps.store.ensureRecord(saved.id, DESTINATION, externalIdFor(stub));
  // Read again each pass (see above), it must not add the same failure to the ledger every time.
  if (record.state === 'failed' && record.code === e.code && record.lastError === e.message) return;
  await deps.store.transition({
    workoutId: saved.id,
    destination: DESTINATION,
    from: [record.state],
    to: 'failed',
    reason: `${e.code}: ${e.message}`,
    patch: { code: e.code, lastError: e.message },
  });
}

/**
 * A source that cannot even be listed: its own codes stand (expired login,
 * unreachable service, a zip's password: handled as their rule says); a
 * damaged database, missing columns or an unreadable folder (an unexpected
 * error, or a file that is not what the account says) is source_unreadable.
 */
function sourceUnreadable(err: unknown, account: Account, signal?: AbortSignal): unknown {
  if (signal?.aborted) return err;
  const e = toBandsyncError(err);
  if (e.code !== 'internal' && e.code !== 'source_file_invalid') return e;
  const why = e.message.replace(/\s+/g, ' ').slice(0, 300);
  // The source's own messages name the file; an unexpected error gets the account's label to say where.
  return new BandsyncError('source_unreadable', e.code === 'internal' ? `${account.label}: ${why}` : why);
}
