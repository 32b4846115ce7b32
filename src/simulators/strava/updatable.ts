// PUT /api/v3/activities/{id}: Strava's UpdatableActivity (swagger, notes §3.2)
// applied to a simulated activity. Only the eight documented fields change
// anything; others (visibility, private, distance…) are ignored as on Strava.
import { truthy } from './params.js';
import type { SimActivity } from './state.js';

/** The SportType and ActivityType enums of strava_openapi_bundled.json (2026-04). */
const SPORT_TYPES = new Set(
  (
    'AlpineSki BackcountrySki Badminton Basketball Canoeing Cricket Crossfit Dance EBikeRide Elliptical ' +
    'EMountainBikeRide Golf GravelRide Handcycle HighIntensityIntervalTraining Hike IceSkate InlineSkate Kayaking ' +
    'Kitesurf MountainBikeRide NordicSki Padel PhysicalTherapy Pickleball Pilates Racquetball Ride RockClimbing ' +
    'RollerSki Rowing Run Sail Skateboard Snowboard Snowshoe Soccer Squash StairStepper StandUpPaddling Surfing ' +
    'Swim TableTennis Tennis TrailRun Velomobile VirtualRide VirtualRow VirtualRun Volleyball Walk WeightTraining ' +
    'Wheelchair Windsurf Workout Yoga'
  ).split(' '),
);
const ACTIVITY_TYPES = new Set(
  (
    'AlpineSki BackcountrySki Canoeing Crossfit EBikeRide Elliptical Golf Handcycle Hike IceSkate InlineSkate ' +
    'Kayaking Kitesurf NordicSki Ride RockClimbing RollerSki Rowing Run Sail Skateboard Snowboard Snowshoe Soccer ' +
    'StairStepper StandUpPaddling Surfing Swim Velomobile VirtualRide VirtualRun Walk WeightTraining Wheelchair ' +
    'Windsurf Workout Yoga'
  ).split(' '),
);

/** The field that is invalid, or null once the update is applied (nothing changes when a field is invalid). */
export function applyUpdate(act: SimActivity, p: Record<string, string>): string | null {
  // `type` is deprecated and ignored when sport_type is also present.
  const sportType = p.sport_type ?? p.type;
  if (p.sport_type !== undefined && !SPORT_TYPES.has(p.sport_type)) return 'sport_type';
  if (p.sport_type === undefined && p.type !== undefined && !ACTIVITY_TYPES.has(p.type)) return 'type';
  if (sportType !== undefined) act.sportType = sportType;
  if (p.name !== undefined && p.name !== '') act.name = p.name;
  if (p.description !== undefined) act.description = p.description;
  if (p.trainer !== undefined) act.trainer = truthy(p.trainer);
  if (p.commute !== undefined) act.commute = truthy(p.commute);
  if (p.hide_from_home !== undefined) act.hideFromHome = truthy(p.hide_from_home);
  if (p.gear_id !== undefined) act.gearId = p.gear_id === 'none' ? null : p.gear_id;
  return null;
}
