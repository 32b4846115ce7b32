// Strava's rate windows: quarter hours starting at :00/:15/:30/:45 UTC and the
// UTC day. Kept here because adapters may not import each other (lint).
const QUARTER_MS = 15 * 60_000;
export const DAY_MS = 24 * 60 * 60_000;

/** End of the 15-minute window containing `now`. */
export function quarterEnd(now: Date): Date {
  return new Date(Math.floor(now.getTime() / QUARTER_MS) * QUARTER_MS + QUARTER_MS);
}

/** The next UTC midnight after `now`. */
export function dayEnd(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
}
