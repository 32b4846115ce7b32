// Free-text sport names (GPX <type>, TCX Sport, Strava type strings) → Sport.
import type { Sport } from '../workout/types.js';

const WORDS: [RegExp, Sport][] = [
  [/treadmill|indoor.?run/i, 'treadmill'],
  [/trail/i, 'trail_running'],
  [/run/i, 'running'],
  [/indoor.?(cycl|bik|ride)|spin|virtual.?ride/i, 'indoor_cycling'],
  [/mountain|mtb/i, 'mountain_biking'],
  [/cycl|bik|ride/i, 'cycling'],
  [/indoor.?walk/i, 'indoor_walking'],
  [/walk/i, 'walking'],
  [/hik/i, 'hiking'],
  [/open.?water/i, 'open_water_swimming'],
  [/swim/i, 'pool_swimming'],
  [/indoor.?row/i, 'indoor_rowing'],
  [/row/i, 'rowing'],
  [/ellip/i, 'elliptical'],
  [/yoga/i, 'yoga'],
  [/strength|weight/i, 'strength'],
  [/ski/i, 'skiing'],
];

export function sportFromName(name: string | undefined): Sport {
  if (!name) return 'other';
  for (const [re, sport] of WORDS) if (re.test(name)) return sport;
  return 'other';
}
