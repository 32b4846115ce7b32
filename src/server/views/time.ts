// Times as people read them. A workout's own times are shown in the offset
// it was recorded in (a 07:00 run in Athens reads 07:00 wherever the
// dashboard is opened). Times of the service (next poll, rate-limit reset,
// ledger) are sent as <time> in UTC and rewritten by site.js into the
// browser's zone, so the text without JavaScript is still correct.
import { html, type Html } from './html.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The wall clock at the workout's place: a Date whose UTC fields are the local ones. */
function wallClock(iso: string, offsetSeconds: number): Date | null {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms + offsetSeconds * 1000) : null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "UTC+2", "UTC−3:30", "UTC". */
export function utcOffsetLabel(offsetSeconds: number): string {
  if (!offsetSeconds) return 'UTC';
  const abs = Math.abs(Math.round(offsetSeconds / 60));
  const sign = offsetSeconds < 0 ? '−' : '+';
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
}

/** "Sun 23 Nov 2026" in the workout's own time zone. */
export function workoutDate(iso: string, offsetSeconds: number): string {
  const d = wallClock(iso, offsetSeconds);
  if (!d) return '—';
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "07:04" in the workout's own time zone. */
export function workoutClock(iso: string, offsetSeconds: number): string {
  const d = wallClock(iso, offsetSeconds);
  return d ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : '—';
}

/** "Sun 23 Nov 2026, 07:04". */
export function workoutDateTime(iso: string, offsetSeconds: number): string {
  return `${workoutDate(iso, offsetSeconds)}, ${workoutClock(iso, offsetSeconds)}`;
}

/** The hour of day at the workout's place (for "Morning run"). */
export function workoutHour(iso: string, offsetSeconds: number): number {
  return wallClock(iso, offsetSeconds)?.getUTCHours() ?? 12;
}

export type ServiceTimeStyle = 'datetime' | 'until' | 'ago';

/**
 * A time of the service, rewritten by site.js into the browser's zone:
 * 'datetime' → "Fri 5 Dec, 18:00"; 'until' → "18:00, in 6 min"; 'ago' → "3 min ago (18:00)".
 */
export function serviceTime(iso: string | null | undefined, style: ServiceTimeStyle = 'datetime'): Html | string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const utc = new Date(ms).toISOString();
  return html`<time datetime="${utc}" data-local="${style}">${utc.slice(0, 16).replace('T', ' ')} UTC</time>` as Html;
}
