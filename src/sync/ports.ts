// The ports the sync engine owns (DESIGN §4, convention 2). Adapters satisfy
// them structurally; nothing here names a concrete adapter. Vendor payload
// types never cross these interfaces: only core types and the plain records
// below do.
import type { Workout, SourceRef } from '../core/workout/types.js';
import type { SyncState } from './states.js';
import type { RecordCode } from './failures.js';

// ---------------------------------------------------------------- sources

export interface SourceCapabilities {
  /** The source can carry GPS tracks. */
  readonly hasGps: boolean;
  /** list() can stop at the newest known workout instead of re-reading everything. */
  readonly incrementalListing: boolean;
  /** fetch() yields per-sample streams (false: summaries only → manual activities). */
  readonly rawSamples: boolean;
}

/** What a source's listing knows about a workout before its detail is fetched. */
export interface WorkoutRef {
  readonly sourceId: string;
  readonly startTime: string; // ISO UTC
  /** Opaque to the engine; handed back to fetch(). Must be JSON-serialisable. */
  readonly handle: unknown;
  /** Changes when the source edits the workout (e.g. Zepp's update time). */
  readonly revision?: string;
}

export interface ListOptions {
  /** Newest start time already known; incremental sources may stop before it (minus their overlap). */
  readonly knownUntil?: string;
  /** Only workouts starting at or after this time. */
  readonly since?: string;
  readonly signal?: AbortSignal;
}

export interface Source {
  readonly kind: SourceRef['kind'];
  readonly capabilities: SourceCapabilities;
  list(options: ListOptions): AsyncIterable<WorkoutRef>;
  fetch(ref: WorkoutRef, signal?: AbortSignal): Promise<FetchedWorkout>;
}

export interface FetchedWorkout {
  readonly workout: Workout;
  /** Non-fatal problems found while mapping, recorded in the ledger. */
  readonly issues: readonly { code: string; path: string; detail: string }[];
}

// ------------------------------------------------------------ destination

/** An activity as the destination lists it. */
export interface RemoteActivity {
  readonly id: string;
  readonly externalId: string | null;
  readonly uploadId: string | null;
  readonly startTime: string; // ISO UTC
  readonly elapsedSeconds: number;
  readonly movingSeconds?: number;
  readonly distanceMeters?: number;
  /** Strava's own elevation gain (shown beside the band's in the dashboard). */
  readonly elevationGainMeters?: number;
  readonly sportType: string;
  readonly hasHeartrate?: boolean;
  /** Strava's average of the heart rate it kept (shown beside the band's in the dashboard). */
  readonly avgHeartRate?: number;
  readonly name?: string;
}

export interface UploadRequest {
  readonly bytes: Uint8Array;
  readonly format: 'fit' | 'tcx' | 'gpx';
  readonly externalId: string;
  readonly name: string;
  readonly description?: string;
  readonly sportType: string;
  readonly trainer: boolean;
  readonly hideFromHome?: boolean;
}

export interface ManualActivityRequest {
  readonly externalId: string;
  readonly name: string;
  readonly sportType: string;
  readonly startTimeLocal: string; // ISO local, no offset
  readonly elapsedSeconds: number;
  readonly distanceMeters?: number;
  readonly trainer: boolean;
  readonly description?: string;
}

/** A change to an activity already on the destination (the part of Strava's UpdatableActivity bandsync uses). */
export interface ActivityUpdate {
  readonly sportType?: string;
  readonly hideFromHome?: boolean;
}

/** The activity as the destination answered the update. */
export interface UpdatedActivity {
  readonly id: string;
  readonly sportType: string;
  readonly hideFromHome: boolean | null;
}

export type UploadStatus =
  | { readonly kind: 'processing'; readonly uploadId: string }
  | { readonly kind: 'ready'; readonly uploadId: string; readonly activityId: string }
  | {
      readonly kind: 'duplicate';
      readonly uploadId: string;
      readonly activityId: string | null;
      readonly message: string;
    }
  | { readonly kind: 'error'; readonly uploadId: string; readonly message: string };

