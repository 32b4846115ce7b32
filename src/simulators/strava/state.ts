// The simulator's world: one application, one athlete, its tokens, uploads
// and activities, on an injected clock.
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { summarizeFit, summarizeXml, type FileSummary } from './file-summary.js';
import { RateLimiter, type Limits } from './rate-limit.js';

export const STATUS = {
  processing: 'Your activity is still being processed.',
  ready: 'Your activity is ready.',
  error: 'There was an error processing your activity.',
  deleted: 'The created activity has been deleted.',
} as const;

export const TOKEN_LIFETIME_S = 21_600;

export interface SimUpload {
  readonly uploadId: number;
  readonly athleteId: number;
  /** external_id as sent (null when none was). */
  readonly externalId: string | null;
  readonly fileName: string;
  readonly dataType: string;
  /** The file exactly as received (before any gunzip). */
  readonly bytes: Uint8Array;
  readonly name: string | null;
  readonly description: string | null;
  readonly sportType: string | null;
  readonly trainer: boolean;
  readonly commute: boolean;
  readonly hideFromHome: boolean;
  readonly createdAtMs: number;
  polls: number;
  status: string;
  error: string | null;
  /** external_id as Strava reports it once processed (with the data type appended). */
  storedExternalId: string | null;
  activityId: number | null;
  readonly summary: FileSummary | null;
  readonly parseError: string | null;
}

export interface SimActivity {
  readonly id: number;
  /** The owner: only they list it and may update it. */
  readonly athleteId: number;
  gearId: string | null;
  externalId: string | null;
  uploadId: number | null;
  name: string;
  description: string | null;
  sportType: string;
  startMs: number;
  utcOffsetSeconds: number;
  elapsedSeconds: number;
  movingSeconds: number;
  distanceMeters: number;
  elevationGainMeters: number;
  /** What Strava shows: false when HR was sent but health-data consent is off. */
  hasHeartrate: boolean;
  /** Whether the file carried HR at all. */
  sentHeartrate: boolean;
  averageHeartrate: number | null;
  maxHeartrate: number | null;
  calories: number | null;
  trainer: boolean;
  commute: boolean;
  manual: boolean;
  hideFromHome: boolean;
  hasGps: boolean;
  deviceName: string | null;
}

interface AccessToken {
  athleteId: number;
  scopes: string[];
  expiresAtMs: number;
}

export interface SimOptions {
  now: () => Date;
  clientId: string;
  clientSecret: string;
  limits: Limits;
  processingPolls: number;
  processingSeconds: number;
  athleteUtcOffsetSeconds: number;
  /** Athletes the application may have connected at once (Strava: 1 for a new app, 10 on the Standard tier); unset: no limit. */
  athleteCapacity?: number;
}

export const ATHLETE = {
  id: 134815,
  username: 'bandsync_sim',
  resource_state: 2,
  firstname: 'Sim',
  lastname: 'Athlete',
  city: 'Lisbon',
  state: 'Lisboa',
  country: 'Portugal',
  sex: 'F',
  premium: false,
  summit: false,
  created_at: '2019-03-01T10:00:00Z',
  updated_at: '2026-01-01T10:00:00Z',
  badge_type_id: 0,
  profile_medium: 'avatar/athlete/medium.png',
  profile: 'avatar/athlete/large.png',
  friend: null,
  follower: null,
};

/** The athlete a token answer names: the simulated athlete, or another one by id. */
export function athleteSummary(id: number): typeof ATHLETE {
  return id === ATHLETE.id
    ? ATHLETE
    : { ...ATHLETE, id, username: `athlete${id}`, firstname: 'Athlete', lastname: String(id) };
}

const token = (): string => randomBytes(20).toString('hex');

export class SimState {
  readonly limiter: RateLimiter;
  readonly uploads: SimUpload[] = [];
  readonly activities: SimActivity[] = [];
  readonly codes = new Map<string, { scopes: string[]; used: boolean; athleteId: number }>();
  readonly refreshTokens = new Map<string, { athleteId: number; scopes: string[] }>();
  readonly accessTokens = new Map<string, AccessToken>();
  /** Athletes who were granted tokens and have not revoked the application (its athlete capacity counts them). */
  readonly connected = new Set<number>();
  hrConsent = true;
  /** Report duplicates already in the POST answer (some clients see this) instead of after processing. */
  duplicateAtSubmission = false;
  grantedScopes: string[] | null = null;
  /** Who is signed in to strava.com in the browser: the consent page grants this athlete's access. */
  signedIn: number = ATHLETE.id;
  rotations = 0;
  /** The application's webhook subscription: at most one (push-routes.ts). */
  subscription: { readonly id: number; readonly callbackUrl: string; readonly createdAt: string } | null = null;
  nextSubscriptionId = 120_475;
  /** Every access and refresh token ever issued (tests check none leaks into a URL). */
  readonly issued = new Set<string>();
  private nextUploadId = 8_919_698_041;
  private nextActivityId = 8_319_193_780;

