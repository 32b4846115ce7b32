// Zepp / Huami sport `type` codes (history.json and the export's SPORT.csv use
// the same numbers). There is no official table: the evidence column says how
// sure each row is (notes/zepp-sources.md §1.6). Codes that mean different
// sports on different watch models are listed in BY_DEVICE.
import type { Sport } from '../../core/workout/types.js';

export interface SportCodeRow {
  readonly sport: Sport;
  readonly stravaSportType: string;
  /**
   * verified: a real payload or a project that checked it; two-projects: two
   * public decoders agree; weak: one project inferred it; assumed: no public
   * evidence found (the simulator uses it; users override it with a rule).
   */
  readonly evidence: 'verified' | 'two-projects' | 'weak' | 'assumed';
}

const row = (sport: Sport, stravaSportType: string, evidence: SportCodeRow['evidence']): SportCodeRow => ({
  sport,
  stravaSportType,
  evidence,
});

export const ZEPP_SPORT_CODES: Readonly<Record<string, SportCodeRow>> = {
  '1': row('running', 'Run', 'verified'), // run fixture
  '6': row('walking', 'Walk', 'verified'), // walk fixture
  '7': row('trail_running', 'TrailRun', 'assumed'),
  '8': row('treadmill', 'Run', 'two-projects'), // Strava: Run + trainer flag
  '9': row('cycling', 'Ride', 'verified'),
  '10': row('indoor_cycling', 'Ride', 'two-projects'), // Ride + trainer flag
  '12': row('elliptical', 'Elliptical', 'assumed'),
  '13': row('walking', 'Walk', 'weak'),
  '14': row('pool_swimming', 'Swim', 'verified'), // swim fixture (25 m pool)
  '15': row('open_water_swimming', 'Swim', 'assumed'),
  '16': row('other', 'Workout', 'two-projects'), // "free training"
  '22': row('hiking', 'Hike', 'weak'),
  '23': row('indoor_rowing', 'Rowing', 'two-projects'),
  '52': row('strength', 'WeightTraining', 'assumed'),
  '60': row('yoga', 'Yoga', 'assumed'),
  '92': row('other', 'Badminton', 'two-projects'),
  '192': row('running', 'Run', 'weak'), // new-firmware running
  '223': row('other', 'Workout', 'verified'), // "AI activity": HR + calories only
};

/**
 * Codes whose meaning depends on the watch (dreeveapp/dreeve#2593: 17 is
 * hiking on some models and tennis on the Balance 2). Keys are lower-case
 * substrings of the device name.
 */
export const BY_DEVICE: Readonly<Record<string, Readonly<Record<string, SportCodeRow>>>> = {
  '17': {
    balance: row('other', 'Tennis', 'weak'),
    '': row('hiking', 'Hike', 'weak'),
  },
};
