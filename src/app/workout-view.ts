// Reading a stored workout for display and export: the file in any format
// (with the device name the user chose), and what Strava reports for it.
import type { FileFormat } from '../core/formats/sniff.js';
import type { AppContext } from './context.js';

/** What Strava reports for the activity a workout became. Null fields: Strava does not say. */
export interface RemoteNumbers {
  readonly activityId: string;
  readonly distanceMeters: number | null;
  readonly movingSeconds: number | null;
  readonly elapsedSeconds: number | null;
  readonly elevationGainMeters: number | null;
  readonly avgHeartRate: number | null;
  readonly calories: number | null;
}

/** The stored workout as a file; the device name is the user's choice, else the config's, else the band's. */
export async function exportWorkout(
  app: Pick<AppContext, 'store' | 'mapping' | 'config'>,
  workoutId: string,
  format: FileFormat,
): Promise<Uint8Array> {
  const stored = await app.store.getWorkout(workoutId);
  if (!stored) throw new Error(`No workout ${workoutId} (see bandsync status or the dashboard)`);
  // The encoders (the FIT SDK, the XML builder) load on the first export, not with the dashboard:
  // their 2 MB of source and the FIT SDK's profile built from it were 5 MB of the idle daemon (issue 17).
  const { encodeWorkout } = await import('../core/formats/codec.js');
  return encodeWorkout(stored.workout, format, { deviceName: app.mapping.deviceName ?? app.config.deviceName });
}

/** What Strava reports for the workout's activity; null when not on Strava (yet). */
export async function remoteNumbers(
  app: Pick<AppContext, 'store' | 'accounts' | 'logger'>,
  workoutId: string,
): Promise<RemoteNumbers | null> {
  // Recorded from the confirming listing (no extra Strava request per page view).
  const entries = await app.store.listLedger({ workoutId, limit: 200 });
  const withRemote = entries.find((e) => e.data && typeof e.data === 'object' && 'remote' in e.data);
  const r = withRemote?.data?.remote as
    | {
        id: string;
        distanceMeters?: number;
        movingSeconds?: number;
        elapsedSeconds?: number;
        elevationGainMeters?: number;
        avgHeartRate?: number;
        calories?: number;
      }
    | undefined;
  if (!r) return null;
  return {
    activityId: r.id,
    distanceMeters: r.distanceMeters ?? null,
    movingSeconds: r.movingSeconds ?? null,
    elapsedSeconds: r.elapsedSeconds ?? null,
    elevationGainMeters: r.elevationGainMeters ?? null,
    avgHeartRate: r.avgHeartRate ?? null,
    calories: r.calories ?? (await stravaCalories(app, r.id)),
  };
}

/**
 * Strava's calories for an activity: only its detail has them, so one read the
 * first time its page is shown, then kept. Unavailable (budget kept for
 * uploads, Strava down) is shown as unknown and asked again next time.
 */
async function stravaCalories(
  app: Pick<AppContext, 'store' | 'accounts' | 'logger'>,
  activityId: string,
): Promise<number | null> {
  const key = `strava-calories:${activityId}`;
  const known = await app.store.getSetting<{ calories: number | null }>(key);
  if (known) return known.calories;
  try {
    const calories = await (await app.accounts.stravaClient()).activityCalories(activityId);
    await app.store.setSetting(key, { calories });
    return calories;
  } catch (err) {
    app.logger.info('Strava calories not available now', { activityId, error: (err as Error).message });
    return null;
  }
}
