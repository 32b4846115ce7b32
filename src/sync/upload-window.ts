// One time window of pending workouts: list the athlete's Strava activities
// in it once, plan, then upload what the plan approved. Every state change is
// written before the request that follows it, so a crash at any point leaves
// a record that says what may have been sent.
import { inFlightHere, sendingHere } from './in-flight.js';
import type { BandsyncError } from './failures.js';
import { MAX_ATTEMPTS, backoffSeconds, ruleFor, toBandsyncError } from './failures.js';
import { planBatch, type Candidate, type Decision } from './plan.js';
import type { Destination, RemoteActivity, SyncRecord, UploadStatus } from './ports.js';
import type { SyncState } from './states.js';
import { DESTINATION, type EngineDeps } from './deps.js';
import { uploadName } from './naming.js';
import { holdIfDamaged } from './damage.js';
import { hiddenFromHome } from './activity-updates.js';
import { isUnreadableStub } from './refetch.js';

export type PendingRecord = SyncRecord & { startTime: string; sport: string; accountId: string; name: string | null };

export interface WindowTally {
  uploaded: number;
  duplicates: number;
  skipped: number;
  failed: number;
  needsUser: number;
  held: number;
  /** Set when the rate budget stopped the window: resume at this time. */
  retryAt: string | null;
  /** A destination-wide problem (auth revoked...) that stops the whole run. */
  stoppedBy: string | null;
}

export const emptyTally = (): WindowTally => ({
  uploaded: 0,
  duplicates: 0,
  skipped: 0,
  failed: 0,
  needsUser: 0,
  held: 0,
  retryAt: null,
  stoppedBy: null,
});

/**
 * An upload sent but never confirmed (crash, lost response) is first looked
 * for in the listing; only when it is still not listed this long after it
 * was sent is it sent again — Strava processes uploads in seconds, and
 * rejects a second copy with the same external_id anyway.
 */
export const LOST_UPLOAD_GRACE_SECONDS = 120;

export async function planWindow(
  deps: EngineDeps,
  records: readonly PendingRecord[],
  remote: readonly RemoteActivity[],
): Promise<Decision[]> {
  const candidates: Candidate[] = [];
  // Sport rules and the device name as saved now, whichever process saved them.
  await deps.reloadSettings?.();
  for (const r of records) {
    const stored = await deps.store.getWorkout(r.workoutId);
    if (!stored) continue;
    // However it got here (a crash before discovery held it), a damaged file is not uploaded unasked.
    if (
      (r.state === 'fetched' || r.state === 'converted' || r.state === 'failed') &&
      (await holdIfDamaged(deps, r.workoutId, stored.workout, [r.state]))
    )
      continue;
    // However it got here, the placeholder of a workout its source could not give never goes up: a retry reads it again.
    if ((r.state === 'fetched' || r.state === 'converted') && isUnreadableStub(stored.workout)) {
      await deps.store.transition({
        workoutId: r.workoutId,
        destination: DESTINATION,
        from: [r.state],
        to: 'failed',
        reason: `source_file_invalid: the source could not give ${stored.workout.source.id}; only a placeholder is stored, and it is not uploaded. bandsync retry ${r.workoutId} reads it again from the source`,
        patch: { code: 'source_file_invalid', lastError: 'only a placeholder is stored: the source could not give it' },
      });
      continue;
    }
    const sport = deps.sportFor(stored.workout);
    if (sport.needsUser && (r.state === 'fetched' || r.state === 'converted' || r.state === 'failed')) {
      await deps.store.transition({
        workoutId: r.workoutId,
        destination: DESTINATION,
        from: [r.state],
        to: 'needs_user',
        reason: `${sport.needsUser}: sport code ${stored.workout.rawSport} is unknown (strict mode). Add a sport rule for it in the config or the dashboard, then: bandsync retry ${r.workoutId}`,
        patch: { code: sport.needsUser },
      });
      continue;
    }
    const sentAt = r.state === 'uploading' || r.state === 'processing' ? Date.parse(r.updatedAt) : NaN;
    const recentlySent =
      r.state === 'processing' ||
      inFlightHere(r.workoutId) ||
      (Number.isFinite(sentAt) && deps.clock.now().getTime() - sentAt < LOST_UPLOAD_GRACE_SECONDS * 1000);
    candidates.push({
      workoutId: r.workoutId,
      externalId: r.externalId,
      startTime: stored.workout.startTime,
      elapsedSeconds: stored.workout.elapsedSeconds,
      sport: stored.workout.sport,
      skipReason: sport.skipReason,
      uploadSent: recentlySent,
    });
  }
  return planBatch(candidates, remote);
}

