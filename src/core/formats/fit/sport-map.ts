// Our Sport ⇄ FIT sport/sub_sport (the SDK's camelCase names). Strava derives
// its sport_type from these, so each of our sports maps to the pair a Garmin
// device would write for it.
import type { Sport } from '../../workout/types.js';

export interface FitSport {
  readonly sport: string;
  readonly subSport: string;
}

const TO_FIT: Record<Sport, FitSport> = {
  running: { sport: 'running', subSport: 'generic' },
  treadmill: { sport: 'running', subSport: 'treadmill' },
  trail_running: { sport: 'running', subSport: 'trail' },
  walking: { sport: 'walking', subSport: 'generic' },
  indoor_walking: { sport: 'walking', subSport: 'indoorWalking' },
  hiking: { sport: 'hiking', subSport: 'generic' },
  cycling: { sport: 'cycling', subSport: 'generic' },
  indoor_cycling: { sport: 'cycling', subSport: 'indoorCycling' },
  mountain_biking: { sport: 'cycling', subSport: 'mountain' },
  pool_swimming: { sport: 'swimming', subSport: 'lapSwimming' },
  open_water_swimming: { sport: 'swimming', subSport: 'openWater' },
  elliptical: { sport: 'fitnessEquipment', subSport: 'elliptical' },
  rowing: { sport: 'rowing', subSport: 'generic' },
  indoor_rowing: { sport: 'fitnessEquipment', subSport: 'indoorRowing' },
  strength: { sport: 'training', subSport: 'strengthTraining' },
  yoga: { sport: 'training', subSport: 'yoga' },
  hiit: { sport: 'hiit', subSport: 'generic' },
  jump_rope: { sport: 'jumpRope', subSport: 'generic' },
  climbing: { sport: 'rockClimbing', subSport: 'generic' },
  skiing: { sport: 'alpineSkiing', subSport: 'generic' },
  snowboarding: { sport: 'snowboarding', subSport: 'generic' },
  skating: { sport: 'inlineSkating', subSport: 'generic' },
  dance: { sport: 'dance', subSport: 'generic' },
  other: { sport: 'generic', subSport: 'generic' },
};

export function toFitSport(sport: Sport): FitSport {
  return TO_FIT[sport];
}

const BY_PAIR = new Map<string, Sport>();
for (const [ours, fit] of Object.entries(TO_FIT) as [Sport, FitSport][])
  BY_PAIR.set(`${fit.sport}/${fit.subSport}`, ours);

const BY_SPORT: Record<string, Sport> = {
  running: 'running',
  walking: 'walking',
  hiking: 'hiking',
  cycling: 'cycling',
  swimming: 'pool_swimming',
  rowing: 'rowing',
  training: 'strength',
  hiit: 'hiit',
  jumpRope: 'jump_rope',
  rockClimbing: 'climbing',
  alpineSkiing: 'skiing',
  crossCountrySkiing: 'skiing',
  snowboarding: 'snowboarding',
  inlineSkating: 'skating',
  iceSkating: 'skating',
  dance: 'dance',
  eBiking: 'cycling',
  fitnessEquipment: 'other',
  mountaineering: 'hiking',
};

const BY_SUB: Record<string, Sport> = {
  treadmill: 'treadmill',
  indoorRunning: 'treadmill',
  trail: 'trail_running',
  indoorWalking: 'indoor_walking',
  indoorCycling: 'indoor_cycling',
  spin: 'indoor_cycling',
  mountain: 'mountain_biking',
  lapSwimming: 'pool_swimming',
  openWater: 'open_water_swimming',
  elliptical: 'elliptical',
  indoorRowing: 'indoor_rowing',
  strengthTraining: 'strength',
  yoga: 'yoga',
  hiit: 'hiit',
};

/** FIT sport/sub_sport (strings or numbers as the SDK gives them) → our Sport. */
export function fromFitSport(sport: unknown, subSport: unknown): Sport {
  const s = typeof sport === 'string' ? sport : 'generic';
  const sub = typeof subSport === 'string' ? subSport : 'generic';
  return BY_PAIR.get(`${s}/${sub}`) ?? BY_SUB[sub] ?? BY_SPORT[s] ?? 'other';
}
