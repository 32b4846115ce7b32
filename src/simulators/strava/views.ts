// JSON bodies shaped like Strava's (Upload, SummaryActivity, DetailedActivity, Fault).
import { ATHLETE, type SimActivity, type SimUpload } from './state.js';

export function fault(message: string, resource: string, field: string, code: string) {
  return { message, errors: [{ resource, field, code }] };
}

export function uploadJson(u: SimUpload) {
  return {
    id: u.uploadId,
    id_str: String(u.uploadId),
    external_id: u.storedExternalId,
    error: u.error,
    status: u.status,
    activity_id: u.activityId,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function timezoneLabel(offsetS: number): string {
  const sign = offsetS < 0 ? '-' : '+';
  const abs = Math.abs(offsetS);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `(GMT${sign}${hh}:${mm}) Etc/Simulated`;
}

const LEGACY_TYPE: Record<string, string> = {
  TrailRun: 'Run',
  MountainBikeRide: 'Ride',
  GravelRide: 'Ride',
  EMountainBikeRide: 'EBikeRide',
  HighIntensityIntervalTraining: 'Workout',
  Dance: 'Workout',
  Pilates: 'Workout',
};

export function summaryJson(a: SimActivity) {
  return {
    resource_state: 2,
    athlete: { id: a.athleteId, resource_state: 1 },
    name: a.name,
    distance: a.distanceMeters,
    moving_time: a.movingSeconds,
    elapsed_time: a.elapsedSeconds,
    total_elevation_gain: a.elevationGainMeters,
    type: LEGACY_TYPE[a.sportType] ?? a.sportType,
    sport_type: a.sportType,
    workout_type: null,
    id: a.id,
    start_date: iso(a.startMs),
    // Strava writes local wall-clock time with a "Z" too.
    start_date_local: iso(a.startMs + a.utcOffsetSeconds * 1000),
    timezone: timezoneLabel(a.utcOffsetSeconds),
    utc_offset: a.utcOffsetSeconds,
    location_city: null,
    location_state: null,
    location_country: ATHLETE.country,
    achievement_count: 0,
    kudos_count: 0,
    comment_count: 0,
    athlete_count: 1,
    photo_count: 0,
    map: { id: `a${a.id}`, summary_polyline: '', resource_state: 2 },
    trainer: a.trainer,
    commute: a.commute,
    manual: a.manual,
    private: false,
    visibility: 'everyone',
    flagged: false,
    gear_id: a.gearId,
    start_latlng: [],
    end_latlng: [],
    average_speed: a.movingSeconds > 0 ? Math.round((a.distanceMeters / a.movingSeconds) * 1000) / 1000 : 0,
    max_speed: 0,
    has_heartrate: a.hasHeartrate,
    ...(a.hasHeartrate ? { average_heartrate: a.averageHeartrate, max_heartrate: a.maxHeartrate } : {}),
    heartrate_opt_out: false,
    display_hide_heartrate_option: a.hasHeartrate,
    upload_id: a.uploadId,
    upload_id_str: a.uploadId === null ? null : String(a.uploadId),
    external_id: a.externalId,
    from_accepted_tag: false,
    pr_count: 0,
    total_photo_count: 0,
    has_kudoed: false,
    hide_from_home: a.hideFromHome,
    device_name: a.deviceName,
  };
}

export function detailedJson(a: SimActivity) {
  return {
    ...summaryJson(a),
    resource_state: 3,
    description: a.description,
    calories: a.calories ?? Math.round(a.elapsedSeconds / 10),
    segment_efforts: [],
    splits_metric: [],
    laps: [],
    photos: { primary: null, count: 0 },
    embed_token: 'sim',
  };
}