export async function applyDecisions(
  deps: EngineDeps,
  destination: Destination,
  records: readonly PendingRecord[],
  decisions: readonly Decision[],
  tally: WindowTally,
  onEach?: () => void,
  signal?: AbortSignal,
  /** The window's listing: a matched activity's numbers go into the ledger, for the workout page. */
  remote: readonly RemoteActivity[] = [],
): Promise<void> {
  const byId = new Map(records.map((r) => [r.workoutId, r]));
  const listed = (activityId: string) => {
    const match = remote.find((r) => r.id === activityId);
    return match ? { remote: { ...match } } : undefined;
  };
  for (const d of decisions) {
    // Shutdown: nothing new is sent; what was sent is resolved by the next start's listing.
    signal?.throwIfAborted();
    const record = byId.get(d.workoutId)!;
    const from: SyncState[] = [record.state];
    if (d.action === 'duplicate' && d.ours && (record.state === 'uploading' || record.state === 'processing')) {
      // Our own earlier upload, whose response was lost: resolved by listing.
      await deps.store.transition({
        workoutId: d.workoutId,
        destination: DESTINATION,
        from,
        to: 'synced',
        reason: `our earlier upload is on Strava as activity ${d.activityId} (resolved by listing)`,
        patch: { activityId: d.activityId, code: null },
        data: listed(d.activityId),
      });
    } else if (d.action === 'duplicate') {
      const moved = await deps.store.transition({
        workoutId: d.workoutId,
        destination: DESTINATION,
        from,
        to: 'duplicate',
        reason: d.reason,
        patch: { activityId: d.activityId, code: 'matched_existing' },
        data: listed(d.activityId),
      });
      if (moved) tally.duplicates++;
    } else if (d.action === 'skip') {
      const moved = await deps.store.transition({
        workoutId: d.workoutId,
        destination: DESTINATION,
        from,
        to: 'skipped',
        reason: d.reason,
        patch: { code: 'rule' },
      });
      if (moved) tally.skipped++;
    } else if (d.action === 'hold') {
      tally.held++;
    } else {
      if (tally.retryAt || tally.stoppedBy) continue;
      await uploadOne(deps, destination, record, d.reason, tally, signal);
    }
    onEach?.();
  }
}

async function uploadOne(
  deps: EngineDeps,
  destination: Destination,
  record: PendingRecord,
  reason: string,
  tally: WindowTally,
  signal?: AbortSignal,
): Promise<void> {
  const { store } = deps;
  const stored = await store.getWorkout(record.workoutId);
  if (!stored) return;
  const workout = stored.workout;
  const sport = deps.sportFor(workout);
  let bytes: Uint8Array | null = null;
  const manual = workout.samples.t.length === 0;
  if (!manual) {
    try {
      bytes = await deps.encode(workout);
    } catch (err) {
      await store.transition({
        workoutId: record.workoutId,
        destination: DESTINATION,
        from: [record.state],
        to: 'failed',
        reason: `convert_failed: ${(err as Error).message}`,
        patch: { code: 'convert_failed', lastError: (err as Error).message },
      });
      tally.failed++;
      return;
    }
  }
  // Claim the record before sending: only one worker wins this transition.
  const claimed = await store.transition({
    workoutId: record.workoutId,
    destination: DESTINATION,
    from: [record.state],
    to: 'uploading',
    reason: `plan: upload (${reason}) as ${sport.sportType}${manual ? ' (manual activity: no samples)' : ''}`,
    patch: { attempts: record.attempts + 1, uploadId: null },
  });
  // Another worker claimed it since the plan (the daemon's queue beside a dashboard backfill):
  // held, so a run that can wait sees its outcome instead of ending with it in flight.
  if (!claimed) {
    tally.held++;
    return;
  }
  const hide = await hiddenFromHome(deps, workout);
  await sendingHere(record.workoutId, async () => {
    try {
      if (manual) {
        const { activityId } = await destination.createManual(
          {
            externalId: record.externalId,
            name: uploadName(workout),
            sportType: sport.sportType,
            trainer: sport.trainer,
            startTimeLocal: localIso(workout.startTime, workout.utcOffsetSeconds),
            elapsedSeconds: workout.elapsedSeconds,
            distanceMeters: workout.totals.distanceMeters,
            description: 'Synced by bandsync (summary only: the source kept no samples)',
          },
          signal,
        );
        await store.transition({
          workoutId: record.workoutId,
          destination: DESTINATION,
          from: ['uploading'],
          to: 'synced',
          reason: 'manual activity created',
          patch: { activityId },
        });
        tally.uploaded++;
        return;
      }
      const status = await destination.upload(
        {
          bytes: bytes!,
          format: 'fit',
          externalId: record.externalId,
          name: uploadName(workout),
          sportType: sport.sportType,
          trainer: sport.trainer,
          hideFromHome: hide,
          description: `Recorded by ${workout.device.name}; synced by bandsync`,
        },
        signal,
      );
      await applyUploadStatus(deps, record.workoutId, status, 'uploading', tally);
    } catch (err) {
      // Stopped mid-request: the record stays 'uploading' (it may have reached Strava); the next start lists first.
      if (signal?.aborted) throw err;
      await onUploadError(deps, record, toBandsyncError(err), tally);
    }
  });
}

