// The Strava simulator as a Hono app: OAuth, uploads with asynchronous
// processing and duplicate detection, listing, manual activities, rate-limit
// headers and 429s on an injected clock, and switchable faults.
import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { registerWebPages } from './web-pages.js';
import { registerApi } from './api-routes.js';
import { FaultPlan, type FaultSpec } from './faults.js';
import { registerOAuth } from './oauth-routes.js';
import {
  deliver,
  registerPushSubscriptions,
  registerRevokePage,
  revokeAndNotify,
  type SimWebhookEvent,
} from './push-routes.js';
import { DEFAULT_LIMITS, isMetered, kindOf, type Limits } from './rate-limit.js';
import { ATHLETE, SimState, type SimActivity, type SimUpload } from './state.js';
import { fault } from './views.js';

export interface StravaSimulatorOptions {
  now?: () => Date;
  clientId?: string;
  clientSecret?: string;
  limits?: Limits;
  /** Polls of GET /uploads/{id} that still answer "processing" (default 1, as recorded). */
  processingPolls?: number;
  /** Simulated seconds after which an upload is processed without polls (default 1). */
  processingSeconds?: number;
  /** The athlete's profile zone, used for files without an offset and for manual activities (default 0). */
  athleteUtcOffsetSeconds?: number;
  /** Athletes the application may have connected at once (Strava: 1 for a new app, 10 on the Standard tier); default: no limit. */
  athleteCapacity?: number;
}

export interface RequestLogEntry {
  readonly at: string;
  readonly method: string;
  /** Path and query exactly as received. */
  readonly url: string;
  status: number | null;
}

export interface StravaSimulatorControl {
  uploads(): readonly SimUpload[];
  activities(): readonly SimActivity[];
  /** Every HTTP request received. */
  requestCount(): number;
  count429(): number;
  requests(): readonly RequestLogEntry[];
  /** Every access and refresh token the simulator ever issued. */
  issuedTokens(): readonly string[];
  /** Refresh-token rotations performed. */
  rotations(): number;
  setLimits(limits: Partial<Limits>): void;
  usage(): Limits;
  fault(spec: FaultSpec): void;
  clearFaults(): void;
  /** The athlete revokes the app in Strava's settings: their tokens stop working (no id: every athlete's). */
  deauthorizeAthlete(athleteId?: number): void;
  /**
   * The athlete revokes the app and Strava tells the application's webhook subscription
   * (an athlete `update` event, `{"authorized":"false"}`); resolves with the callback's
   * answer status (null: no subscription, or no answer).
   */
  deauthorizeAndNotify(athleteId: number): Promise<number | null>;
  /** Posts any event to the subscription's callback (subscription_id filled in), as Strava does. */
  deliverEvent(event: Omit<SimWebhookEvent, 'subscription_id'>): Promise<number | null>;
  /** The application's webhook subscription, if any. */
  subscription(): { readonly id: number; readonly callbackUrl: string } | null;
  /** Answer duplicates already at POST /uploads (400 with the duplicate text) instead of after processing. */
  setDuplicateAtSubmission(on: boolean): void;
  /** Health-data consent; when off, activities lose their heart rate. */
  setHeartRateConsent(on: boolean): void;
  /** Scopes the "user" grants on the consent page (null: whatever was asked). */
  setGrantedScopes(scopes: string[] | null): void;
  setAuthorizationDenied(denied: boolean): void;
  /** The person signed in to strava.com whose consent the authorize page gives (no id: the simulated athlete). */
  signInAs(athleteId?: number): void;
  /**
   * A fresh refresh token (default: the scopes bandsync needs) of the simulated athlete, or of another
   * athlete id: each token sees only its own athlete's activities and uploads, the rate limits are the application's.
   */
  issueRefreshToken(scopes?: string[], athleteId?: number): string;
  /** An activity that already exists on Strava (e.g. recorded by the Strava app). */
  addActivity(input: {
    startTime: string;
    elapsedSeconds: number;
    sportType: string;
    name?: string;
    distanceMeters?: number;
    externalId?: string | null;
    hasHeartrate?: boolean;
    /** Another athlete's activity (default: the simulated athlete's own). */
    athleteId?: number;
  }): SimActivity;
}

export interface StravaSimulator {
  readonly app: Hono;
  readonly credentials: { readonly clientId: string; readonly clientSecret: string; readonly refreshToken: string };
  readonly control: StravaSimulatorControl;
  /** Ends pending hangs (used by close()). */
  releaseHangs(): void;
}

const FULL_SCOPES = ['read', 'activity:write', 'activity:read_all'];

