// SummaryActivity (GET /athlete/activities) → the engine's RemoteActivity.
import type { RemoteActivity } from '../sync/ports.js';

export interface StravaSummaryActivity {
  id: number | string;
  external_id?: string | null;
  upload_id?: number | string | null;
  upload_id_str?: string | null;
  start_date: string;
  elapsed_time: number;
  moving_time?: number;
  distance?: number;
  total_elevation_gain?: number | null;
  sport_type?: string;
  type?: string;
  has_heartrate?: boolean;
  average_heartrate?: number | null;
  name?: string;
}

export function toRemoteActivity(a: StravaSummaryActivity): RemoteActivity {
  const uploadId = a.upload_id_str ?? (a.upload_id !== null && a.upload_id !== undefined ? String(a.upload_id) : null);
  return {
    id: String(a.id),
    externalId: a.external_id ?? null,
    uploadId,
    startTime: new Date(a.start_date).toISOString().replace('.000Z', 'Z'),
    elapsedSeconds: a.elapsed_time,
    ...(a.moving_time !== undefined ? { movingSeconds: a.moving_time } : {}),
    ...(a.distance !== undefined ? { distanceMeters: a.distance } : {}),
    ...(typeof a.total_elevation_gain === 'number' ? { elevationGainMeters: a.total_elevation_gain } : {}),
    sportType: a.sport_type ?? a.type ?? 'Workout',
    ...(a.has_heartrate !== undefined ? { hasHeartrate: a.has_heartrate } : {}),
    ...(typeof a.average_heartrate === 'number' ? { avgHeartRate: a.average_heartrate } : {}),
    ...(a.name !== undefined ? { name: a.name } : {}),
  };
}

/** Strava appends the data type to the external_id it stores ("zepp-1" → "zepp-1.fit"); compare without it. */
export function stripUploadExtension(externalId: string | null): string | null {
  if (externalId === null) return null;
  return externalId.replace(/\.(fit|tcx|gpx)(\.gz)?$/i, '');
}
