// Sport families: sports that one platform may call differently (a treadmill
// run exported as "running" elsewhere) share a family, so duplicate matching
// and fingerprints do not depend on how exactly a source named the sport.
import type { Sport } from './types.js';

export type SportFamily = 'run' | 'walk' | 'ride' | 'swim' | 'row' | 'other';

/** Every sport, in the order lists show them (the dashboard's filter, stored-workout checks). */
export const SPORTS = [
  'running',
  'treadmill',
  'trail_running',
  'walking',
  'indoor_walking',
  'hiking',
  'cycling',
  'indoor_cycling',
  'mountain_biking',
  'pool_swimming',
  'open_water_swimming',
  'elliptical',
  'rowing',
  'indoor_rowing',
  'strength',
  'yoga',
  'hiit',
  'jump_rope',
  'climbing',
  'skiing',
  'snowboarding',
  'skating',
  'dance',
  'other',
] as const satisfies readonly Sport[];
// Fails to compile when a sport is added to the model but not to the list.
export type AllSportsListed = Sport extends (typeof SPORTS)[number] ? true : never;
const _allSportsListed: AllSportsListed = true;
void _allSportsListed;

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
