// Our Sport → Strava sport_type (values from the SportType enum of Strava's
// OpenAPI spec, samples/strava/swagger/strava_openapi_bundled.json) and the
// trainer flag Strava uses for stationary work.
import type { Sport } from '../core/index.js';

/** Every SportType value in the spec (56); used to validate user overrides. */
export const STRAVA_SPORT_TYPES = [
  'AlpineSki',
  'BackcountrySki',
  'Badminton',
  'Basketball',
  'Canoeing',
  'Cricket',
  'Crossfit',
  'Dance',
  'EBikeRide',
  'Elliptical',
  'EMountainBikeRide',
  'Golf',
  'GravelRide',
  'Handcycle',
  'HighIntensityIntervalTraining',
  'Hike',
  'IceSkate',
  'InlineSkate',
  'Kayaking',
  'Kitesurf',
  'MountainBikeRide',
  'NordicSki',
  'Padel',
  'PhysicalTherapy',
  'Pickleball',
  'Pilates',
  'Racquetball',
  'Ride',
  'RockClimbing',
  'RollerSki',
  'Rowing',
  'Run',
  'Sail',
  'Skateboard',
  'Snowboard',
  'Snowshoe',
  'Soccer',
  'Squash',
  'StairStepper',
  'StandUpPaddling',
  'Surfing',
  'Swim',
  'TableTennis',
  'Tennis',
  'TrailRun',
  'Velomobile',
  'VirtualRide',
  'VirtualRow',
  'VirtualRun',
  'Volleyball',
  'Walk',
  'WeightTraining',
  'Wheelchair',
  'Windsurf',
  'Workout',
  'Yoga',
] as const;

export type StravaSportType = (typeof STRAVA_SPORT_TYPES)[number];

const VALID: ReadonlySet<string> = new Set(STRAVA_SPORT_TYPES);

export function isStravaSportType(value: string): value is StravaSportType {
  return VALID.has(value);
}

interface Mapping {
  readonly sportType: StravaSportType;
  readonly trainer: boolean;
}

// Indoor variants keep the outdoor sport type with trainer=1, as Strava's
// own apps do for treadmill runs; VirtualRun/VirtualRide are reserved for
// virtual-world apps (Zwift...), which a band is not.
const MAP: Record<Sport, Mapping> = {
  running: { sportType: 'Run', trainer: false },
  treadmill: { sportType: 'Run', trainer: true },
  trail_running: { sportType: 'TrailRun', trainer: false },
  walking: { sportType: 'Walk', trainer: false },
  indoor_walking: { sportType: 'Walk', trainer: true },
  hiking: { sportType: 'Hike', trainer: false },
  cycling: { sportType: 'Ride', trainer: false },
  indoor_cycling: { sportType: 'Ride', trainer: true },
  mountain_biking: { sportType: 'MountainBikeRide', trainer: false },
  pool_swimming: { sportType: 'Swim', trainer: false },
  open_water_swimming: { sportType: 'Swim', trainer: false },
  elliptical: { sportType: 'Elliptical', trainer: true },
  rowing: { sportType: 'Rowing', trainer: false },
  indoor_rowing: { sportType: 'Rowing', trainer: true },
  strength: { sportType: 'WeightTraining', trainer: true },
  yoga: { sportType: 'Yoga', trainer: true },
  hiit: { sportType: 'HighIntensityIntervalTraining', trainer: true },
  jump_rope: { sportType: 'Workout', trainer: true },
  climbing: { sportType: 'RockClimbing', trainer: false },
  skiing: { sportType: 'AlpineSki', trainer: false },
  snowboarding: { sportType: 'Snowboard', trainer: false },
  skating: { sportType: 'InlineSkate', trainer: false },
  dance: { sportType: 'Dance', trainer: true },
  other: { sportType: 'Workout', trainer: false },
};

/** Strava sport_type and trainer flag for one of our sports; `override` (a valid SportType from user rules) wins. */
export function toStravaSport(sport: Sport, override?: string): Mapping {
  const base = MAP[sport] ?? MAP.other;
  if (override !== undefined) {
    if (!isStravaSportType(override))
      throw new Error(`"${override}" is not a Strava sport_type (see STRAVA_SPORT_TYPES)`);
    return { sportType: override, trainer: base.trainer };
  }
  return base;
}