export function createStravaSimulator(options: StravaSimulatorOptions = {}): StravaSimulator {
  const state = new SimState({
    now: options.now ?? (() => new Date()),
    clientId: options.clientId ?? '24523',
    clientSecret: options.clientSecret ?? 'sim-secret-3f9a1c7e2b',
    limits: options.limits ?? DEFAULT_LIMITS,
    processingPolls: options.processingPolls ?? 1,
    processingSeconds: options.processingSeconds ?? 1,
    athleteUtcOffsetSeconds: options.athleteUtcOffsetSeconds ?? 0,
    ...(options.athleteCapacity !== undefined ? { athleteCapacity: options.athleteCapacity } : {}),
  });
  const faults = new FaultPlan();
  const flags = { denyAuthorization: false };
  const log: RequestLogEntry[] = [];
  const hangs = new Set<() => void>();
  let count429 = 0;

  const app = new Hono();

  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const method = c.req.method;
    const entry: RequestLogEntry = {
      at: state.options.now().toISOString(),
      method,
      url: url.pathname + url.search,
      status: null,
    };
    log.push(entry);
    state.settleDue();
    const f = faults.take(method, url.pathname);

    if (f?.kind === 'hang') {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          hangs.delete(done);
          resolve();
        };
        const timer = setTimeout(done, f.hangMs ?? 30_000);
        hangs.add(done);
      });
      entry.status = 504;
      return c.json({ message: 'Gateway Timeout' }, 504);
    }
    if (f?.kind === 'server_error') {
      entry.status = f.status ?? 500;
      return c.json({ message: 'Internal Server Error' }, (f.status ?? 500) as 500);
    }
    if (isMetered(url.pathname)) {
      const kind = kindOf(method, url.pathname);
      const { exceeded } = state.limiter.take(kind, state.nowMs());
      for (const [k, v] of Object.entries(state.limiter.headers(kind))) c.header(k, v);
      if (exceeded || f?.kind === 'rate_limit') {
        count429++;
        entry.status = 429;
        return c.json(fault('Rate Limit Exceeded', 'Application', exceeded ?? 'overall rate limit', 'exceeded'), 429);
      }
    } else if (f?.kind === 'rate_limit') {
      count429++;
      entry.status = 429;
      return c.json(fault('Rate Limit Exceeded', 'Application', 'overall rate limit', 'exceeded'), 429);
    }
    await next();
    entry.status = c.res.status;
    if (f?.kind === 'drop_response') {
      // The work is done and stored; the client never hears about it.
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      incoming?.socket.destroy();
      entry.status = null;
    }
  });

  registerOAuth(app, state, flags);
  registerPushSubscriptions(app, state);
  registerRevokePage(app, state);
  registerApi(app, state);
  registerWebPages(app, state);
  app.all('*', (c) => c.json(fault('Record Not Found', 'resource', 'path', 'invalid'), 404));

  const refreshToken = state.issueRefreshToken(FULL_SCOPES);

  const control: StravaSimulatorControl = {
    uploads: () => state.uploads,
    activities: () => state.activities,
    requestCount: () => log.length,
    count429: () => count429,
    requests: () => log,
    rotations: () => state.rotations,
    issuedTokens: () => [...state.issued],
    setLimits: (limits) => {
      state.limiter.limits = { ...state.limiter.limits, ...limits };
    },
    usage: () => state.limiter.snapshot(state.nowMs()),
    fault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    deauthorizeAthlete: (athleteId) => state.deauthorizeAthlete(athleteId),
    deauthorizeAndNotify: (athleteId) => revokeAndNotify(state, athleteId),
    deliverEvent: (event) => deliver(state, event),
    subscription: () => state.subscription,
    setDuplicateAtSubmission: (on) => {
      state.duplicateAtSubmission = on;
    },
    setHeartRateConsent: (on) => {
      state.hrConsent = on;
    },
    setGrantedScopes: (scopes) => {
      state.grantedScopes = scopes;
    },
    setAuthorizationDenied: (denied) => {
      flags.denyAuthorization = denied;
    },
    signInAs: (athleteId) => {
      state.signedIn = athleteId ?? ATHLETE.id;
    },
    issueRefreshToken: (scopes = FULL_SCOPES, athleteId) => state.issueRefreshToken(scopes, athleteId),
    addActivity: (input) => {
      const startMs = Date.parse(input.startTime);
      if (!Number.isFinite(startMs)) throw new Error(`addActivity: bad startTime ${input.startTime}`);
      return state.addManual({
        athleteId: input.athleteId ?? ATHLETE.id,
        gearId: null,
        externalId: input.externalId ?? null,
        uploadId: null,
        name: input.name ?? 'Existing activity',
        description: null,
        sportType: input.sportType,
        startMs,
        utcOffsetSeconds: state.options.athleteUtcOffsetSeconds,
        elapsedSeconds: input.elapsedSeconds,
        movingSeconds: input.elapsedSeconds,
        distanceMeters: input.distanceMeters ?? 0,
        elevationGainMeters: 0,
        hasHeartrate: input.hasHeartrate ?? false,
        sentHeartrate: input.hasHeartrate ?? false,
        averageHeartrate: null,
        maxHeartrate: null,
        calories: null,
        trainer: false,
        commute: false,
        manual: false,
        hideFromHome: false,
        hasGps: false,
        deviceName: null,
      });
    },
  };

  return {
    app,
    credentials: { clientId: state.options.clientId, clientSecret: state.options.clientSecret, refreshToken },
    control,
    releaseHangs: () => {
      for (const done of [...hangs]) done();
    },
  };
}
