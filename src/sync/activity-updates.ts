// Keeping an activity already on Strava in step with a sport decision changed
// here (the user's re-map, a new sport rule): PUT /activities/{id} with the
// sport_type the mapping now gives, and hide_from_home where the privacy
// setting hides backfilled history. A read-budget request like the client's
// other non-upload calls. What cannot be sent now (rate budget spent, Strava
// down, Strava disconnected) is recorded as pending and applied by the next
// sync or daemon poll; every outcome goes into the workout's ledger.
import type { Workout } from '../core/workout/types.js';
import { DESTINATION, type EngineDeps } from './deps.js';
import { toBandsyncError } from './failures.js';
import type { SyncRecord } from './ports.js';

/** What a sport change did (or will do) to the workout's Strava activity. */
export type StravaUpdateResult =
  | { readonly kind: 'updated'; readonly activityId: string; readonly sportType: string }
  /** Not on Strava yet: its upload carries the new sport. */
  | { readonly kind: 'not_on_strava' }
  /** Recorded; the next sync or daemon poll sends it (not before retryAt when known). */
  | { readonly kind: 'pending'; readonly code: string; readonly reason: string; readonly retryAt: string | null }
  /** Strava refused it (deleted there, not this athlete's); nothing was changed and nothing is pending. */
  | { readonly kind: 'refused'; readonly code: string; readonly reason: string };

/** An update waiting to be sent: the sport is read from the mapping when it is sent, so the newest choice wins. */
export interface PendingStravaUpdate {
  readonly since: string;
  /** Not before this time (the rate-limit reset); null: at the next run. */
  readonly notBefore: string | null;
  readonly lastError: string | null;
}

const PENDING_KEY = 'strava-activity-updates';
/** States whose activity may not exist yet: the update waits for them to settle. */
const IN_FLIGHT = new Set(['uploading', 'processing']);

/** Backfilled history is what was recorded more than this many days before it is sent (F13). */
export const BACKFILL_DAYS = 30;

type Deps = Pick<
  EngineDeps,
  'store' | 'destination' | 'sportFor' | 'clock' | 'logger' | 'options' | 'hideBackfillFromHome' | 'reloadSettings'
>;

/** Whether this workout goes to (or is updated on) Strava hidden from home feeds: backfilled history, if the privacy setting says so. */
export async function hiddenFromHome(
  deps: Pick<Deps, 'clock' | 'options' | 'hideBackfillFromHome'>,
  w: Workout,
): Promise<boolean> {
  const days = deps.options.hideFromHomeOlderThanDays;
  if (days === undefined) return false;
  if (deps.hideBackfillFromHome && !(await deps.hideBackfillFromHome())) return false;
  return deps.clock.now().getTime() - Date.parse(w.startTime) > days * 86_400_000;
}

export async function pendingStravaUpdates(deps: Pick<Deps, 'store'>): Promise<Record<string, PendingStravaUpdate>> {
  return (await deps.store.getSetting<Record<string, PendingStravaUpdate>>(PENDING_KEY)) ?? {};
}

async function editPending(
  deps: Pick<Deps, 'store'>,
  edit: (pending: Record<string, PendingStravaUpdate>) => void,
): Promise<void> {
  await deps.store.withLock(PENDING_KEY, async () => {
    const pending = await pendingStravaUpdates(deps);
    edit(pending);
    await deps.store.setSetting(PENDING_KEY, pending);
  });
}

const ledger = (deps: Pick<Deps, 'store'>, record: SyncRecord, accountId: string, reason: string) =>
  deps.store.appendLedger({
    workoutId: record.workoutId,
    accountId,
    event: 'strava_update',
    fromState: null,
    toState: null,
    reason,
    data: null,
  });

/**
 * Brings the workout's Strava activity to the sport the mapping gives now.
 * Call it after the mapping changed; `why` says what changed it (ledger).
 */
