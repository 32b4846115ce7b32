// A content fingerprint that is the same for one workout whatever format or
// source it came through: it uses only what every format keeps exactly
// (start to the minute, elapsed time to the minute, sport family), never
// sample counts or device names, which differ between exports of one workout.
import type { Sport, Workout } from './types.js';
import { sportFamily } from './sport.js';

/** FNV-1a, 64-bit, as hex: small, pure and good enough for equality keys. */
export function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * prime) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

export function computeFingerprint(w: { startTime: string; elapsedSeconds: number; sport: Sport }): string {
  const startMinute = Math.round(Date.parse(w.startTime) / 60_000);
  const elapsedMinute = Math.round(w.elapsedSeconds / 60);
  return fnv1a64(`${startMinute}|${elapsedMinute}|${sportFamily(w.sport)}`);
}

export function withFingerprint(w: Omit<Workout, 'fingerprint'>): Workout {
  return { ...w, fingerprint: computeFingerprint(w) };
}
