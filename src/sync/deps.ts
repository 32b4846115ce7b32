// What the engine's use cases need, injected by compose.ts.
import type { Workout } from '../core/workout/types.js';
import type { Account, Clock, Destination, Logger, Source, Store } from './ports.js';

export interface SportDecision {
  /** Strava sport_type to upload as. */
  readonly sportType: string;
  /** Strava's trainer flag (indoor work). */
  readonly trainer: boolean;
  /** A rule says not to upload this workout. */
  readonly skipReason?: string;
  /** The user must decide first (strict mode: unknown sport code). */
  readonly needsUser?: 'sport_unknown';
}

export interface EngineDeps {
  readonly store: Store;
  /** The connected Strava destination; throws strava_not_connected when none. */
  readonly destination: () => Promise<Destination>;
  readonly sourceFor: (account: Account) => Promise<Source>;
  /** Workout → the bytes uploaded (FIT). */
  readonly encode: (workout: Workout) => Uint8Array | Promise<Uint8Array>;
  readonly sportFor: (workout: Workout) => SportDecision;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  /**
   * The live privacy setting (the dashboard's, else the config file's): whether backfilled
   * history (older than options.hideFromHomeOlderThanDays) goes up hidden from home feeds.
   * Unset: every workout older than that is hidden.
   */
  readonly hideBackfillFromHome?: () => Promise<boolean>;
  /**
   * Re-reads the settings the dashboard edits (sport rules, per-workout sports, device name) from the
   * database, so a process other than the dashboard's (a worker) applies what was saved there.
   */
  readonly reloadSettings?: () => Promise<void>;
  /**
   * Several athletes on one instance (issue 18): each athlete's own engine
   * (their store, Strava connection and settings). Queue jobs carry the
   * athlete and run on its engine. Unset, or fewer than two athletes: this
   * engine is the only one.
   */
  readonly athletes?: {
    ids(): Promise<string[]>;
    deps(athleteId: string): Promise<EngineDeps>;
  };
  readonly options: {
    /** What counts as backfilled history (older than this many days); unset: nothing is hidden from home feeds. */
    readonly hideFromHomeOlderThanDays?: number;
    readonly destinationName?: string;
    /** Samples one workout may hold (limits.samples); the other input limits are the sources' own. */
    readonly maxSamples?: number;
  };
}

export const DESTINATION = 'strava';

/** Scopes bandsync asks Strava for and needs: write to upload, read_all to see our own private uploads when deduplicating. */
export const REQUIRED_SCOPES = ['activity:write', 'activity:read_all'] as const;

export interface Progress {
  readonly phase: 'discover' | 'plan' | 'upload' | 'confirm' | 'wait';
  readonly done: number;
  readonly total: number;
  readonly message?: string;
  /** 'wait': when the run resumes (ISO UTC), e.g. the end of Strava's rate-limit window. */
  readonly until?: string;
  /** 'upload', 'wait': the source account whose workouts these are, when the run is of one account. */
  readonly accountId?: string;
}

export type ProgressListener = (p: Progress) => void;