  constructor(readonly options: SimOptions) {
    this.limiter = new RateLimiter(options.limits);
  }

  nowMs(): number {
    return this.options.now().getTime();
  }

  issueRefreshToken(scopes: string[], athleteId: number = ATHLETE.id): string {
    const t = token();
    this.refreshTokens.set(t, { athleteId, scopes });
    this.issued.add(t);
    return t;
  }

  issueCode(scopes: string[], athleteId: number = this.signedIn): string {
    const c = token();
    this.codes.set(c, { scopes, used: false, athleteId });
    return c;
  }

  /** Strava returns the same access token while it has more than an hour left. */
  accessTokenFor(athleteId: number, scopes: string[]): { token: string; record: AccessToken } {
    const now = this.nowMs();
    for (const [t, rec] of this.accessTokens) {
      if (rec.athleteId === athleteId && rec.expiresAtMs - now > 3_600_000 && rec.scopes.join() === scopes.join())
        return { token: t, record: rec };
    }
    const record = { athleteId, scopes, expiresAtMs: now + TOKEN_LIFETIME_S * 1000 };
    const t = token();
    this.accessTokens.set(t, record);
    this.issued.add(t);
    return { token: t, record };
  }

  authenticate(bearer: string | null): AccessToken | null {
    if (!bearer) return null;
    const rec = this.accessTokens.get(bearer);
    if (!rec || rec.expiresAtMs <= this.nowMs()) return null;
    return rec;
  }

  /**
   * Whether the application may grant tokens to this athlete: one already connected may; a new one only
   * while the application is under its athlete capacity (else Strava's 403).
   */
  withinCapacity(athleteId: number): boolean {
    const capacity = this.options.athleteCapacity;
    if (capacity !== undefined && !this.connected.has(athleteId) && this.connected.size >= capacity) return false;
    this.connected.add(athleteId);
    return true;
  }

  /** The athlete revokes the app: every token of that athlete dies (no athlete given: every athlete's). */
  deauthorizeAthlete(athleteId?: number): void {
    for (const tokens of [this.accessTokens, this.refreshTokens])
      for (const [t, rec] of tokens) if (athleteId === undefined || rec.athleteId === athleteId) tokens.delete(t);
    if (athleteId === undefined) this.connected.clear();
    else this.connected.delete(athleteId);
  }

  addUpload(
    input: Omit<
      SimUpload,
      | 'uploadId'
      | 'createdAtMs'
      | 'polls'
      | 'status'
      | 'error'
      | 'storedExternalId'
      | 'activityId'
      | 'summary'
      | 'parseError'
    >,
  ): SimUpload {
    let summary: FileSummary | null = null;
    let parseError: string | null = null;
    try {
      const base = input.dataType.replace(/\.gz$/, '');
      const raw = input.dataType.endsWith('.gz') ? new Uint8Array(gunzipSync(input.bytes)) : input.bytes;
      summary = base === 'fit' ? summarizeFit(raw) : summarizeXml(new TextDecoder().decode(raw), base as 'tcx' | 'gpx');
    } catch (err) {
      parseError = err instanceof Error ? err.message : String(err);
    }
    const upload: SimUpload = {
      ...input,
      uploadId: this.nextUploadId++,
      createdAtMs: this.nowMs(),
      polls: 0,
      status: STATUS.processing,
      error: null,
      storedExternalId: null,
      activityId: null,
      summary,
      parseError,
    };
    this.uploads.push(upload);
    return upload;
  }

  /** Processing ends after `processingPolls` polls that still said "processing", or after `processingSeconds`. */
  settleDue(): void {
    const now = this.nowMs();
    for (const u of this.uploads) {
      if (u.status === STATUS.processing && now - u.createdAtMs >= this.options.processingSeconds * 1000)
        this.settle(u);
    }
  }

