// Gadgetbridge's own ActivityKind codes (model/ActivityKind.java; not Huami's
// sport codes) → our Sport. Legacy kinds are bit flags; kinds added since 2024
// count up from 0x04000000. Anything else becomes "other", reported.
import type { Sport } from '../../core/workout/types.js';

export const GADGETBRIDGE_KINDS: Readonly<Record<number, Sport>> = {
  0x00000010: 'running',
  0x00000020: 'walking',
  0x00000040: 'pool_swimming', // SWIMMING: Huami bands record pool swims under it
  0x00000080: 'cycling',
  0x00000100: 'treadmill',
  0x00000200: 'other', // EXERCISE (free training)
  0x00000400: 'open_water_swimming',
  0x00000800: 'indoor_cycling',
  0x00001000: 'elliptical',
  0x00002000: 'jump_rope',
  0x00004000: 'yoga',
  0x00010000: 'indoor_rowing', // ROWING_MACHINE
  0x00200000: 'strength',
  0x00400000: 'hiking',
  0x00800000: 'climbing',
  0x04000003: 'cycling', // E_BIKE
  0x04000004: 'cycling', // BIKE_COMMUTE
  0x0400000a: 'pool_swimming',
  0x04000012: 'indoor_walking',
  0x04000013: 'skiing', // XC_CLASSIC_SKI
  0x04000014: 'skiing',
  0x04000015: 'snowboarding',
  0x04000016: 'rowing',
  0x04000017: 'hiking', // MOUNTAINEERING
  0x04000025: 'skating', // INLINE_SKATING
  0x04000026: 'climbing', // ROCK_CLIMBING
  0x04000027: 'climbing', // CLIMB_INDOOR
  0x04000028: 'climbing', // BOULDERING
  0x0400002c: 'skating', // ICE_SKATING
  0x04000045: 'hiit',
  0x0400005c: 'dance',
  0x04000067: 'trail_running', // CROSS_COUNTRY_RUNNING
  0x04000087: 'skating', // ROLLER_SKATING
  0x040000a4: 'skating',
  0x040000a8: 'skiing', // CROSS_COUNTRY_SKIING
  0x040000b0: 'treadmill', // INDOOR_RUNNING
  0x040000b1: 'running', // OUTDOOR_RUNNING
  0x040000b2: 'walking', // OUTDOOR_WALKING
  0x040000b3: 'cycling', // OUTDOOR_CYCLING
  0x040000cc: 'skating', // INDOOR_ICE_SKATING
  0x040000e2: 'hiking', // MOUNTAIN_HIKE
};

export function mapActivityKind(code: number): { sport: Sport; known: boolean } {
  const sport = GADGETBRIDGE_KINDS[code];
  return sport ? { sport, known: true } : { sport: 'other', known: false };
}
