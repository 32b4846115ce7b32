// HTTP I/O with one Zepp data host. The token goes only in the `apptoken`
// header (never a URL, log or error), redirects are never followed (a 3xx
// would carry the token to another host), and every failure becomes a
// BandsyncError whose code the failures table knows. No retries here: the
// engine reschedules by the table (DESIGN §4.2, waiting is rescheduling).
import { readResponseText } from '../../archive/index.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import { BandsyncError } from '../../sync/failures.js';
import { isAllowedZeppUrl } from './hosts.js';
import { envelopeSchema, formatZodError, historyDataSchema } from './schema.js';

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an address that is not a URL';
  }
}

export interface ZeppClientOptions {
  /** Budgets for what the cloud sends (its answers are untrusted input). */
  readonly limits?: Pick<InputLimits, 'fileBytes'>;
  readonly baseUrl: string;
  readonly appToken: string;
  /**
   * Origins besides the real Zepp hosts the token may go to: the configured
   * BANDSYNC_ZEPP_URL, or the address given when the account was connected.
   */
  readonly allowOrigins?: readonly string[];
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
  /** `appname` header: Zepp Life (com.xiaomi.hm.health) or Zepp (com.huami.midong); both accept web tokens. */
  readonly appName?: string;
}

export interface HistoryPage {
  readonly next: number;
  readonly summary: readonly unknown[];
}

export interface ZeppClient {
  history(cursor: number | undefined, signal?: AbortSignal): Promise<HistoryPage>;
  /** The detail `data` object, unvalidated. Throws zepp_payload_invalid when the service says the track is unreadable. */
  detail(trackId: string, source: string, signal?: AbortSignal): Promise<unknown>;
  requestCount(): number;
}

export function createZeppClient(options: ZeppClientOptions): ZeppClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const fileBytes = (options.limits ?? DEFAULT_LIMITS).fileBytes;
  let count = 0;

  async function getJson(
    path: string,
    query: Record<string, string>,
    what: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    // The base URL comes from the database, which others may have written to:
    // checked before every request, not only when the account was connected.
    if (!isAllowedZeppUrl(base, options.allowOrigins)) {
      throw new BandsyncError(
        'zepp_region_wrong',
        `Zepp ${what}: refusing to send the app token to ${originOf(base)}, which is not a Zepp host on the allow-list (was the account's stored address changed?); reconnect the account`,
      );
    }
    const url = `${base}${path}?${new URLSearchParams(query).toString()}`;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    let res: Response;
    count++;
    try {
      res = await doFetch(url, {
        headers: {
          apptoken: options.appToken,
          appPlatform: 'web',
          appname: options.appName ?? 'com.xiaomi.hm.health',
          accept: 'application/json',
        },
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const reason = timeout.aborted
        ? `no answer within ${(options.timeoutMs ?? 30_000) / 1000} s`
        : err instanceof Error
          ? err.message
          : String(err);
      throw new BandsyncError('zepp_unavailable', `Zepp ${what}: ${reason} (${base})`);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new BandsyncError(
        'zepp_token_expired',
        `Zepp ${what}: the app token was refused (HTTP ${res.status}) by ${base}; it expired or belongs to another region`,
      );
    }
    if (res.status === 429) {
      await res.body?.cancel();
      throw new BandsyncError(
        'zepp_rate_limited',
        `Zepp ${what}: rate limited (HTTP 429)`,
        retryAt(res.headers.get('retry-after'), now()),
      );
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new BandsyncError(
        'zepp_region_wrong',
        `Zepp ${what}: ${base} redirected (HTTP ${res.status}); the account lives on another regional host`,
      );
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw new BandsyncError('zepp_unavailable', `Zepp ${what}: server error HTTP ${res.status}`);
    }
    const text = await readResponseText(res, `Zepp ${what}`, fileBytes);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BandsyncError(
        what === 'history' ? 'zepp_unavailable' : 'zepp_payload_invalid',
        `Zepp ${what}: HTTP ${res.status} with a body that is not JSON (${text.length} bytes)`,
      );
    }
    if (!res.ok) throw new BandsyncError('zepp_unavailable', `Zepp ${what}: HTTP ${res.status}`);
    return json;
  }

  return {
    async history(cursor, signal) {
      const json = await getJson(
        '/v1/sport/run/history.json',
        cursor !== undefined ? { trackid: String(cursor) } : {},
        'history',
        signal,
      );
      const env = envelopeSchema.safeParse(json);
      if (!env.success)
        throw new BandsyncError('zepp_unavailable', `Zepp history: unexpected answer: ${formatZodError(env.error)}`);
      if (env.data.code !== 1 && env.data.code !== 0)
        throw new BandsyncError(
          'zepp_unavailable',
          `Zepp history: error code ${env.data.code} (${env.data.message ?? ''})`,
        );
      const data = historyDataSchema.safeParse(env.data.data);
      if (!data.success)
        throw new BandsyncError('zepp_unavailable', `Zepp history: unexpected page: ${formatZodError(data.error)}`);
      return { next: data.data.next, summary: data.data.summary };
    },
    async detail(trackId, source, signal) {
      const json = await getJson(
        '/v1/sport/run/detail.json',
        { trackid: trackId, source },
        `detail of ${trackId}`,
        signal,
      );
      const env = envelopeSchema.safeParse(json);
      // ZeppBridge accepts a bare data object too; so do we.
      if (!env.success) return json;
      if ((env.data.code !== 1 && env.data.code !== 0) || env.data.data === null || env.data.data === undefined) {
        throw new BandsyncError(
          'zepp_payload_invalid',
          `Zepp detail of ${trackId}: the service answered code ${env.data.code} (${env.data.message ?? 'no message'}) without data`,
        );
      }
      return env.data.data;
    },
    requestCount: () => count,
  };
}

function retryAt(header: string | null, now: Date): string {
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : NaN;
  const dated = header !== null && Number.isNaN(seconds) ? Date.parse(header) : NaN;
  const at = Number.isFinite(seconds)
    ? now.getTime() + seconds * 1000
    : Number.isFinite(dated)
      ? dated
      : now.getTime() + 60_000;
  return new Date(at).toISOString();
}