export interface Destination {
  /** Activities starting in [after, before), every page. */
  listActivities(window: { after: string; before?: string }, signal?: AbortSignal): Promise<RemoteActivity[]>;
  upload(request: UploadRequest, signal?: AbortSignal): Promise<UploadStatus>;
  createManual(request: ManualActivityRequest, signal?: AbortSignal): Promise<{ activityId: string }>;
  getUpload(uploadId: string, signal?: AbortSignal): Promise<UploadStatus>;
  /** Changes an activity already there (PUT); a non-upload request of the rate budget. */
  updateActivity(activityId: string, update: ActivityUpdate, signal?: AbortSignal): Promise<UpdatedActivity>;
}

// ------------------------------------------------------------------ store

export type AccountKind =
  'zepp-cloud' | 'zepp-export' | 'gadgetbridge' | 'files' | 'mi-fitness' | 'mi-fitness-export' | 'strava';

export interface Account {
  readonly id: string;
  readonly kind: AccountKind;
  readonly label: string;
  /** Non-secret settings (base URL, region, user id, file path...). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly status: 'ok' | 'needs_user';
  readonly problem: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface StoredWorkout {
  readonly id: string; // our id
  readonly accountId: string;
  readonly workout: Workout;
  readonly revision: string | null;
  readonly createdAt: string;
}

export interface SyncRecord {
  readonly workoutId: string;
  readonly destination: string; // 'strava'
  readonly state: SyncState;
  /** Why it is skipped, failed, needs_user or duplicate. */
  readonly code: RecordCode | null;
  readonly externalId: string;
  readonly uploadId: string | null;
  readonly activityId: string | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly updatedAt: string;
}

export interface LedgerEntry {
  readonly id: number;
  readonly at: string;
  readonly workoutId: string | null;
  readonly accountId: string | null;
  readonly event: string; // e.g. 'transition', 'decision', 'issue'
  readonly fromState: string | null;
  readonly toState: string | null;
  readonly reason: string;
  readonly data: Readonly<Record<string, unknown>> | null;
}

export interface TransitionInput {
  readonly workoutId: string;
  readonly destination: string;
  /** Optimistic check: the transition applies only if the record is in one of these states. */
  readonly from: readonly SyncState[];
  readonly to: SyncState;
  readonly patch?: Partial<
    Pick<SyncRecord, 'code' | 'uploadId' | 'activityId' | 'lastError' | 'nextAttemptAt' | 'attempts'>
  >;
  readonly reason: string;
  readonly data?: Record<string, unknown>;
}

export interface WorkoutFilter {
  readonly state?: SyncState;
  readonly accountId?: string;
  readonly sport?: string;
  readonly since?: string;
  readonly until?: string;
  /** Matches the name, sport, source id, failure code and last error (case-insensitive). */
  readonly text?: string;
  /** With `text`: also the records whose code is one of these (e.g. codes whose explanation matches). */
  readonly textCodes?: readonly string[];
  /** Only these workouts' records (a job's window), read without their whole workouts. */
  readonly workoutIds?: readonly string[];
  /** Not these workouts' records (a backfill's count leaves out what was settled before it). */
  readonly exceptWorkoutIds?: readonly string[];
  readonly limit?: number;
  readonly offset?: number;
}

/** The numbers a list row shows, kept by the store so lists never read whole workouts. */
export interface WorkoutListSummary {
  readonly utcOffsetSeconds: number;
  readonly elapsedSeconds: number;
  readonly movingSeconds: number | null;
  readonly distanceMeters: number | null;
  readonly avgHeartRate: number | null;
  /** Pool lengths (0 when none). */
  readonly lengths: number;
}

/** A sync record with what lists show of its workout. */
export type ListedRecord = SyncRecord & {
  readonly startTime: string;
  readonly sport: string;
  readonly accountId: string;
  readonly name: string | null;
  readonly summary: WorkoutListSummary;
};

export interface LedgerFilter {
  readonly workoutId?: string;
  readonly accountId?: string;
  readonly event?: string;
  readonly limit?: number;
  readonly offset?: number;
  /** Newest first (the log page); default: the newest `limit` entries told oldest first. */
  readonly newestFirst?: boolean;
}

/** A person on the instance (issue 18): their source accounts, one Strava connection, workouts and settings. */
export interface Athlete {
  readonly id: string;
  /** What --athlete and the dashboard's switcher name (letters, digits, . _ -). */
  readonly name: string;
  /** The Strava athlete id of the connection, once connected. */
  readonly stravaAthleteId: string | null;
  readonly createdAt: string;
}

