// Errors as data (DESIGN convention 5): every failure has a code, and the code
// alone decides its scope, whether and when to retry, and whether the user must
// act. Adapters throw BandsyncError with one of these codes.

export type FailureScope = 'account' | 'source' | 'workout' | 'destination';
export type RetryPolicy = 'backoff' | 'at_reset' | 'never';

export interface FailureRule {
  readonly scope: FailureScope;
  readonly retry: RetryPolicy;
  readonly needsUser: boolean;
  /** One line for the user: what happened and what fixes it. */
  readonly explain: string;
}

export const FAILURES = {
  zepp_token_expired: {
    scope: 'account',
    retry: 'never',
    needsUser: true,
    explain: 'The Zepp login has expired. Fix: bandsync connect zepp (or paste a new app token).',
  },
  zepp_auth_failed: {
    scope: 'account',
    retry: 'never',
    needsUser: true,
    explain: 'Zepp rejected the e-mail/password or token. Fix: bandsync connect zepp with the right credentials.',
  },
  zepp_region_wrong: {
    scope: 'account',
    retry: 'never',
    needsUser: true,
    explain: 'The Zepp account lives in another region. Fix: reconnect; bandsync discovers the region host.',
  },
  zepp_rate_limited: {
    scope: 'source',
    retry: 'backoff',
    needsUser: false,
    explain: 'Zepp asked us to slow down; retrying later.',
  },
  zepp_unavailable: {
    scope: 'source',
    retry: 'backoff',
    needsUser: false,
    explain: 'The Zepp cloud answered with a server error or did not answer; retrying.',
  },
  zepp_payload_invalid: {
    scope: 'workout',
    retry: 'never',
    needsUser: false,
    explain: 'The Zepp cloud sent a workout we cannot read; it is kept as failed with the reason.',
  },
  mi_fitness_auth_failed: {
    scope: 'account',
    retry: 'never',
    needsUser: true,
    explain:
      'Xiaomi refused the login. Fix: bandsync connect mi-fitness --email … (BANDSYNC_MI_PASSWORD), or the browser login it offers.',
  },
  mi_fitness_token_expired: {
    scope: 'account',
    retry: 'never',
    needsUser: true,
    explain: 'The Mi Fitness session was refused even after a refresh. Fix: bandsync connect mi-fitness --email ….',
  },
  mi_fitness_reverify: {
    scope: 'account',
    retry: 'never',
    needsUser: true,
    explain:
      'Xiaomi wants you to verify this sign-in again (captcha, code or device approval). Fix: bandsync connect mi-fitness --email … and follow its browser login.',
  },
  mi_fitness_rate_limited: {
    scope: 'source',
    retry: 'backoff',
    needsUser: false,
    explain: 'Xiaomi asked us to slow down; retrying later.',
  },
  mi_fitness_unavailable: {
    scope: 'source',
    retry: 'backoff',
    needsUser: false,
    explain: 'The Mi Fitness cloud answered with an error or did not answer; retrying.',
  },
  mi_fitness_payload_invalid: {
    scope: 'workout',
    retry: 'never',
    needsUser: false,
    explain: 'The Mi Fitness cloud sent a workout we cannot read; it is kept as failed with the reason.',
  },
  mi_fitness_detail_missing: {
    scope: 'workout',
    retry: 'never',
    needsUser: true,
    explain:
      'Held: the workout has no readable per-second or GPS files, only its summary. Fix, to upload it from the summary (time, distance, calories): summaryOnlyUploads = true in config.toml (or BANDSYNC_SUMMARY_ONLY=true); the next sync sends it.',
  },
  source_unavailable: {
    scope: 'source',
    retry: 'backoff',
    needsUser: false,
    explain: 'The source could not be read; retrying.',
  },
  source_unreadable: {
    scope: 'account',
    retry: 'backoff',
    needsUser: true,
    explain:
      'The source (its database, export or folder) cannot be read; the reason is in bandsync log. Fix the file or folder (or connect it again); the next sync reads it again.',
  },
  source_file_invalid: {
    scope: 'workout',
    retry: 'never',
    needsUser: false,
    explain: 'The file is not a readable workout.',
  },
  source_over_limit: {
    scope: 'workout',
    retry: 'never',
    needsUser: true,
    explain:
      'The file is over one of the input limits (its error names the limit). Fix: if it is a real workout, raise that limit ([limits] in the config file, or its BANDSYNC_LIMIT_* variable); the next sync reads it again.',
  },
  source_damaged: {
    scope: 'workout',
    retry: 'never',
    needsUser: true,
    explain:
      'The file could be read only partly (damaged or cut short); it is held so a partial workout does not reach Strava, where it could not be replaced. Fix: bring the complete file (the next sync reads it again), or send what could be read: bandsync retry --accept-damaged ID (or "Upload anyway" in the dashboard).',
  },
  source_password: {
    scope: 'workout',
    retry: 'never',
    needsUser: true,
    explain:
      'The file is in a password-protected zip and the password is missing or wrong. Fix: bandsync import ZIP --password … (or BANDSYNC_ZIP_PASSWORD), or connect files|zepp-export PATH --password …; the next sync reads it again.',
  },
  strava_not_connected: {
    scope: 'destination',
    retry: 'never',
    needsUser: true,
    explain: 'No Strava account is connected. Fix: bandsync connect strava.',
  },
  strava_auth_revoked: {
    scope: 'destination',
    retry: 'never',
    needsUser: true,
    explain: 'Strava access was revoked or the refresh token is invalid. Fix: bandsync connect strava.',
  },
  strava_scope_missing: {
    scope: 'destination',
    retry: 'never',
    needsUser: true,
    explain:
      'Strava was connected without activity:write / activity:read_all. Fix: bandsync connect strava and tick both boxes.',
  },
  strava_hr_consent: {
    scope: 'destination',
    retry: 'never',
    needsUser: true,
    explain:
      'Strava dropped the heart rate: allow health data in Strava settings (Privacy Controls → health data), then bandsync retry.',
  },
  strava_rate_limited: {
    scope: 'destination',
    retry: 'at_reset',
    needsUser: false,
    explain: 'Strava rate limit reached; continuing when the window resets.',
  },
  strava_unavailable: {
    scope: 'destination',
    retry: 'backoff',
    needsUser: false,
    explain: 'Strava answered with a server error or timed out; retrying.',
  },
  strava_upload_rejected: {
    scope: 'workout',
    retry: 'never',
    needsUser: false,
    explain: 'Strava refused the file.',
  },
  strava_upload_lost: {
    scope: 'workout',
    retry: 'backoff',
    needsUser: false,
    explain: 'An upload response was lost; resolving by listing, never by uploading again.',
  },
  strava_update_refused: {
    scope: 'workout',
    retry: 'never',
    needsUser: false,
    explain: 'Strava refused the change to the activity (deleted there, or not yours); nothing was changed.',
  },
  convert_failed: {
    scope: 'workout',
    retry: 'never',
    needsUser: false,
    explain: 'The workout could not be converted to a file.',
  },
  sport_unknown: {
    scope: 'workout',
    retry: 'never',
    needsUser: true,
    explain: 'Unknown sport code in strict mode. Fix: add a sport rule in the config.',
  },
  internal: { scope: 'workout', retry: 'backoff', needsUser: false, explain: 'Unexpected error; retrying.' },
} as const satisfies Record<string, FailureRule>;

