// What the dashboard needs from the rest of bandsync. The server owns these
// ports (DESIGN convention 2): the store and rate budget come from sync/ports,
// and DashboardEngine is the small set of actions the pages trigger. The
// composition root (src/compose.ts) wires concrete implementations in.
import type { BackfillProgress, BackfillRange } from '../app/backfill.js';
import type { RemoteNumbers } from '../app/workout-view.js';
import type { RuleChanges, RuleChangeRow, SettingsSaved } from '../app/settings.js';
import type { StravaUpdateResult } from '../sync/activity-updates.js';
import type { AthleteOverview } from '../app/athletes.js';
import type { StravaWebhookEvent } from '../app/strava-webhook.js';
import type { Account, DashboardAccess, Logger, RateBudgetStore, Store } from '../sync/ports.js';

// Shapes the use cases (src/app/) define and the pages show as they are.
export type { BackfillProgress, BackfillRange, RemoteNumbers, SettingsSaved, StravaUpdateResult };

export type PlanDecision = 'upload' | 'duplicate' | 'skip' | 'hold';

/** One row of a dry-run plan: what would happen to a workout, and why. */
export interface PlanRow {
  readonly workoutId: string;
  readonly startTime: string; // ISO UTC
  /** The workout's own offset, to show the clock time it was recorded at. */
  readonly utcOffsetSeconds?: number;
  readonly sport: string;
  readonly decision: PlanDecision;
  readonly reason: string;
}

/** Receives every progress event of a backfill (not the engine's per-phase ProgressListener). */
export type BackfillListener = (progress: BackfillProgress) => void;

/** A user sport-mapping rule: a source sport code (or our sport) → a Strava sport_type. */
export interface SportRule {
  /** The source's raw sport code (e.g. Zepp "1"); matched before `sport`. */
  readonly rawSport?: string;
  /** Our normalized sport (e.g. "treadmill"). */
  readonly sport?: string;
  readonly sportType: string;
}

/** What a rule set would change, for the settings preview (and the count of those already on Strava). */
export type RulePreviewRow = RuleChangeRow;
export type RulePreview = RuleChanges;

export interface DashboardSettings {
  readonly sportRules: readonly SportRule[];
  readonly privacy: {
    /** Upload backfilled history hidden from home feeds (F13); also sent when a sport change updates such an activity. */
    readonly hideBackfillFromHome: boolean;
  };
  readonly pollIntervalSeconds: number;
  /** Device name written into uploaded files; null = the band model (F6). */
  readonly deviceName: string | null;
}

export type ZeppConnectInput =
  | { readonly method: 'token'; readonly appToken: string; readonly userId?: string }
  | { readonly method: 'password'; readonly email: string; readonly password: string };

/** Mi Fitness: e-mail + password, or the address the browser sign-in ended on (the fallback). */
export type MiFitnessConnectForm = (
  { readonly email: string; readonly password: string } | { readonly callbackUrl: string; readonly email?: string }
) & { readonly country?: string };

export type MiFitnessConnectResult =
  | { readonly kind: 'connected'; readonly account: Account }
  | { readonly kind: 'browser_login'; readonly url: string; readonly reason: string };

export type LocalSourceInput =
  | {
      readonly kind: 'zepp-export' | 'mi-fitness-export';
      readonly fileName: string;
      readonly bytes: Uint8Array;
      /** The password Zepp sent with the export. */ readonly password?: string;
    }
  | { readonly kind: 'gadgetbridge' | 'files'; readonly path: string };

export interface EngineStatus {
  /** When the daemon next polls the sources; null when not scheduled (serve-only mode). */
  readonly nextPollAt: string | null;
  /** The running or most recent backfill; null when none ran. */
  readonly backfill: BackfillProgress | null;
  /** STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET are set (or a Strava account carries its own): "Connect with Strava" can work. */
  readonly stravaAppConfigured: boolean;
}

/**
 * The actions the dashboard triggers. Every method throws an Error whose
 * message is safe to show to the user (no secrets) when the action fails.
 */
export interface DashboardEngine {
  status(): Promise<EngineStatus>;

  planBackfill(range: BackfillRange): Promise<PlanRow[]>;
  /** Starts the backfill of exactly what planBackfill(range) approved; returns the run id. */
  startBackfill(range: BackfillRange): Promise<{ runId: string }>;
  /** Progress events of backfills; returns the unsubscribe function. */
  subscribe(listener: BackfillListener): () => void;

  retry(workoutId: string): Promise<void>;
  skip(workoutId: string): Promise<void>;
  /** Sends a workout waiting for the next run now; throws when it is not waiting to be uploaded. */
  uploadNow(workoutId: string): Promise<void>;
  /** Sends a workout held because its file is damaged: what could be read (retry --accept-damaged). */
  uploadAnyway(workoutId: string): Promise<void>;
  /** Saves the user's sport for the workout; one already on Strava is updated there (or the update is kept pending). */
  remapSport(workoutId: string, sportType: string): Promise<StravaUpdateResult>;
  exportWorkout(workoutId: string, format: 'fit' | 'tcx' | 'gpx'): Promise<Uint8Array>;
  /** What Strava reports for the workout's activity; null when not on Strava (yet). */
  remoteNumbers(workoutId: string): Promise<RemoteNumbers | null>;

