// The Strava destination: every request passes the shared rate budget first
// (never sleeping: a spent budget throws strava_rate_limited with the reset
// time), every response's usage headers go back into the budget, and the
// access token is refreshed single-flight across processes.
import { BandsyncError } from '../sync/failures.js';
import type {
  ActivityUpdate,
  Destination,
  ManualActivityRequest,
  RateBudgetStore,
  RemoteActivity,
  UploadRequest,
  UpdatedActivity,
  UploadStatus,
} from '../sync/ports.js';
import { toRemoteActivity, type StravaSummaryActivity } from './activities.js';
import { describeFault, redact, type StravaFault } from './errors.js';
import { deauthorize as deauthorizeToken, refreshTokens, type StravaAthleteSummary } from './oauth.js';
import { parseRateHeaders, resetAfterLimit } from './rate-budget.js';
import type { StravaTokens, TokenStore } from './tokens.js';
import { buildUploadForm, duplicateInText, toUploadStatus, type StravaUpload } from './upload.js';

export interface StravaClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  tokens: TokenStore;
  /** Cross-process mutual exclusion (the store's withLock). */
  lock: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  budget: RateBudgetStore;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Requests of the overall budget that reads must leave to uploads (passed to tryReserve). */
  keepForUploads?: number;
  /** Per-request timeout; a hung Strava becomes strava_unavailable (or strava_upload_lost for uploads). */
  timeoutMs?: number;
  /** Told of every request sent to Strava (the CLI's request count, the daemon's /metrics). */
  onRequest?: (request: StravaRequest) => void;
}

/** One request sent to Strava, as observers see it. */
export interface StravaRequest {
  /** The budget it counts against; the token endpoint is not metered. */
  readonly kind: Kind | 'token';
  readonly method: string;
  readonly path: string;
}

export interface StravaClient extends Destination {
  athlete(): Promise<StravaAthleteSummary>;
  /** Revokes the app's access for the athlete (tokens must still be deleted by the caller). */
  deauthorize(): Promise<void>;
  /** The calories Strava shows for one activity (only GET /activities/{id} has them; one read). */
  activityCalories(activityId: string, signal?: AbortSignal): Promise<number | null>;
}

type Kind = 'upload' | 'read';
const PER_PAGE = 200;
// Refresh a little early so a token does not expire between check and use.
const EXPIRY_MARGIN_S = 60;

