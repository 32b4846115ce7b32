// Sport mapping (notes §5): the envelope's `key` (or `category`) string first,
// as the app's FitnessPersistKey names it, then the numeric `sport_type`
// (decompiled FitnessSportType constants; where Gadgetbridge reads 1–5/15
// differently, the key decides). Unknown codes fall back to 'other' and the
// caller reports them; user rules then apply to the raw code as for Zepp.
import type { Sport } from '../../core/workout/types.js';

const BY_KEY: Readonly<Record<string, Sport>> = {
  outdoor_running: 'running',
  playground_running: 'running',
  indoor_running: 'treadmill',
  trail_run: 'trail_running',
  race_walking: 'walking',
  outdoor_walking: 'walking',
  indoor_walking: 'indoor_walking',
  walking_machine: 'indoor_walking',
  outdoor_hiking: 'hiking',
  cross_hiking: 'hiking',
  mountaineering: 'hiking',
  outdoor_riding: 'cycling',
  indoor_riding: 'indoor_cycling',
  spinning: 'indoor_cycling',
  bmx: 'cycling',
  pool_swimming: 'pool_swimming',
  open_swimming: 'open_water_swimming',
  rowing_machine: 'indoor_rowing',
  elliptical_trainer: 'elliptical',
  strength_training: 'strength',
  free_training: 'strength',
  high_interval_training: 'hiit',
  yoga: 'yoga',
  pilates: 'yoga',
  rope_skipping: 'jump_rope',
  climb_stairs: 'other',
  stepper: 'other',
  snowboarding: 'snowboarding',
  parallel_skiing: 'skiing',
  backcountry_skiing: 'skiing',
  rock_climbing: 'climbing',
  indoor_rock_climbing: 'climbing',
  outdoor_rock_climbing: 'climbing',
  roller_skating: 'skating',
  ice_skating: 'skating',
};

const BY_SPORT_TYPE: Readonly<Record<number, Sport>> = {
  1: 'running',
  2: 'walking',
  3: 'treadmill',
  4: 'hiking',
  5: 'trail_running',
  6: 'cycling',
  7: 'indoor_cycling',
  8: 'strength',
  9: 'pool_swimming',
  10: 'open_water_swimming',
  11: 'elliptical',
  12: 'yoga',
  13: 'indoor_rowing',
  14: 'jump_rope',
  15: 'hiking',
  16: 'hiit',
  200: 'climbing',
  202: 'skating',
  207: 'walking',
  305: 'yoga',
  308: 'strength',
  313: 'strength',
  324: 'indoor_cycling',
  333: 'indoor_walking',
  700: 'skating',
  708: 'snowboarding',
  709: 'skiing',
  710: 'skiing',
  1000: 'climbing',
  1001: 'climbing',
};

export interface MiSportMapping {
  readonly sport: Sport;
  /** The code rules match on: the key when present, else the sport_type. */
  readonly rawSport: string;
  readonly known: boolean;
}

export function mapMiSport(key: string | undefined, category: string | undefined, sportType: number | undefined) {
  const byKey = key ? BY_KEY[key.toLowerCase()] : undefined;
  if (byKey) return { sport: byKey, rawSport: key!, known: true } satisfies MiSportMapping;
  const byCategory = category ? BY_KEY[category.toLowerCase()] : undefined;
  if (byCategory) return { sport: byCategory, rawSport: category!, known: true } satisfies MiSportMapping;
  const byType = sportType !== undefined ? BY_SPORT_TYPE[sportType] : undefined;
  if (byType) return { sport: byType, rawSport: String(sportType), known: true } satisfies MiSportMapping;
  const raw = key ?? category ?? (sportType !== undefined ? String(sportType) : 'unknown');
  return { sport: 'other', rawSport: raw, known: false } satisfies MiSportMapping;
}
