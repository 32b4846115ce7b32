// HTTP I/O with the Mi Fitness health API (notes §2, §3): every call is a
// signed, RC4-encrypted POST whose answer is RC4-encrypted too; the session's
// tokens go only in the Cookie header to allow-listed hosts, never in a URL,
// log or error. FDS objects are fetched with no cookies at all. Failures
// become BandsyncErrors the failures table knows; retries are the engine's.
import { readResponseText } from '../../archive/index.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import { BandsyncError } from '../../sync/failures.js';
import { makeNonce, rc4DecryptText, signRequest } from './crypto.js';
import type { MiSession } from './passport.js';
import type { MiHosts, MiRegion } from './regions.js';
import { envelopeSchema, formatZodError } from './schema.js';

export interface MiClientOptions {
  /** Budgets for what the cloud sends (its answers and detail files are untrusted input). */
  readonly limits?: Pick<InputLimits, 'fileBytes'>;
  readonly hosts: MiHosts;
  /** The current session (it changes after a refresh). */
  readonly session: () => MiSession;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

export const LIST_PATH = '/app/v1/data/get_sport_records_by_time';
export const DOWNLOAD_PATH = '/healthapp/service/gen_download_url';

/** Business codes that mean "the session is no longer good" (B MiApiException, S _request). */
const AUTH_CODES = new Set([2, 3, 401, 403, 1002, 10017, 70016, -6, -10001]);

export interface ListPageInput {
  readonly startTime: number;
  readonly endTime: number;
  readonly limit: number;
  readonly nextKey?: string;
}

export function createMiClient(options: MiClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fileBytes = (options.limits ?? DEFAULT_LIMITS).fileBytes;
  let count = 0;

  /** One signed call; returns the envelope's `result`. */
  async function call(region: MiRegion, path: string, body: unknown, what: string, signal?: AbortSignal) {
    const base = options.hosts.health(region);
    const url = `${base}${path}`;
    if (!options.hosts.allowed(url))
      throw new BandsyncError('mi_fitness_unavailable', `refusing to call ${new URL(url).origin}`);
    const session = options.session();
    // /healthapp/... endpoints are signed without their prefix (notes §2).
    const signPath = path.startsWith('/healthapp/') ? path.slice('/healthapp'.length) : path;
    const signed = signRequest({
      signPath,
      plain: JSON.stringify(body),
      ssecurity: session.ssecurity,
      nonce: makeNonce(now().getTime()),
    });
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    count++;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `serviceToken=${session.serviceToken}; cUserId=${session.cUserId}; locale=en`,
          region_tag: region,
        },
        body: new URLSearchParams({
          data: signed.data,
          rc4_hash__: signed.rc4_hash__,
          signature: signed.signature,
          _nonce: signed._nonce,
        }).toString(),
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const reason = timeout.aborted
        ? `no answer within ${timeoutMs / 1000} s`
        : err instanceof Error
          ? err.message
          : String(err);
      throw new BandsyncError('mi_fitness_unavailable', `Mi Fitness ${what}: ${reason} (${region})`);
    }
    const text = await readResponseText(res, `Mi Fitness ${what}`, fileBytes);
    if (res.status === 401 || res.status === 403)
      throw new BandsyncError(
        'mi_fitness_token_expired',
        `Mi Fitness ${what}: the session was refused (HTTP ${res.status})`,
      );
    if (res.status === 429)
      throw new BandsyncError(
        'mi_fitness_rate_limited',
        `Mi Fitness ${what}: rate limited (HTTP 429)`,
        retryAt(res.headers.get('retry-after'), now()),
      );
    if (res.status >= 300)
      throw new BandsyncError(
        'mi_fitness_unavailable',
        `Mi Fitness ${what}: HTTP ${res.status} from the ${region} host`,
      );
    let json: unknown;
    try {
      json = JSON.parse(rc4DecryptText(signed.nonceKey, text));
    } catch {
      // Expired sessions answer bodies that do not decrypt (notes §6).
      throw new BandsyncError(
        'mi_fitness_token_expired',
        `Mi Fitness ${what}: the answer does not decrypt with this session`,
      );
    }
    const env = envelopeSchema.safeParse(json);
    if (!env.success)
      throw new BandsyncError(
        'mi_fitness_unavailable',
        `Mi Fitness ${what}: unexpected answer: ${formatZodError(env.error)}`,
      );
    if (env.data.code !== 0) {
      if (AUTH_CODES.has(env.data.code))
        throw new BandsyncError(
          'mi_fitness_token_expired',
          `Mi Fitness ${what}: code ${env.data.code} (${env.data.message ?? 'auth'})`,
        );
      throw new BandsyncError(
        'mi_fitness_unavailable',
        `Mi Fitness ${what}: code ${env.data.code} (${env.data.message ?? 'no message'})`,
      );
    }
    return env.data.result;
  }

  return {
    listPage(region: MiRegion, input: ListPageInput, signal?: AbortSignal) {
      return call(
        region,
        LIST_PATH,
        {
          start_time: input.startTime,
          end_time: input.endTime,
          limit: input.limit,
          reverse: true,
          ...(input.nextKey ? { next_key: input.nextKey } : {}),
        },
        'workout list',
        signal,
      );
    },
    downloadUrls(
      region: MiRegion,
      did: string,
      items: readonly { timestamp: number; suffix: string }[],
      signal?: AbortSignal,
    ) {
      return call(region, DOWNLOAD_PATH, { did, items }, 'detail file addresses', signal);
    },
    /** A presigned FDS object: no cookies, no redirects. Null when the object is gone (403/404/410). */
    async downloadObject(url: string, signal?: AbortSignal): Promise<string | null> {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return null;
      }
      if (parsed.protocol !== 'https:' && !options.hosts.allowed(url)) return null;
      count++;
      let res: Response;
      try {
        res = await doFetch(url, { redirect: 'manual', signal: signal ?? AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        if (signal?.aborted) throw err;
        throw new BandsyncError('mi_fitness_unavailable', `Mi Fitness detail file: no answer from ${parsed.origin}`);
      }
      if ([401, 403, 404, 410].includes(res.status)) {
        await res.body?.cancel();
        return null;
      }
      if (res.status === 429)
        throw new BandsyncError(
          'mi_fitness_rate_limited',
          'Mi Fitness detail file: rate limited (HTTP 429)',
          retryAt(res.headers.get('retry-after'), now()),
        );
      if (!res.ok) {
        await res.body?.cancel();
        throw new BandsyncError('mi_fitness_unavailable', `Mi Fitness detail file: HTTP ${res.status}`);
      }
      return readResponseText(res, 'Mi Fitness detail file', fileBytes);
    },
    requestCount: () => count,
  };
}

export type MiClient = ReturnType<typeof createMiClient>;

function retryAt(header: string | null, now: Date): string {
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : 60;
  return new Date(now.getTime() + seconds * 1000).toISOString();
}
