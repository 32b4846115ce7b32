// Our Sport → Strava sport_type (values from the SportType enum of Strava's
// OpenAPI spec, samples/strava/swagger/strava_openapi_bundled.json) and the
// trainer flag Strava uses for stationary work.
import type { Sport } from '../core/workout/types.js';
import { isStravaSportType, type StravaSportType } from '../sync/strava-sport-types.js';

export { STRAVA_SPORT_TYPES, isStravaSportType, type StravaSportType } from '../sync/strava-sport-types.js';

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