/** A logged-in dashboard session as stored: found by the SHA-256 of its cookie value, never the value. */
export interface SessionRow {
  readonly idHash: string;
  readonly csrf: string;
  readonly role: 'admin' | 'athlete';
  /** The athlete an athlete session acts for; null for the administrator. */
  readonly athleteId: string | null;
  /** The athlete the administrator chose to see in the dashboard; null/unset = their own. */
  readonly viewAthleteId?: string | null;
  readonly flash: { kind: 'ok' | 'error'; text: string } | null;
  readonly expiresAt: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
}

/** Dashboard sign-in state kept in the database: sessions and one-time athlete invites (tokens stored hashed). */
export interface DashboardAccess {
  /** Saves a session, after deleting expired ones and, at `cap` sessions, the oldest. */
  createSession(row: SessionRow, cap: number): Promise<void>;
  /** The unexpired session with this hash; an expired one is deleted and null returned. */
  getSession(idHash: string, now: Date): Promise<SessionRow | null>;
  updateSession(
    idHash: string,
    change: { lastSeenAt?: string; flash?: SessionRow['flash']; viewAthleteId?: string | null },
  ): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  createInvite(input: { tokenHash: string; athleteId: string; expiresAt: string; createdAt: string }): Promise<void>;
  /** The athlete of an unused, unexpired invite; null otherwise. */
  inviteAthlete(tokenHash: string, now: Date): Promise<string | null>;
  /** Marks an unused, unexpired invite used and returns its athlete (null when it was not): only one taker wins. */
  takeInvite(tokenHash: string, now: Date): Promise<string | null>;
  /** Gives back an invite taken by a sign-in that then failed. */
  releaseInvite(tokenHash: string): Promise<void>;
  /** Unused, unexpired invites, oldest first: who they are for and when, never their hash. */
  pendingInvites(now: Date): Promise<{ athleteId: string; createdAt: string; expiresAt: string }[]>;
  /** Deletes an athlete's unused invites (their links stop working); returns how many were still valid. */
  revokeInvites(athleteId: string, now: Date): Promise<number>;
}

/** The athletes of the instance, and the store as one of them sees it. */
export interface Athletes {
  list(): Promise<Athlete[]>;
  byName(name: string): Promise<Athlete | null>;
  add(name: string): Promise<Athlete>;
  /** Deletes the athlete with its accounts, workouts, sync records, ledger rows and settings. */
  remove(id: string): Promise<void>;
  setStravaAthleteId(id: string, stravaAthleteId: string | null): Promise<void>;
  /** The store scoped to one athlete: no read or write reaches another athlete's rows. */
  scoped(athleteId: string): Store;
}

/**
 * The Store is scoped: one opened for an athlete (Athletes.scoped) sees and
 * writes that athlete's rows only. The default store acts for the only
 * athlete (creating `me` on the first write of a new database); with several
 * athletes it reads every athlete's rows and refuses writes that need one.
 */
export interface Store {
  // accounts; secrets are sealed by the store with the configured key
  saveAccount(input: {
    id?: string;
    kind: AccountKind;
    label: string;
    settings: Record<string, unknown>;
    secrets?: Record<string, string>;
  }): Promise<Account>;
  getAccount(id: string): Promise<Account | null>;
  listAccounts(): Promise<Account[]>;
  getSecrets(accountId: string): Promise<Record<string, string>>;
  setSecrets(accountId: string, secrets: Record<string, string>): Promise<void>;
  setAccountStatus(accountId: string, status: Account['status'], problem: string | null): Promise<void>;
  deleteAccount(id: string): Promise<void>;

  // workouts: upsert by (accountId, workout.source.id); returns whether it was new or changed
  saveWorkout(
    accountId: string,
    workout: Workout,
    revision?: string | null,
  ): Promise<{ id: string; created: boolean; changed: boolean }>;
  getWorkout(id: string): Promise<StoredWorkout | null>;
  findWorkoutBySourceId(accountId: string, sourceId: string): Promise<StoredWorkout | null>;
  /** The stored workouts with this fingerprint; `exceptId` leaves that one out (not even read). */
  findWorkoutsByFingerprint(fingerprint: string, exceptId?: string): Promise<StoredWorkout[]>;
  newestWorkoutStart(accountId: string): Promise<string | null>;

