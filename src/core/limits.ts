// Budgets for untrusted input (DESIGN §4.1, issue 14): every file, archive,
// CSV and XML document bandsync reads is bounded, and going over a bound is a
// clear error naming the file and the limit, never a crash or an exhausted
// heap. The defaults are sized for real data with a margin: a 48-hour
// recording at 1 Hz (172,800 samples; a 93 MB TCX, a 48 MB GPX, a 3.5 MB
// FIT) and a 10-year Zepp export (5.3 million per-minute heart-rate rows).
// Users raise them in the config file's [limits] table or the environment.
import { groupDigits } from './group-digits.js';

export interface InputLimits {
  /** Bytes of one file read into memory: a FIT/TCX/GPX/JSON file, a zip entry read whole, a gzip's content, an upload. */
  readonly fileBytes: number;
  /** Bytes one gzip stream or zip entry may inflate to, also when it is streamed (the export's CSVs). */
  readonly inflatedBytes: number;
  /** Bytes all the entries of one zip may inflate to together, in one pass over it. */
  readonly archiveInflatedBytes: number;
  /** Entries in one zip's central directory. */
  readonly archiveEntries: number;
  /** Characters in one CSV row (line breaks inside quoted fields included). */
  readonly csvRowChars: number;
  /** Fields in one CSV row. */
  readonly csvFields: number;
  /** Rows in one CSV file. */
  readonly csvRows: number;
  /** Nesting depth of XML elements. */
  readonly xmlDepth: number;
  /** Elements in one XML document (each costs memory once parsed). */
  readonly xmlElements: number;
  /** Samples (records, track points) in one workout; a FIT file may hold 4 messages per sample. */
  readonly samples: number;
  /** Bytes of a Gadgetbridge database (it is read into memory whole). */
  readonly databaseBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: InputLimits = {
  fileBytes: 128 * MiB,
  inflatedBytes: 1024 * MiB,
  archiveInflatedBytes: 4096 * MiB,
  archiveEntries: 50_000,
  csvRowChars: MiB,
  csvFields: 1_000,
  csvRows: 20_000_000,
  xmlDepth: 64,
  xmlElements: 4_000_000,
  samples: 1_000_000,
  databaseBytes: 1024 * MiB,
};

/** Each limit's environment variable (the config key is `limits.<name>`). */
export const LIMIT_ENV: { readonly [K in keyof InputLimits]: string } = {
  fileBytes: 'BANDSYNC_LIMIT_FILE_BYTES',
  inflatedBytes: 'BANDSYNC_LIMIT_INFLATED_BYTES',
  archiveInflatedBytes: 'BANDSYNC_LIMIT_ARCHIVE_INFLATED_BYTES',
  archiveEntries: 'BANDSYNC_LIMIT_ARCHIVE_ENTRIES',
  csvRowChars: 'BANDSYNC_LIMIT_CSV_ROW_CHARS',
  csvFields: 'BANDSYNC_LIMIT_CSV_FIELDS',
  csvRows: 'BANDSYNC_LIMIT_CSV_ROWS',
  xmlDepth: 'BANDSYNC_LIMIT_XML_DEPTH',
  xmlElements: 'BANDSYNC_LIMIT_XML_ELEMENTS',
  samples: 'BANDSYNC_LIMIT_SAMPLES',
  databaseBytes: 'BANDSYNC_LIMIT_DATABASE_BYTES',
};

const isBytes = (name: keyof InputLimits): boolean => /Bytes$/.test(name);

/** 134217728 → "128 MiB"; counts with thousands separators. */
export function formatLimit(name: keyof InputLimits, value: number): string {
  if (!isBytes(name)) return groupDigits(value);
  if (value >= MiB && value % MiB === 0) return `${groupDigits(value / MiB)} MiB`;
  return `${groupDigits(value)} bytes`;
}

/**
 * "<where>: <what> is over the limit of 128 MiB (limits.fileBytes; raise it
 * with BANDSYNC_LIMIT_FILE_BYTES or [limits] in the config file)".
 */
export function overLimitMessage(where: string, what: string, name: keyof InputLimits, value: number): string {
  return `${where}: ${what} is over the limit of ${formatLimit(name, value)} (limits.${name}; raise it with ${LIMIT_ENV[name]} or [limits] ${name} in the config file)`;
}

/**
 * Strava's rate limits per application (requests per 15 minutes and per UTC
 * day, overall and reads). Strava raises them on request; config stravaLimits.
 */
export interface StravaLimits {
  readonly overall15: number;
  readonly overallDay: number;
  readonly read15: number;
  readonly readDay: number;
  /**
   * Percent of the daily overall and read limits a backfill may not spend,
   * kept for new workouts (issue 18; default NEW_WORKOUT_RESERVE_PERCENT).
   */
  readonly newWorkoutReservePercent?: number;
}

/**
 * The default share of Strava's daily limits kept from backfills for new
 * workouts: whatever history one athlete approved, new workouts of every
 * athlete (an upload and its listings, ~3 requests, 2 of them reads) still
 * find budget before midnight UTC. 10 % of Strava's defaults is 200 requests /
 * 100 reads, a busy household's day of new workouts; backfill keeps 90 % of
 * the day, so a 2,000-workout history still drains in ~2 days.
 */
export const NEW_WORKOUT_RESERVE_PERCENT = 10;
/** The most of the day a reserve may keep from backfills: above it a backfill would hardly move. */
export const MAX_NEW_WORKOUT_RESERVE_PERCENT = 50;

export const STRAVA_DEFAULT_LIMITS: StravaLimits = { overall15: 200, overallDay: 2000, read15: 100, readDay: 1000 };

/** What the budget knows of today's requests for new workouts (issue 18): the rate they come at. */
export interface FreshUsage {
  /** Requests for new workouts since the UTC day began. */
  readonly today: number;
  /** When the first of them was made (null: none yet today). */
  readonly since: Date | null;
  /** Requests for new workouts on the previous UTC day (0 when unknown). */
  readonly yesterday: number;
}

const HOUR_MS = 3_600_000;
/** Headroom over the measured rate: new workouts come in bursts (an evening's runs, a synced band). */
const FRESH_HEADROOM = 1.25;

/**
 * The part of the daily limit a backfill may not spend at `now`. At least the
 * configured percent; more when the requests of new workouts (their windows'
 * listings, uploads and confirmations) come faster than that covers: the rate measured today
 * (since the first such request, over at least an hour) or yesterday's,
 * whichever is higher, for the time left until the reset at `dayEndsAt`. A
 * busy day's new workouts then never wait for midnight behind a backfill that
 * spent the day (the fairness bench: one every 10 minutes, ~430 requests a
 * day, more than the 10 % default). Never above MAX_NEW_WORKOUT_RESERVE_PERCENT;
 * a configured 0 keeps nothing, as asked.
 */
export function newWorkoutReserve(
  limitDay: number,
  percent: number,
  fresh: FreshUsage,
  now: Date,
  dayEndsAt: Date,
): number {
  if (percent <= 0) return 0;
  const least = Math.ceil((limitDay * percent) / 100);
  const most = Math.ceil((limitDay * MAX_NEW_WORKOUT_RESERVE_PERCENT) / 100);
  const hours = fresh.since ? Math.max(1, (now.getTime() - fresh.since.getTime()) / HOUR_MS) : Infinity;
  const perHour = Math.max(fresh.today / hours, fresh.yesterday / 24);
  const left = Math.max(0, dayEndsAt.getTime() - now.getTime()) / HOUR_MS;
  const expected = Math.ceil(perHour * left * FRESH_HEADROOM);
  return Math.min(most, Math.max(least, expected));
}