  poll(u: SimUpload): void {
    if (u.status !== STATUS.processing) return;
    if (u.polls >= this.options.processingPolls) this.settle(u);
    u.polls++;
  }

  private settle(u: SimUpload): void {
    const externalId = this.storedExternalId(u);
    if (!u.summary) {
      u.status = STATUS.error;
      u.error = `The upload appears to be malformed and we are unable to process it (${u.parseError ?? 'unreadable'})`;
      return;
    }
    const summary = u.summary;
    const dup = this.findDuplicate(u.athleteId, externalId, summary.startMs);
    if (dup) {
      u.status = STATUS.error;
      u.error = `${externalId} duplicate of activity ${dup.id}`;
      return;
    }
    const activity: SimActivity = {
      id: this.nextActivityId++,
      athleteId: u.athleteId,
      gearId: null,
      externalId,
      uploadId: u.uploadId,
      name:
        u.name ??
        defaultName(
          summary.startMs,
          summary.sportType ?? 'Workout',
          summary.utcOffsetSeconds ?? this.options.athleteUtcOffsetSeconds,
        ),
      description: u.description,
      sportType: u.sportType ?? summary.sportType ?? 'Workout',
      startMs: summary.startMs,
      utcOffsetSeconds: summary.utcOffsetSeconds ?? this.options.athleteUtcOffsetSeconds,
      elapsedSeconds: summary.elapsedSeconds,
      movingSeconds: summary.movingSeconds,
      distanceMeters: summary.distanceMeters,
      elevationGainMeters: summary.elevationGainMeters,
      hasHeartrate: summary.hasHeartrate && this.hrConsent,
      sentHeartrate: summary.hasHeartrate,
      averageHeartrate: this.hrConsent ? summary.avgHeartrate : null,
      maxHeartrate: this.hrConsent ? summary.maxHeartrate : null,
      calories: summary.calories,
      trainer: u.trainer || !summary.hasGps,
      commute: u.commute,
      manual: false,
      hideFromHome: u.hideFromHome,
      hasGps: summary.hasGps,
      deviceName: deviceName(summary.manufacturer),
    };
    this.activities.push(activity);
    u.status = STATUS.ready;
    u.storedExternalId = externalId;
    u.activityId = activity.id;
  }

  /**
   * Strava's rule is unpublished; modelled as the same external_id or the
   * same start second as an activity the athlete already has.
   */
  findDuplicate(athleteId: number, externalId: string | null, startMs: number): SimActivity | undefined {
    return this.activities.find(
      (a) =>
        a.athleteId === athleteId &&
        ((externalId !== null && a.externalId === externalId) ||
          Math.floor(a.startMs / 1000) === Math.floor(startMs / 1000)),
    );
  }

  /** external_id as Strava stores it: the sent id with the data type appended, else the file name. */
  storedExternalId(u: Pick<SimUpload, 'externalId' | 'dataType' | 'fileName'>): string {
    return u.externalId !== null ? `${u.externalId}.${u.dataType.replace(/\.gz$/, '')}` : u.fileName;
  }

  addManual(input: Omit<SimActivity, 'id'>): SimActivity {
    const activity: SimActivity = { ...input, id: this.nextActivityId++ };
    this.activities.push(activity);
    return activity;
  }
}

function deviceName(manufacturer: string | number | null): string | null {
  // Strava shows a name only for devices on its list; Zepp's own link shows "Huami Amazfit Pace".
  if (manufacturer === 'zepp' || manufacturer === 339 || manufacturer === 'huami') return 'Huami Amazfit Pace';
  if (manufacturer === 'garmin') return 'Garmin';
  return null;
}

function defaultName(startMs: number, sportType: string, offsetS: number): string {
  const hour = new Date(startMs + offsetS * 1000).getUTCHours();
  const part =
    hour < 5
      ? 'Night'
      : hour < 12
        ? 'Morning'
        : hour < 14
          ? 'Lunch'
          : hour < 18
            ? 'Afternoon'
            : hour < 21
              ? 'Evening'
              : 'Night';
  const noun: Record<string, string> = { Run: 'Run', Ride: 'Ride', Walk: 'Walk', Hike: 'Hike', Swim: 'Swim' };
  return `${part} ${noun[sportType] ?? 'Activity'}`;
}
