// Confirmation: one listing per window resolves a whole batch of uploads
// (Strava lists external_id with the file extension appended). Only what the
// listing cannot resolve costs a GET /uploads/{id}.
import { sameExternalId } from './plan.js';
import type { Destination, RemoteActivity } from './ports.js';
import { DESTINATION, type EngineDeps } from './deps.js';
import { applyUploadStatus, type PendingRecord, type WindowTally } from './upload-window.js';

export async function confirmByListing(
  deps: EngineDeps,
  records: readonly PendingRecord[],
  remote: readonly RemoteActivity[],
  tally: WindowTally,
): Promise<PendingRecord[]> {
  const unresolved: PendingRecord[] = [];
  for (const r of records) {
    const match = remote.find(
      (a) => sameExternalId(a.externalId, r.externalId) || (r.uploadId !== null && a.uploadId === r.uploadId),
    );
    if (!match) {
      unresolved.push(r);
      continue;
    }
    const stored = await deps.store.getWorkout(r.workoutId);
    const sentHr = (stored?.workout.samples.heartRate ?? []).some((v) => v !== null);
    if (sentHr && match.hasHeartrate === false) {
      await deps.store.transition({
        workoutId: r.workoutId,
        destination: DESTINATION,
        from: [r.state],
        to: 'needs_user',
        reason:
          'strava_hr_consent: Strava dropped the heart rate we sent. Allow health data in Strava (Settings → Privacy Controls), then: bandsync retry ' +
          r.workoutId,
        patch: { activityId: match.id, code: 'strava_hr_consent' },
      });
      tally.needsUser++;
      continue;
    }
    // What Strava reports is kept with the decision, so the dashboard can show
    // source vs Strava numbers without another request.
    await deps.store.transition({
      workoutId: r.workoutId,
      destination: DESTINATION,
      from: [r.state],
      to: 'synced',
      reason: `listed on Strava as activity ${match.id}`,
      patch: { activityId: match.id, code: null, lastError: null },
      data: { remote: { ...match } },
    });
  }
  return unresolved;
}

export async function confirmByPolling(
  deps: EngineDeps,
  destination: Destination,
  records: readonly PendingRecord[],
  tally: WindowTally,
): Promise<number> {
  let stillProcessing = 0;
  for (const r of records) {
    if (!r.uploadId) continue;
    const status = await destination.getUpload(r.uploadId);
    if (status.kind === 'processing') {
      stillProcessing++;
      continue;
    }
    await applyUploadStatus(deps, r.workoutId, status, r.state, tally);
  }
  return stillProcessing;
}
