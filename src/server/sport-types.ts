// Strava's sport_type values (notes/strava-api.md §sport_type, from the 2025-11
// swagger), for the remap and sport-rule selects.
export const STRAVA_SPORT_TYPES = [
  'AlpineSki', 'BackcountrySki', 'Badminton', 'Basketball', 'Canoeing', 'Cricket', 'Crossfit', 'Dance', 'EBikeRide',
  'Elliptical', 'EMountainBikeRide', 'Golf', 'GravelRide', 'Handcycle', 'HighIntensityIntervalTraining', 'Hike',
  'IceSkate', 'InlineSkate', 'Kayaking', 'Kitesurf', 'MountainBikeRide', 'NordicSki', 'Padel', 'PhysicalTherapy',
  'Pickleball', 'Pilates', 'Racquetball', 'Ride', 'RockClimbing', 'RollerSki', 'Rowing', 'Run', 'Sail', 'Skateboard',
  'Snowboard', 'Snowshoe', 'Soccer', 'Squash', 'StairStepper', 'StandUpPaddling', 'Surfing', 'Swim', 'TableTennis',
  'Tennis', 'TrailRun', 'Velomobile', 'VirtualRide', 'VirtualRow', 'VirtualRun', 'Volleyball', 'Walk', 'WeightTraining',
  'Wheelchair', 'Windsurf', 'Workout', 'Yoga',
] as const;

export function isStravaSportType(value: string): boolean {
  return (STRAVA_SPORT_TYPES as readonly string[]).includes(value);
}