  // sync records
  ensureRecord(workoutId: string, destination: string, externalId: string): Promise<SyncRecord>;
  getRecord(workoutId: string, destination: string): Promise<SyncRecord | null>;
  /** Atomically: check `from`, write the new state + patch, append a ledger entry. Null if `from` did not match. */
  transition(input: TransitionInput): Promise<SyncRecord | null>;
  listRecords(filter: WorkoutFilter & { destination?: string; states?: readonly SyncState[] }): Promise<ListedRecord[]>;
  /** How many records listRecords would return without limit and offset. */
  countRecords(filter: WorkoutFilter & { destination?: string; states?: readonly SyncState[] }): Promise<number>;
  countByState(destination?: string): Promise<Record<string, number>>;
  /** How many records listRecords would return, per state (one grouped count; no rows read into memory). */
  countRecordStates(
    filter: WorkoutFilter & { destination?: string; states?: readonly SyncState[] },
  ): Promise<Record<string, number>>;

  // ledger
  appendLedger(entry: Omit<LedgerEntry, 'id' | 'at'>): Promise<void>;
  listLedger(filter: LedgerFilter): Promise<LedgerEntry[]>;
  countLedger(filter: Omit<LedgerFilter, 'limit' | 'offset' | 'newestFirst'>): Promise<number>;
  /** The distinct ledger event names, for the log page's filter. */
  ledgerEvents(): Promise<string[]>;

  // small key/value settings and cross-process mutual exclusion
  getSetting<T>(key: string): Promise<T | null>;
  setSetting(key: string, value: unknown): Promise<void>;
  /** Runs fn while holding a database-wide lock named `name` (single-flight across processes). */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;

  close(): Promise<void>;
}

// ------------------------------------------------------- rate budget (F10)

export interface RateWindowUsage {
  readonly limit15: number;
  readonly usage15: number;
  readonly limitDay: number;
  readonly usageDay: number;
}

export interface RateBudgetSnapshot {
  readonly overall: RateWindowUsage;
  readonly read: RateWindowUsage;
  /** When the current 15-minute window ends (ISO). */
  readonly windowEndsAt: string;
  readonly dayEndsAt: string;
  /** Set after a 429: nothing is sent before this time. */
  readonly blockedUntil: string | null;
  readonly updatedAt: string;
}

/** Persists the shared budget; implemented by the store with one row updated atomically. */
export interface RateBudgetStore {
  /**
   * Atomically reserve one request of `kind` if the budget allows it at `now`.
   * Returns null when reserved, else the time when to try again.
   * `backfill`: the request serves history, which may not spend the day's reserve for new workouts.
   * `newWorkouts`: it serves workouts recorded since their account was connected; the budget
   * counts these per day, and sizes the reserve from their rate.
   */
  tryReserve(
    kind: 'upload' | 'read',
    now: Date,
    keepForUploads: number,
    backfill?: boolean,
    newWorkouts?: boolean,
  ): Promise<string | null>;
  /** Apply the usage headers of a response (atomic, monotonic within a window). */
  record(
    headers: { overall?: [number, number, number, number]; read?: [number, number, number, number] },
    now: Date,
  ): Promise<void>;
  /** Mark the budget spent until the next reset (after a 429). */
  block(until: string): Promise<void>;
  snapshot(now: Date): Promise<RateBudgetSnapshot>;
}

// ------------------------------------------------------------ queue/clock

export interface JobOptions {
  readonly startAfter?: Date;
  readonly singletonKey?: string;
  readonly retryLimit?: number;
  /** Among jobs due, a higher priority is taken first (default 0); equal ones in the order they were sent. */
  readonly priority?: number;
}

export interface Queue {
  send(name: string, payload: Record<string, unknown>, options?: JobOptions): Promise<string | null>;
  work(
    name: string,
    /** `payload` is what the job's row holds, unchecked: the handler parses it (sync/tasks.ts). */
    handler: (payload: unknown, ctx: { jobId: string; signal: AbortSignal }) => Promise<void>,
    options?: { concurrency?: number },
  ): Promise<void>;
  /** Jobs not yet completed, by queue name. */
  depth(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}
