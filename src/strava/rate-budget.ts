// Pure rate-limit maths shared by the Strava client and the database-backed
// budget store: header parsing and the reset instants of Strava's windows
// (quarter hours :00/:15/:30/:45 and midnight, both UTC).

/** One bucket as the headers state it: [limit15, limitDay, usage15, usageDay]. */
export type RateBucket = [number, number, number, number];

export interface ParsedRateHeaders {
  overall?: RateBucket;
  read?: RateBucket;
}

const QUARTER_MS = 15 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** "a,b" → [a, b]; null when a part is missing or not a number (Strava sends "," for read usage on upload calls). */
function pair(value: string | null): [number, number] | null {
  if (value === null) return null;
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length !== 2 || parts.some((p) => p === '' || !/^\d+$/.test(p))) return null;
  return [Number(parts[0]), Number(parts[1])];
}

function bucket(limit: string | null, usage: string | null): RateBucket | undefined {
  const l = pair(limit);
  const u = pair(usage);
  return l && u ? [l[0], l[1], u[0], u[1]] : undefined;
}

/** Reads X-RateLimit-* and X-ReadRateLimit-* (case-insensitive, as Headers are). Buckets with missing or empty parts are omitted. */
export function parseRateHeaders(headers: Headers): ParsedRateHeaders {
  const out: ParsedRateHeaders = {};
  const overall = bucket(headers.get('x-ratelimit-limit'), headers.get('x-ratelimit-usage'));
  const read = bucket(headers.get('x-readratelimit-limit'), headers.get('x-readratelimit-usage'));
  if (overall) out.overall = overall;
  if (read) out.read = read;
  return out;
}

/** Start of the next quarter-hour window, strictly after `now`. */
export function nextWindowReset(now: Date): Date {
  return new Date((Math.floor(now.getTime() / QUARTER_MS) + 1) * QUARTER_MS);
}

/** Next midnight UTC, strictly after `now`. */
export function nextDayReset(now: Date): Date {
  return new Date((Math.floor(now.getTime() / DAY_MS) + 1) * DAY_MS);
}

/** Start of the quarter-hour window containing `now`. */
export function windowStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / QUARTER_MS) * QUARTER_MS);
}

/** Start of the UTC day containing `now`. */
export function dayStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

/**
 * Strava counts everything except creating uploads and activities against
 * the "read" bucket (upload polls and deauthorize included).
 */
export function requestKind(method: string, path: string): 'upload' | 'read' {
  const p = path.replace(/\?.*$/, '').replace(/\/+$/, '');
  if (method.toUpperCase() === 'POST' && /\/api\/v3\/(uploads|activities)$/.test(p)) return 'upload';
  return 'read';
}

/**
 * When a spent budget frees up again, judging by one response's headers:
 * midnight UTC when a daily count is spent, else the next quarter hour.
 */
export function resetAfterLimit(parsed: ParsedRateHeaders, now: Date): Date {
  const dailySpent = [parsed.overall, parsed.read].some((b) => b !== undefined && b[3] >= b[1]);
  return dailySpent ? nextDayReset(now) : nextWindowReset(now);
}