export async function updateOnStrava(deps: Deps, workoutId: string, why: string): Promise<StravaUpdateResult> {
  const [record, stored] = await Promise.all([
    deps.store.getRecord(workoutId, DESTINATION),
    deps.store.getWorkout(workoutId),
  ]);
  if (!record || !stored) throw new Error(`No workout ${workoutId}`);
  if (!record.activityId) {
    if (!IN_FLIGHT.has(record.state)) {
      await editPending(deps, (p) => void delete p[workoutId]);
      return { kind: 'not_on_strava' };
    }
    // Sent, but Strava has not said which activity it became: the update follows once it has.
    const reason = `the upload is still ${record.state}; the Strava activity is updated once Strava has created it`;
    await markPending(deps, record, stored.accountId, why, 'upload_in_flight', reason, null);
    return { kind: 'pending', code: 'upload_in_flight', reason, retryAt: null };
  }
  const sportType = deps.sportFor(stored.workout).sportType;
  // Only an activity bandsync uploaded is hidden; a matching one already on Strava keeps its visibility.
  const hide = record.state === 'synced' && (await hiddenFromHome(deps, stored.workout));
  try {
    const destination = await deps.destination();
    const updated = await destination.updateActivity(record.activityId, {
      sportType,
      ...(hide ? { hideFromHome: true } : {}),
    });
    await editPending(deps, (p) => void delete p[workoutId]);
    await ledger(
      deps,
      record,
      stored.accountId,
      `Strava activity ${record.activityId} updated (${why}): sport_type ${updated.sportType || sportType}${hide ? ', hidden from home feeds' : ''}`,
    );
    return { kind: 'updated', activityId: record.activityId, sportType: updated.sportType || sportType };
  } catch (err) {
    const e = toBandsyncError(err);
    if (e.code === 'strava_update_refused' || e.code === 'internal') {
      await editPending(deps, (p) => void delete p[workoutId]);
      await ledger(
        deps,
        record,
        stored.accountId,
        `${e.code}: the Strava activity was not updated (${why}): ${e.message}`,
      );
      return { kind: 'refused', code: e.code, reason: e.message };
    }
    // Rate budget spent, Strava down, disconnected or access revoked: kept, and sent by a later run.
    const retryAt = e.retryAt ?? null;
    await markPending(deps, record, stored.accountId, why, e.code, e.message, retryAt);
    return { kind: 'pending', code: e.code, reason: e.message, retryAt };
  }
}

async function markPending(
  deps: Deps,
  record: SyncRecord,
  accountId: string,
  why: string,
  code: string,
  reason: string,
  retryAt: string | null,
): Promise<void> {
  let first = false;
  await editPending(deps, (p) => {
    first = !p[record.workoutId];
    p[record.workoutId] = {
      since: p[record.workoutId]?.since ?? deps.clock.now().toISOString(),
      notBefore: retryAt,
      lastError: `${code}: ${reason}`,
    };
  });
  // Once per pending update, not once per failed attempt.
  if (first)
    await ledger(
      deps,
      record,
      accountId,
      `${code}: the Strava activity update (${why}) is pending: ${reason}; the next sync or poll sends it${retryAt ? ` (not before ${retryAt})` : ''}`,
    );
}

/** Sends the pending updates whose time has come; stops at the first rate limit. Returns how many were sent. */
export async function applyPendingStravaUpdates(deps: Deps): Promise<{ updated: number; pending: number }> {
  const pending = await pendingStravaUpdates(deps);
  if (Object.keys(pending).length === 0) return { updated: 0, pending: 0 };
  await deps.reloadSettings?.();
  const now = deps.clock.now().getTime();
  let updated = 0;
  for (const [workoutId, p] of Object.entries(pending)) {
    if (p.notBefore && Date.parse(p.notBefore) > now) continue;
    let result: StravaUpdateResult;
    try {
      result = await updateOnStrava(deps, workoutId, 'pending update');
    } catch (err) {
      // The workout is gone: nothing to update.
      deps.logger.warn('pending Strava update dropped', { workoutId, error: (err as Error).message });
      await editPending(deps, (q) => void delete q[workoutId]);
      continue;
    }
    if (result.kind === 'updated') updated++;
    if (result.kind === 'pending' && result.code === 'strava_rate_limited') break;
  }
  return { updated, pending: Object.keys(await pendingStravaUpdates(deps)).length };
}
