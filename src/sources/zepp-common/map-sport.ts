// Zepp sport code (+ device) → our Sport and a Strava sport_type. Unknown codes
// fall back to a generic Workout and say so (`known: false`) so the caller can
// report them instead of guessing (F7).
import type { Sport } from '../../core/workout/types.js';
import { BY_DEVICE, ZEPP_SPORT_CODES, type SportCodeRow } from './sport-codes.js';

export interface MappedSport {
  readonly sport: Sport;
  readonly stravaSportType: string;
  readonly known: boolean;
  /** How sure the table is (absent for unknown codes). */
  readonly evidence?: SportCodeRow['evidence'];
}

export function mapZeppSport(code: number | string, device?: string): MappedSport {
  const key = String(code).trim();
  const byDevice = BY_DEVICE[key];
  if (byDevice) {
    const name = (device ?? '').toLowerCase();
    const match =
      Object.entries(byDevice).find(([needle]) => needle !== '' && name.includes(needle)) ??
      Object.entries(byDevice).find(([needle]) => needle === '');
    if (match)
      return {
        sport: match[1].sport,
        stravaSportType: match[1].stravaSportType,
        known: true,
        evidence: match[1].evidence,
      };
  }
  const hit = ZEPP_SPORT_CODES[key];
  if (hit) return { sport: hit.sport, stravaSportType: hit.stravaSportType, known: true, evidence: hit.evidence };
  return { sport: 'other', stravaSportType: 'Workout', known: false };
}