  /** Begins OAuth: stores a fresh `state` and returns Strava's authorize URL for this redirect URI. */
  stravaConnectStart(redirectUri: string): Promise<{ authorizeUrl: string }>;
  /** Finishes OAuth: checks `state`, exchanges the code, checks the granted scope, saves the account. */
  stravaConnectCallback(input: { code: string; state: string; scope: string | null }): Promise<Account>;
  connectZepp(input: ZeppConnectInput): Promise<Account>;
  connectLocal(input: LocalSourceInput): Promise<Account>;
  connectMiFitness(input: MiFitnessConnectForm): Promise<MiFitnessConnectResult>;
  /** Revokes (Strava deauthorize) where the service allows it, then removes the account's tokens. */
  disconnect(accountId: string): Promise<void>;

  getSettings(): Promise<DashboardSettings>;
  /** Validates and saves; throws with a user-facing message on an invalid value. */
  /** Also updates on Strava the synced activities whose sport the new rules change, and says how that went. */
  setSettings(settings: DashboardSettings): Promise<SettingsSaved>;
  /** Which stored workouts the given rules would map differently (at most `limit` rows), and how many are on Strava. */
  previewSportRules(rules: readonly SportRule[], limit: number): Promise<RulePreview>;
}

/** Athletes signing in with Strava, invites and self sign-up (issue 18); every message thrown is safe to show. */
export interface AthleteSignIn {
  /** `binding` is the SHA-256 of the anonymous session's cookie value; `invite` the token of an invite link. */
  start(input: { redirectUri: string; binding: string; invite?: string }): Promise<{ authorizeUrl: string }>;
  /** The callback from Strava (no session cookie there): keeps the code for finish(). */
  receive(input: { state: string; code: string; scope: string | null }): Promise<void>;
  /** In the browser that started: the athlete to sign in as. */
  finish(input: { state: string; binding: string }): Promise<{ id: string; name: string }>;
  /** The name an unused, unexpired invite is for; null otherwise. */
  invited(invite: string): Promise<{ name: string } | null>;
  /** A one-time link token for the athlete of that name (created when new). */
  invite(name: string): Promise<{ token: string; name: string; expiresAt: string }>;
  /** Invites not yet used or expired: for whom, made and valid until when (never the link). */
  invites(): Promise<{ name: string; createdAt: string; expiresAt: string }[]>;
  /** Revokes the athlete's pending invites; how many. */
  revokeInvite(name: string): Promise<number>;
  selfSignUp(): Promise<boolean>;
  setSelfSignUp(on: boolean): Promise<void>;
}

export interface ServerSecurity {
  /** scrypt hash from hashPassword() (src/server/password.ts); unset = no login. */
  readonly password?: string;
  /** True when reachable from the network (a non-loopback bind, or behind a proxy); then a password is mandatory. */
  readonly remote: boolean;
  /**
   * Served to browsers through a TLS reverse proxy (config `behindProxy`):
   * cookies are Secure, and the client address is the last X-Forwarded-For hop
   * (the one the proxy added) instead of the proxy's own.
   */
  readonly behindProxy?: boolean;
  /** Bearer token a metrics scraper sends for /metrics on a remote dashboard (config `metricsToken`). */
  readonly metricsToken?: string;
}

export interface ServerDeps {
  readonly store: Store;
  readonly budget: RateBudgetStore;
  readonly engine: DashboardEngine;
  readonly now: () => Date;
  readonly security: ServerSecurity;
  readonly logger?: Logger;
  /** Base of Strava's web pages, for activity links. Default https://www.strava.com. */
  readonly stravaWebUrl?: string;
  /**
   * Map tile URL template for Leaflet (e.g. an OSM tile server). Unset = the
   * dashboard's own plain grid tiles, so maps work offline and under the CSP.
   */
  readonly tileUrl?: string;
  /** Prometheus metrics for GET /metrics (the daemon's); unset = no such route. */
  readonly metrics?: () => Promise<{ body: string; contentType: string }>;
  /** Credit the tile server asks for (e.g. "© OpenStreetMap contributors"). */
  readonly tileAttribution?: string;
  /** Every athlete of the instance with their accounts and workouts per state (the /athletes page); unset = no page. */
  readonly athletes?: () => Promise<readonly AthleteOverview[]>;
  /** Sessions and invites in the database (they survive a restart); unset = in memory. */
  readonly access?: DashboardAccess;
  /**
   * Pages per athlete (issue 18): with two or more athletes each request sees
   * one athlete's store and engine (server/athlete-view.ts); unset, or fewer
   * than two athletes: `store` and `engine` above serve every page.
   */
  readonly perAthlete?: PerAthlete;
  /** Sign in with Strava for athletes; unset = the administrator's password only. */
  readonly signIn?: AthleteSignIn;
  /** Strava's Webhook Events API callback at /strava/webhook; unset = no such route. */
  readonly stravaWebhook?: StravaWebhookEndpoint;
}

/** What the webhook callback needs: Strava calls it without a session (server/strava-webhook.ts). */
export interface StravaWebhookEndpoint {
  /** The verify token of Strava's subscription validation GET is ours. */
  verifies(verifyToken: string): boolean;
  /** Takes a well-formed event; what it leads to happens after the answer. */
  receive(event: StravaWebhookEvent): void;
}

/** An athlete as the switcher names them. */
export interface AthleteRef {
  readonly id: string;
  readonly name: string;
}

/** What the pages read and act on for one athlete. */
export interface AthleteView {
  readonly store: Store;
  readonly engine: DashboardEngine;
}

export interface PerAthlete {
  /** Every athlete, first created first. */
  list(): Promise<readonly AthleteRef[]>;
  /** The athlete the administrator is: the one whose Strava data the administrator may see. */
  administratorId(): Promise<string | null>;
  /** The store and engine limited to one athlete (built once per athlete and kept). */
  view(athleteId: string): Promise<AthleteView>;
}
