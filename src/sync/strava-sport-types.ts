// Strava's sport_type vocabulary (the SportType enum of Strava's OpenAPI spec,
// samples/strava/swagger/strava_openapi_bundled.json): what a sport rule or a
// re-map may name. Kept with the ports because the dashboard, the use cases
// and the Strava adapter all speak it.
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
