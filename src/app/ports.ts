// What the use cases need from the outside beyond the engine's ports
// (sync/ports.ts). src/compose.ts hands in the concrete adapters; nothing in
// app/ names one.
import type { Sport } from '../core/workout/types.js';
import type { Destination } from '../sync/ports.js';

/** The connected Strava athlete: the engine's Destination plus the reads the dashboard and the doctor make. */
export interface StravaConnection extends Destination {
  /** Whose token this is (one read). */
  athlete(): Promise<{ readonly id: string }>;
  /** The calories Strava shows for one activity (only its detail has them; one read). */
  activityCalories(activityId: string, signal?: AbortSignal): Promise<number | null>;
}

/** What Strava granted: the token set is stored as it is and read back only by the Strava adapter. */
export interface StravaGrant {
  readonly tokens: { readonly accessToken: string; readonly athleteId?: string; readonly scopes?: readonly string[] };
  /** The athlete's first name, when Strava said it (code exchange only). */
  readonly firstName?: string;
}

/** Strava's OAuth, bound to the configured Strava base URL. */
export interface StravaAuth {
  authorizeUrl(input: { clientId: string; redirectUri: string; state: string }): string;
  exchangeCode(input: { clientId: string; clientSecret: string; code: string; scope?: string }): Promise<StravaGrant>;
  refresh(input: { clientId: string; clientSecret: string; refreshToken: string }): Promise<StravaGrant>;
  /** Revokes the access the stored token set (as saved from a grant) gives. */
  deauthorize(storedTokens: string): Promise<void>;
  /** A client for the athlete whose tokens live in the account's secrets. */
  connect(input: { accountId: string; clientId: string; clientSecret: string }): StravaConnection;
}

export type ZeppCredentials = { appToken: string; userId: string } | { email: string; password: string };

export interface ZeppLogin {
  login(
    credentials: ZeppCredentials,
    options: { baseUrl?: string; region?: string },
  ): Promise<{ userId: string; appToken: string; baseUrl: string; chinaRegion: boolean }>;
}

/** What a Mi Fitness sign-in gives: the user id and the session, opaque to app/ (stored encrypted as it is). */
export type MiFitnessSignIn =
  | { readonly kind: 'ok'; readonly userId: string; readonly session: string }
  /** Xiaomi asked for a captcha, a code or a device approval: the browser sign-in is the way on. */
  | { readonly kind: 'browser_login'; readonly url: string; readonly reason: string };

export interface MiFitnessLogin {
  signIn(
    credentials: { email: string; password: string } | { callbackUrl: string },
    options: { baseUrl?: string },
  ): Promise<MiFitnessSignIn>;
  browserLoginUrl(baseUrl?: string): string;
  /** The regional shard of a country code; throws for a code that is not one. */
  regionForCountry(country: string): string;
}

/** The destination's own sport naming (Strava's sport_type and trainer flag); `override` is a user's choice. */
export type DestinationSport = (sport: Sport, override?: string) => { sportType: string; trainer: boolean };

/** Opens a local export once, so a wrong or missing password shows at connect time, not as failures later. */
export type CheckExportOpens = (
  kind: 'zepp-export' | 'mi-fitness-export',
  path: string,
  password: string | undefined,
) => Promise<void>;

/** Reports each file under `dir` once it has stopped changing, until the signal aborts. */
export type WatchDirectory = (
  dir: string,
  onFile: (file: string) => void | Promise<void>,
  options: {
    signal: AbortSignal;
    settleMs: number;
    includeExisting?: boolean;
    onReady?: () => void;
  },
) => Promise<void>;

/** Strava's Webhook Events API subscription of the application (client id and secret in form bodies only). */
export interface StravaPushSubscriptions {
  /** Strava calls the callback's validation GET (with verifyToken) before it answers. */
  create(input: {
    clientId: string;
    clientSecret: string;
    callbackUrl: string;
    verifyToken: string;
  }): Promise<{ readonly id: string; readonly callbackUrl: string }>;
  /** 'gone': Strava no longer had it. */
  remove(input: { clientId: string; clientSecret: string; id: string }): Promise<'deleted' | 'gone'>;
}