export type FailureCode = keyof typeof FAILURES;

/** Why a record was settled without a failure: matched on Strava, or skipped by a rule, the user or another source. */
export const DECISION_CODES = ['matched_existing', 'strava_duplicate', 'same_as_other_source', 'rule', 'user'] as const;

/** A sync record's code: the failure it waits on, or the decision that settled it. */
export type RecordCode = FailureCode | (typeof DECISION_CODES)[number];

const RECORD_CODES: ReadonlySet<string> = new Set([...Object.keys(FAILURES), ...DECISION_CODES]);

/** A stored record code, checked: one this release does not know is an error, not a string passed on. */
export function parseRecordCode(value: unknown, where: string): RecordCode | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && RECORD_CODES.has(value)) return value as RecordCode;
  throw new BandsyncError('internal', `${where}: unknown code ${JSON.stringify(value)}`);
}

export class BandsyncError extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
    /** When to try again, if the cause says so (e.g. rate-limit reset). */
    readonly retryAt?: string,
  ) {
    super(message);
    this.name = 'BandsyncError';
  }
}

/** True for a failure code this release knows (own keys only: not 'constructor' or 'toString'). */
export function isFailureCode(code: unknown): code is FailureCode {
  return typeof code === 'string' && Object.hasOwn(FAILURES, code);
}

/** The rule of a failure code; an unknown code (a decision, a code from elsewhere) is treated as internal. */
export function ruleFor(code: string): FailureRule {
  return isFailureCode(code) ? FAILURES[code] : FAILURES.internal;
}

export function toBandsyncError(err: unknown): BandsyncError {
  if (err instanceof BandsyncError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new BandsyncError('internal', message);
}

/** Exponential backoff with full jitter, capped; `random` injected for determinism. */
export function backoffSeconds(attempt: number, random: () => number, baseSeconds = 30, capSeconds = 6 * 3600): number {
  const ceiling = Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(ceiling * (0.5 + random() / 2)));
}

/** Per-workout attempts before a retryable failure becomes final. */
export const MAX_ATTEMPTS = 5;
