// Sport families: sports that one platform may call differently (a treadmill
// run exported as "running" elsewhere) share a family, so duplicate matching
// and fingerprints do not depend on how exactly a source named the sport.
import type { Sport } from './types.js';

export type SportFamily = 'run' | 'walk' | 'ride' | 'swim' | 'row' | 'other';

const FAMILY: Record<Sport, SportFamily> = {
  running: 'run',
  treadmill: 'run',
  trail_running: 'run',
  walking: 'walk',
  indoor_walking: 'walk',
  hiking: 'walk',
  cycling: 'ride',
  indoor_cycling: 'ride',
  mountain_biking: 'ride',
  pool_swimming: 'swim',
  open_water_swimming: 'swim',
  rowing: 'row',
  indoor_rowing: 'row',
  elliptical: 'other',
  strength: 'other',
  yoga: 'other',
  hiit: 'other',
  jump_rope: 'other',
  climbing: 'other',
  skiing: 'other',
  snowboarding: 'other',
  skating: 'other',
  dance: 'other',
  other: 'other',
};

export function sportFamily(sport: Sport): SportFamily {
  return FAMILY[sport];
}

export const INDOOR_SPORTS: ReadonlySet<Sport> = new Set<Sport>([
  'treadmill',
  'indoor_walking',
  'indoor_cycling',
  'pool_swimming',
  'elliptical',
  'indoor_rowing',
  'strength',
  'yoga',
  'hiit',
  'jump_rope',
  'dance',
]);
