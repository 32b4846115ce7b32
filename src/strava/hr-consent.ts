// Strava silently drops heart rate when the athlete has not consented to
// health-data use; the listing's has_heartrate then says false for an
// activity we sent HR for. Detecting it lets the engine ask the user.
import { BandsyncError } from '../sync/failures.js';
import type { RemoteActivity } from '../sync/ports.js';

/** Null when all is well; a strava_hr_consent error to surface as needs_user otherwise. */
export function checkHeartRate(remote: RemoteActivity, sentHr: boolean): BandsyncError | null {
  if (!sentHr || remote.hasHeartrate !== false) return null;
  return new BandsyncError(
    'strava_hr_consent',
    `Strava activity ${remote.id} has no heart rate although the uploaded file had it. In Strava: Settings → Privacy Controls → allow health data (heart rate) for uploads, then run: bandsync retry.`,
  );
}