export async function applyUploadStatus(
  deps: EngineDeps,
  workoutId: string,
  status: UploadStatus,
  from: SyncState,
  tally: WindowTally,
): Promise<void> {
  const t = (to: SyncState, reason: string, patch: Record<string, unknown> = {}) =>
    deps.store.transition({ workoutId, destination: DESTINATION, from: [from], to, reason, patch });
  if (status.kind === 'processing') {
    await t('processing', `Strava accepted upload ${status.uploadId}; processing`, { uploadId: status.uploadId });
    tally.uploaded++;
  } else if (status.kind === 'ready') {
    await t('synced', `Strava activity ${status.activityId} is ready`, {
      uploadId: status.uploadId,
      activityId: status.activityId,
    });
    if (from === 'uploading') tally.uploaded++;
  } else if (status.kind === 'duplicate') {
    // Strava's "duplicate of activity" is a success: the workout is there.
    await t('duplicate', `Strava: ${status.message}`, {
      uploadId: status.uploadId,
      activityId: status.activityId,
      code: 'strava_duplicate',
    });
    tally.duplicates++;
  } else {
    await t('failed', `strava_upload_rejected: ${status.message}`, {
      uploadId: status.uploadId,
      code: 'strava_upload_rejected',
      lastError: status.message,
    });
    tally.failed++;
  }
}

async function onUploadError(
  deps: EngineDeps,
  record: PendingRecord,
  e: BandsyncError,
  tally: WindowTally,
): Promise<void> {
  const rule = ruleFor(e.code);
  const back = (to: SyncState, reason: string, patch: Record<string, unknown>) =>
    deps.store.transition({
      workoutId: record.workoutId,
      destination: DESTINATION,
      from: ['uploading'],
      to,
      reason,
      patch,
    });
  if (e.code === 'strava_rate_limited') {
    // Refused before anything reached Strava (budget) or by a 429: nothing was created.
    await back(record.state, `rate limit: waiting until ${e.retryAt}`, {
      attempts: record.attempts,
      nextAttemptAt: e.retryAt ?? null,
    });
    tally.retryAt = e.retryAt ?? new Date(deps.clock.now().getTime() + 60_000).toISOString();
    return;
  }
  if (rule.scope === 'destination' && rule.needsUser) {
    await back(record.state, `${e.code}: ${rule.explain}`, { attempts: record.attempts });
    tally.stoppedBy = e.code;
    return;
  }
  const attempts = record.attempts + 1;
  if (rule.retry === 'never' || attempts >= MAX_ATTEMPTS) {
    await back('failed', `${e.code}: ${e.message}`, { code: e.code, lastError: e.message });
    tally.failed++;
    return;
  }
  // The request may or may not have reached Strava (timeout, 5xx): stay in
  // 'uploading' so the next run resolves it by listing before any resend.
  const next = new Date(deps.clock.now().getTime() + backoffSeconds(attempts, deps.random) * 1000).toISOString();
  await back('uploading', `${e.code}: ${e.message}; will check the listing, then retry`, {
    code: e.code,
    lastError: e.message,
    nextAttemptAt: next,
  });
  tally.held++;
}

function localIso(startUtc: string, offsetSeconds: number): string {
  return new Date(Date.parse(startUtc) + offsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
}