/** The connection closed under the request (undici's "other side closed", a reset), not a refusal or a timeout. */
function staleConnection(err: unknown): boolean {
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

export function createStravaClient(options: StravaClientOptions): StravaClient {
  const now = options.now ?? (() => new Date());
  const baseFetch = options.fetch ?? fetch;
  const keep = options.keepForUploads ?? 0;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const sent = (kind: StravaRequest['kind'], url: string, init: RequestInit | undefined) =>
    options.onRequest?.({ kind, method: init?.method ?? 'GET', path: new URL(url).pathname });
  let cached: StravaTokens | null = null;
  let inflight: Promise<StravaTokens> | null = null;

  const secrets = (): (string | undefined)[] => [options.clientSecret, cached?.accessToken, cached?.refreshToken];
  const nowSeconds = (): number => Math.floor(now().getTime() / 1000);

  /** One HTTP exchange through the budget; 429 blocks the budget until the reset. */
  async function send(kind: Kind, url: string, init: RequestInit): Promise<Response> {
    const retryAt = await options.budget.tryReserve(kind, now(), keep);
    if (retryAt !== null) {
      throw new BandsyncError('strava_rate_limited', `Strava ${kind} budget is spent until ${retryAt}`, retryAt);
    }
    sent(kind, url, init);
    const res = await baseFetch(url, init).catch((err: unknown) => {
      // A pooled keep-alive connection that Strava closed while this process was busy (a long
      // synchronous decode keeps the event loop from seeing the close): a read is sent again, once.
      if ((init.method ?? 'GET') === 'GET' && staleConnection(err)) return baseFetch(url, init);
      throw err;
    });
    const parsed = parseRateHeaders(res.headers);
    if (parsed.overall || parsed.read) await options.budget.record(parsed, now());
    if (res.status === 429) {
      const until = resetAfterLimit(parsed, now()).toISOString();
      await options.budget.block(until);
      await res.body?.cancel().catch(() => undefined);
      throw new BandsyncError('strava_rate_limited', `Strava answered 429 (rate limit); blocked until ${until}`, until);
    }
    return res;
  }

  // The token endpoint is not metered by Strava (its recorded answers carry
  // no rate headers), so it bypasses the budget; deauthorize is metered.
  const oauthFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (new URL(url).pathname.endsWith('/oauth/token')) {
      sent('token', url, init);
      return baseFetch(url, init);
    }
    return send('read', url, init ?? {});
  }) as typeof fetch;

  async function refresh(staleAccessToken: string | null): Promise<StravaTokens> {
    inflight ??= options
      .lock('strava-refresh', async () => {
        // Re-read inside the lock: another process may have rotated the tokens
        // while we waited, and its refresh token is the only one still valid.
        const stored = await options.tokens.load();
        if (!stored)
          throw new BandsyncError('strava_not_connected', 'No Strava tokens are stored. Run: bandsync connect strava');
        if (stored.accessToken !== staleAccessToken && stored.expiresAt - EXPIRY_MARGIN_S > nowSeconds()) return stored;
        const fresh = await refreshTokens({
          baseUrl: options.baseUrl,
          clientId: options.clientId,
          clientSecret: options.clientSecret,
          refreshToken: stored.refreshToken,
          previous: stored,
          fetch: oauthFetch,
        });
        await options.tokens.save(fresh);
        return fresh;
      })
      .finally(() => {
        inflight = null;
      });
    cached = await inflight;
    return cached;
  }

  async function currentTokens(): Promise<StravaTokens> {
    cached ??= await options.tokens.load();
    if (!cached)
      throw new BandsyncError('strava_not_connected', 'No Strava account is connected. Run: bandsync connect strava');
    if (cached.expiresAt - EXPIRY_MARGIN_S > nowSeconds()) return cached;
    return refresh(cached.accessToken);
  }

  function networkError(kind: Kind, what: string, err: unknown): BandsyncError {
    const reason =
      err instanceof Error
        ? err.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : err.message
        : String(err);
    // After POSTing an upload we cannot know whether Strava stored it: the
    // engine must resolve it by listing, never by uploading again.
    const code = kind === 'upload' ? 'strava_upload_lost' : 'strava_unavailable';
    return new BandsyncError(code, redact(`Strava ${what}: ${reason}`, secrets()));
  }

  /** An authenticated API call: refresh on expiry, one refresh-and-retry on 401, 5xx → unavailable. */
  async function api(
    kind: Kind,
    method: string,
    path: string,
    what: string,
    body?: RequestInit['body'],
    signal?: AbortSignal,
    retried = false,
    contentType?: string,
  ): Promise<{ status: number; text: string }> {
    const tokens = await currentTokens();
    const timeout = AbortSignal.timeout(timeoutMs);
    let status: number;
    let text: string;
    try {
      const res = await send(kind, new URL(path, base).toString(), {
        method,
        headers: {
          authorization: `Bearer ${tokens.accessToken}`,
          accept: 'application/json',
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (err instanceof BandsyncError) throw err;
      if (signal?.aborted) throw err;
      throw networkError(kind, what, err);
    }
    if (status === 401) {
      if (/_permission/.test(text)) {
        throw new BandsyncError(
          'strava_scope_missing',
          `Strava ${what}: ${describeFault(status, text)}. Reconnect and grant activity:write and activity:read_all.`,
        );
      }
      // Another athlete's activity: the token is fine, this one object is refused (javastrava's tests
      // against the real API expect 401 there). A refresh would not change the answer.
      if (faultResource(text) === 'Activity')
        throw new BandsyncError(
          'strava_update_refused',
          redact(`Strava ${what}: ${describeFault(status, text)} (not an activity of this athlete)`, secrets()),
        );
      if (!retried) {
        await refresh(tokens.accessToken);
        return api(kind, method, path, what, body, signal, true, contentType);
      }
      throw new BandsyncError(
        'strava_auth_revoked',
        redact(`Strava ${what}: ${describeFault(status, text)} (access revoked or token invalid)`, secrets()),
      );
    }
    if (status >= 500)
      throw new BandsyncError(
        'strava_unavailable',
        redact(`Strava ${what}: ${describeFault(status, text)}`, secrets()),
      );
    return { status, text };
  }

  function parseJson<T>(text: string, what: string): T {
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new BandsyncError('strava_unavailable', `Strava ${what}: the answer was not JSON`);
    }
  }

  function unexpected(what: string, status: number, text: string): BandsyncError {
    return new BandsyncError('internal', redact(`Strava ${what}: ${describeFault(status, text)}`, secrets()));
  }

  return {
    async listActivities(window, signal): Promise<RemoteActivity[]> {
      const afterMs = Date.parse(window.after);
      const beforeMs = window.before !== undefined ? Date.parse(window.before) : undefined;
      if (!Number.isFinite(afterMs) || (beforeMs !== undefined && !Number.isFinite(beforeMs))) {
        throw new BandsyncError('internal', `listActivities: bad window ${JSON.stringify(window)}`);
      }
      // Strava's after/before are exclusive epoch seconds: widen by a second, then filter exactly.
      const query = new URLSearchParams({ after: String(Math.floor(afterMs / 1000) - 1), per_page: String(PER_PAGE) });
      if (beforeMs !== undefined) query.set('before', String(Math.ceil(beforeMs / 1000)));
      const out: RemoteActivity[] = [];
      for (let page = 1; ; page++) {
        query.set('page', String(page));
        const what = `activity listing (page ${page})`;
        const { status, text } = await api(
          'read',
          'GET',
          `api/v3/athlete/activities?${query}`,
          what,
          undefined,
          signal,
        );
        if (status !== 200) throw unexpected(what, status, text);
        const items = parseJson<StravaSummaryActivity[]>(text, what);
        if (!Array.isArray(items)) throw new BandsyncError('strava_unavailable', `Strava ${what}: expected a list`);
        for (const item of items) {
          const a = toRemoteActivity(item);
          const t = Date.parse(a.startTime);
          if (t >= afterMs && (beforeMs === undefined || t < beforeMs)) out.push(a);
        }
        // A short page ends the listing: one request fewer per window, and an
        // activity missed here is still caught by Strava's duplicate check.
        if (items.length < PER_PAGE) break;
      }
      return out;
    },

    async activityCalories(activityId, signal): Promise<number | null> {
      if (!/^\d+$/.test(activityId))
        throw new BandsyncError('internal', `activityCalories: bad activity id ${JSON.stringify(activityId)}`);
      const what = `activity ${activityId}`;
      const { status, text } = await api('read', 'GET', `api/v3/activities/${activityId}`, what, undefined, signal);
      if (status !== 200) throw unexpected(what, status, text);
      const calories = parseJson<{ calories?: unknown }>(text, what).calories;
      return typeof calories === 'number' && Number.isFinite(calories) ? calories : null;
    },

    async updateActivity(activityId: string, update: ActivityUpdate, signal?: AbortSignal): Promise<UpdatedActivity> {
      if (!/^\d+$/.test(activityId))
        throw new BandsyncError('internal', `updateActivity: bad activity id ${JSON.stringify(activityId)}`);
      const what = `update of activity ${activityId}`;
      // UpdatableActivity as JSON, as the spec describes it; only the fields being changed are sent.
      const body = JSON.stringify({
        ...(update.sportType !== undefined ? { sport_type: update.sportType } : {}),
        ...(update.hideFromHome !== undefined ? { hide_from_home: update.hideFromHome } : {}),
      });
      const { status, text } = await api(
        'read',
        'PUT',
        `api/v3/activities/${activityId}`,
        what,
        body,
        signal,
        false,
        'application/json',
      );
      if (status === 404)
        throw new BandsyncError('strava_update_refused', `Strava has no activity ${activityId} (deleted on Strava?)`);
      if (status >= 400)
        throw new BandsyncError(
          'strava_update_refused',
          redact(`Strava refused the ${what}: ${describeFault(status, text)}`, secrets()),
        );
      const a = parseJson<{ id?: unknown; sport_type?: unknown; type?: unknown; hide_from_home?: unknown }>(text, what);
      return {
        id: String(a.id ?? activityId),
        sportType: typeof a.sport_type === 'string' ? a.sport_type : typeof a.type === 'string' ? a.type : '',
        hideFromHome: typeof a.hide_from_home === 'boolean' ? a.hide_from_home : null,
      };
    },

    async upload(request: UploadRequest, signal): Promise<UploadStatus> {
      const what = `upload ${request.externalId}`;
      const { status, text } = await api('upload', 'POST', 'api/v3/uploads', what, buildUploadForm(request), signal);
      if (status === 201 || status === 200) return toUploadStatus(parseJson<StravaUpload>(text, what));
      const dup = duplicateInText(text);
      if (dup !== null) {
        // Strava may answer a duplicate at submission; keep the upload id when the body is an Upload.
        let uploadId = '';
        try {
          const body = JSON.parse(text) as StravaUpload;
          uploadId = String(body.id_str ?? body.id ?? '');
        } catch {
          // plain text or HTML: the activity id is all there is
        }
        return { kind: 'duplicate', uploadId, activityId: dup, message: text.slice(0, 300) };
      }
      throw new BandsyncError(
        'strava_upload_rejected',
        redact(`Strava refused ${what}: ${describeFault(status, text)}`, secrets()),
      );
    },

    async getUpload(uploadId: string, signal): Promise<UploadStatus> {
      const what = `upload status ${uploadId}`;
      const { status, text } = await api(
        'read',
        'GET',
        `api/v3/uploads/${encodeURIComponent(uploadId)}`,
        what,
        undefined,
        signal,
      );
      if (status === 404) return { kind: 'error', uploadId, message: `Strava has no upload ${uploadId}` };
      if (status !== 200) throw unexpected(what, status, text);
      return toUploadStatus(parseJson<StravaUpload>(text, what));
    },

    async createManual(request: ManualActivityRequest, signal): Promise<{ activityId: string }> {
      const what = `manual activity ${request.externalId}`;
      const form = new URLSearchParams({
        name: request.name,
        sport_type: request.sportType,
        start_date_local: request.startTimeLocal,
        elapsed_time: String(Math.round(request.elapsedSeconds)),
        trainer: request.trainer ? '1' : '0',
      });
      if (request.distanceMeters !== undefined) form.set('distance', String(request.distanceMeters));
      if (request.description !== undefined) form.set('description', request.description);
      const { status, text } = await api('upload', 'POST', 'api/v3/activities', what, form, signal);
      if (status !== 201 && status !== 200) {
        throw new BandsyncError(
          'strava_upload_rejected',
          redact(`Strava refused ${what}: ${describeFault(status, text)}`, secrets()),
        );
      }
      const body = parseJson<{ id?: number | string }>(text, what);
      if (body.id === undefined)
        throw new BandsyncError('strava_unavailable', `Strava ${what}: no activity id in the answer`);
      return { activityId: String(body.id) };
    },

    async athlete(): Promise<StravaAthleteSummary> {
      const { status, text } = await api('read', 'GET', 'api/v3/athlete', 'athlete');
      if (status !== 200) throw unexpected('athlete', status, text);
      const a = parseJson<Record<string, unknown>>(text, 'athlete');
      return {
        id: String(a.id ?? ''),
        username: typeof a.username === 'string' ? a.username : null,
        firstname: typeof a.firstname === 'string' ? a.firstname : null,
        lastname: typeof a.lastname === 'string' ? a.lastname : null,
      };
    },

    async deauthorize(): Promise<void> {
      const tokens = await currentTokens();
      await deauthorizeToken({ baseUrl: options.baseUrl, accessToken: tokens.accessToken, fetch: oauthFetch });
    },
  };
}

/** The first error's resource of a Fault body ("Activity", "AccessToken", …), or null. */
function faultResource(text: string): string | null {
  try {
    return (JSON.parse(text) as StravaFault).errors?.[0]?.resource ?? null;
  } catch {
    return null;
  }
}
