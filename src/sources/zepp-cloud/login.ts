// Connecting a Zepp account: e-mail + password through the two-step token
// flow (huami-token: registrations/{email}/tokens → access code →
// v2/client/login → app token), or a pasted app token; then region discovery
// by probing the regional data hosts with a cheap authenticated call, since a
// token only works on its own region's host. Newer Zepp accounts get no access
// code from the legacy step 1: for them the same two steps run on the regional
// zepp.com clusters with an AES-encrypted step-1 body (`x-hm-ekv: 1`; see
// ekvLogin). Credentials go only to allow-listed hosts, redirects are never
// followed, and no error message contains the password or a token.
import { randomUUID } from 'node:crypto';
import { BandsyncError } from '../../sync/failures.js';
import { encryptEkvBody } from './ekv.js';
import {
  candidateDataHosts,
  ekvClusterFor,
  isAllowedZeppUrl,
  isChinaHost,
  regionGroup,
  ZEPP_EKV_CLUSTERS,
  ZEPP_LOGIN_ACCOUNT_HOST,
  ZEPP_LOGIN_USER_HOST,
  type ZeppEkvCluster,
} from './hosts.js';

export type ZeppLoginInput =
  { readonly email: string; readonly password: string } | { readonly appToken: string; readonly userId: string };

export interface ZeppLoginOptions {
  readonly fetch?: typeof fetch;
  /** Step-1 host (default https://api-user.huami.com). */
  readonly userHost?: string;
  /** Step-2 host (default https://account.huami.com). */
  readonly accountHost?: string;
  /**
   * Hosts of the encrypted login for newer accounts, per cluster; only the
   * clusters named are tried. Default: the real api-user-/api-mifit-{de2,us2}.zepp.com;
   * but when `userHost` is overridden (simulator, proxy), that host and
   * `accountHost` serve the encrypted login too, so an overridden login never
   * falls through to the real service.
   */
  readonly ekvHosts?: Partial<Record<ZeppEkvCluster, { readonly userHost: string; readonly accountHost: string }>>;
  /**
   * The account's region if known: 'eu', 'us', an AWS region (eu-central-1) or
   * a country code (DE). The encrypted login then asks only that cluster;
   * without it, the legacy step 1's redirect hint, else every cluster.
   */
  readonly region?: string;
  /** Data hosts to probe, in order (default: the real regional hosts, hinted region first). */
  readonly dataHosts?: readonly string[];
  /** Origins the user configured explicitly that may receive credentials besides the real Zepp hosts. */
  readonly allowOrigins?: readonly string[];
  readonly timeoutMs?: number;
}

export interface ZeppLoginResult {
  readonly appToken: string;
  readonly userId: string;
  /** The data host that accepted the token. */
  readonly baseUrl: string;
  readonly chinaRegion: boolean;
  /** Present after an e-mail login; lets a later re-login skip the password (not used yet). */
  readonly loginToken?: string;
}

const REDIRECT_URI = 'https://s3-us-west-2.amazonaws.com/hm-registration/successsignin.html';

export async function loginZepp(input: ZeppLoginInput, options: ZeppLoginOptions = {}): Promise<ZeppLoginResult> {
  const doFetch = options.fetch ?? fetch;
  const allow = options.allowOrigins ?? [];
  const guard = (url: string): void => {
    if (!isAllowedZeppUrl(url, allow))
      throw new BandsyncError(
        'zepp_auth_failed',
        `Refusing to send Zepp credentials to ${new URL(url).origin}: not a Zepp host on the allow-list`,
      );
  };
  const timeout = () => AbortSignal.timeout(options.timeoutMs ?? 30_000);

  let appToken: string;
  let userId: string;
  let loginToken: string | undefined;
  let hint: ReturnType<typeof regionGroup> = null;
  const fromPassword = 'email' in input;

  if ('email' in input) {
    const email = input.email.trim();
    const userHost = (options.userHost ?? ZEPP_LOGIN_USER_HOST).replace(/\/+$/, '');
    const accountHost = (options.accountHost ?? ZEPP_LOGIN_ACCOUNT_HOST).replace(/\/+$/, '');
    // Step 1: password → redirect whose Location carries an access code.
    const step1Url = `${userHost}/registrations/${encodeURIComponent(email)}/tokens`;
    guard(step1Url);
    const step1 = await send(
      doFetch,
      step1Url,
      {
        state: 'REDIRECTION',
        client_id: 'HuaMi',
        password: input.password,
        redirect_uri: REDIRECT_URI,
        region: 'us-west-2',
        token: 'access',
        country_code: 'US',
      },
      timeout(),
      'login step 1',
    );
    const location = step1.headers.get('location');
    await step1.body?.cancel();
    if (step1.status === 429 || step1.status >= 500) throw statusError(step1.status, 'login step 1');
    const query =
      step1.status >= 300 && step1.status < 400 && location
        ? new URL(location, 'https://invalid.local').searchParams
        : null;
    const access = query?.get('access');
    let session: LoginSession;
    if (access) {
      const countryCode = query!.get('country_code') ?? (query!.get('region') ?? 'us').slice(0, 2).toUpperCase();
      hint = regionGroup({ region: query!.get('region'), countryCode });
      // Step 2: access code → app token + user id.
      const step2Url = `${accountHost}/v2/client/login`;
      guard(step2Url);
      const step2 = await send(
        doFetch,
        step2Url,
        {
          dn: 'account.huami.com,api-user.huami.com,app-analytics.huami.com,api-watch.huami.com,api-analytics.huami.com,api-mifit.huami.com',
          app_version: '5.9.2-play_100355',
          source: 'com.huami.watch.hmwatchmanager',
          country_code: countryCode,
          device_id: randomDeviceId(),
          third_name: 'huami',
          lang: 'en',
          device_model: 'android_phone',
          allow_registration: 'false',
          app_name: 'com.huami.midong',
          code: access,
          grant_type: 'access_token',
        },
        timeout(),
        'login step 2',
      );
      session = await readLoginAnswer(step2, 'login step 2');
    } else {
      // No access code: the symptom of a newer Zepp account (notes §1.1 B), or
      // a wrong password; the encrypted login tells them apart.
      const legacyRefusal = query
        ? safeCode(query.get('error'))
          ? `error ${safeCode(query.get('error'))}`
          : 'no access code'
        : `HTTP ${step1.status}`;
      const named = options.region ? ekvClusterFor({ region: options.region, countryCode: options.region }) : null;
      const fromRedirect = query
        ? ekvClusterFor({ region: query.get('region'), countryCode: query.get('country_code') })
        : null;
      const configured =
        options.ekvHosts ??
        (options.userHost ? { eu: { userHost, accountHost }, us: { userHost, accountHost } } : ZEPP_EKV_CLUSTERS);
      const preferred = named ?? fromRedirect;
      const clusters = (['eu', 'us'] as const)
        .filter((c) => configured[c] !== undefined && (preferred === null || c === preferred))
        .map((c) => ({
          name: c,
          userHost: configured[c]!.userHost.replace(/\/+$/, ''),
          accountHost: configured[c]!.accountHost.replace(/\/+$/, ''),
        }))
        // One request per host pair: an overridden host serving both clusters is asked once.
        .filter(
          (c, i, all) => all.findIndex((o) => o.userHost === c.userHost && o.accountHost === c.accountHost) === i,
        );
      if (clusters.length === 0) {
        throw new BandsyncError(
          'zepp_auth_failed',
          `Zepp gave no access code (${legacyRefusal}) and no encrypted-login host is configured for ${preferred ? `the ${preferred.toUpperCase()} region` : 'any region'}.`,
        );
      }
      // A country named by the caller goes into the form when it belongs to the cluster asked (else the cluster's default).
      const country =
        options.region && /^[a-z]{2}$/i.test(options.region.trim()) ? options.region.trim().toUpperCase() : null;
      const done = await ekvLogin(doFetch, email, input.password, clusters, guard, timeout, legacyRefusal, country);
      session = done;
      hint = done.hint;
    }
    appToken = session.appToken;
    userId = session.userId;
    loginToken = session.loginToken;
  } else {
    appToken = input.appToken.trim();
    userId = input.userId.trim();
    if (appToken === '' || userId === '')
      throw new BandsyncError('zepp_auth_failed', 'Both the app token and the user id are needed.');
  }

  const baseUrl = await discoverRegion(
    doFetch,
    appToken,
    options.dataHosts ?? candidateDataHosts(hint),
    guard,
    timeout,
    fromPassword,
  );
  return {
    appToken,
    userId,
    baseUrl,
    chinaRegion: isChinaHost(baseUrl) || hint === 'cn',
    ...(loginToken ? { loginToken } : {}),
  };
}

interface LoginSession {
  readonly appToken: string;
  readonly userId: string;
  readonly loginToken: string | undefined;
}

// The encrypted login, as the Zepp 9.x app does it. Shapes, by source:
// - Step 1 body: the urlencoded form, AES-128-CBC encrypted whole (ekv.ts),
//   header `x-hm-ekv: 1`, content-type still form-urlencoded, no redirects
//   followed. Fields in this order, `token` twice (`token=access&token=refresh`):
//   emailOrPhone, state, client_id, password, redirect_uri, region,
//   token, token, country_code. Notes §1.1 B; the Zepp 9.12.5 clients found
//   by code search (unattributed excerpts: Go ZeppLoginWithURLs, Python
//   keyfetch.py and PasswordAuthProvider, the Italian client the notes cite);
//   fengfeng225/wxshuabushu:mimotion/util/zepp_helper.py@4aac6c4a sends the
//   same form with a single token=access to api-user.zepp.com.
// - Step 1 answer: HTTP 303 whose Location query carries `access=<code>`
//   (and `country_code`, sometimes `region`), or `error=<code>` when the
//   password is wrong (zepp_helper.py, nukix/toolbox:plugin/utility/sport/
//   XiaomiSport.php, every excerpt above). Two of them also read 400/401/403
//   as a refusal. One unattributed client also accepts `access` in a JSON
//   body; not followed here (no second source).
// - Step 2: `POST <cluster api-mifit host>/v2/client/login`, a plain (NOT
//   encrypted) form without `x-hm-ekv` (with it the answer is binary: an
//   unattributed test says so), fields code, device_id (a UUID), device_model,
//   app_version, dn (zepp.com names), third_name, source, app_name,
//   country_code, grant_type=access_token, allow_registration, lang; the
//   JSON answer is the legacy one (token_info.app_token/login_token/user_id or
//   error_code). Same excerpts; headers app_name/appname com.huami.webapp and
//   origin/referer user.zepp.com are sent by all four.
const EKV_APP_VERSION = '9.12.5';
const EKV_STEP1_HEADERS: Record<string, string> = {
  app_name: 'com.huami.midong',
  appname: 'com.huami.midong',
  appplatform: 'android_phone',
  v: '2.0',
  vn: EKV_APP_VERSION,
  cv: `151689_${EKV_APP_VERSION}`,
  vb: '202509151347',
  'user-agent': `Zepp/${EKV_APP_VERSION} (Pixel 4; Android 12; Density/2.75)`,
  'x-hm-ekv': '1',
  'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
};
const EKV_STEP2_HEADERS: Record<string, string> = {
  app_name: 'com.huami.webapp',
  appname: 'com.huami.webapp',
  origin: 'https://user.zepp.com',
  referer: 'https://user.zepp.com/',
  accept: 'application/json, text/plain, */*',
};

interface EkvCluster {
  readonly name: ZeppEkvCluster;
  readonly userHost: string;
  readonly accountHost: string;
}

/**
 * Tries the clusters in turn until one issues an access code and exchanges it.
 * A refusal on one cluster moves on (the account may live on the other);
 * 429 stops at once. The final error says why each cluster failed.
 */
async function ekvLogin(
  doFetch: typeof fetch,
  email: string,
  password: string,
  clusters: readonly EkvCluster[],
  guard: (url: string) => void,
  timeout: () => AbortSignal,
  legacyRefusal: string,
  country: string | null,
): Promise<LoginSession & { hint: ReturnType<typeof regionGroup> }> {
  const outcome: string[] = [];
  let refused = 0;
  let down = 0;
  let otherRegion = 0;
  for (const cluster of clusters) {
    const label = cluster.name.toUpperCase();
    const tokensUrl = `${cluster.userHost}/v2/registrations/tokens`;
    const loginUrl = `${cluster.accountHost}/v2/client/login`;
    guard(tokensUrl);
    guard(loginUrl);
    const defaults = ZEPP_EKV_CLUSTERS[cluster.name];
    const formCountry =
      country && ekvClusterFor({ countryCode: country }) === cluster.name ? country : defaults.countryCode;
    const form = new URLSearchParams([
      ['emailOrPhone', email],
      ['state', 'REDIRECTION'],
      ['client_id', 'HuaMi'],
      ['password', password],
      ['redirect_uri', REDIRECT_URI],
      ['region', defaults.region],
      ['token', 'access'],
      ['token', 'refresh'],
      ['country_code', formCountry],
    ]);
    let res: Response;
    try {
      res = await doFetch(tokensUrl, {
        method: 'POST',
        headers: EKV_STEP1_HEADERS,
        body: encryptEkvBody(form.toString()),
        redirect: 'manual',
        signal: timeout(),
      });
    } catch (err) {
      down++;
      outcome.push(`${label}: ${err instanceof Error ? err.name : 'network error'} (${new URL(tokensUrl).origin})`);
      continue;
    }
    const location = res.headers.get('location');
    await res.body?.cancel();
    if (res.status === 429)
      throw new BandsyncError(
        'zepp_rate_limited',
        `Zepp's ${label} login: rate limited (HTTP 429); try again in a few minutes.`,
      );
    if (res.status >= 500) {
      down++;
      outcome.push(`${label}: server error HTTP ${res.status}`);
      continue;
    }
    const query =
      res.status >= 300 && res.status < 400 && location
        ? new URL(location, 'https://invalid.local').searchParams
        : null;
    const access = query?.get('access');
    if (!access) {
      const error = safeCode(query?.get('error') ?? query?.get('error_code') ?? null);
      if (error || res.status === 400 || res.status === 401 || res.status === 403) {
        refused++;
        outcome.push(`${label}: refused (${error ? `error ${error}` : `HTTP ${res.status}`})`);
      } else {
        outcome.push(
          `${label}: HTTP ${res.status} ${query ? 'redirect without an access code' : 'instead of a redirect'}`,
        );
      }
      continue;
    }
    const countryCode = (safeCode(query!.get('country_code')) ?? formCountry).toUpperCase();
    const step2 = await send(
      doFetch,
      loginUrl,
      {
        code: access,
        device_id: randomUUID(),
        device_model: 'android_phone',
        app_version: EKV_APP_VERSION,
        dn: 'api-mifit.zepp.com,api-user.zepp.com,api-watch.zepp.com,app-analytics.zepp.com,auth.zepp.com,api-analytics.zepp.com',
        third_name: 'huami',
        source: `com.huami.watch.hmwatchmanager:${EKV_APP_VERSION}:151689`,
        app_name: 'com.huami.midong',
        country_code: countryCode,
        grant_type: 'access_token',
        allow_registration: 'false',
        lang: 'en',
      },
      timeout(),
      `${label} login step 2`,
      EKV_STEP2_HEADERS,
    );
    try {
      const session = await readLoginAnswer(step2, `${label} login step 2`);
      return { ...session, hint: regionGroup({ region: query!.get('region') ?? defaults.region, countryCode }) };
    } catch (err) {
      if (!(err instanceof BandsyncError) || err.code !== 'zepp_region_wrong') throw err;
      otherRegion++;
      outcome.push(`${label}: password accepted, but the account belongs to another region (error 0113)`);
    }
  }
  const summary = `legacy login: ${legacyRefusal}; ${outcome.join('; ')}`;
  if (down > 0)
    throw new BandsyncError(
      'zepp_unavailable',
      `Zepp's login for newer accounts did not answer on every region, so the password could not be checked (${summary}). Try again later.`,
    );
  if (otherRegion > 0)
    throw new BandsyncError(
      'zepp_region_wrong',
      `Zepp accepted the password but no region bandsync knows would log the account in (${summary}).`,
    );
  if (refused > 0)
    throw new BandsyncError(
      'zepp_auth_failed',
      `Zepp rejected the e-mail or password (${summary}). Accounts created with Xiaomi/Google/Apple login need a pasted app token instead.`,
    );
  throw new BandsyncError(
    'zepp_auth_failed',
    `Zepp's login answered in a way bandsync does not understand, so the service may have changed (${summary}). Paste an app token meanwhile.`,
  );
}

/** The v2/client/login JSON answer → the session, or the mapped failure. */
async function readLoginAnswer(res: Response, what: string): Promise<LoginSession> {
  const body = (await res.json().catch(() => null)) as {
    token_info?: { app_token?: unknown; user_id?: unknown; login_token?: unknown };
    error_code?: unknown;
  } | null;
  const info = body?.token_info;
  if (!res.ok || typeof info?.app_token !== 'string' || info.user_id === undefined) {
    const code = safeCode(body?.error_code === undefined ? null : String(body.error_code)) ?? '';
    if (code === '0113')
      throw new BandsyncError('zepp_region_wrong', 'Zepp says the account belongs to another region (error 0113).');
    if (res.status === 429 || res.status >= 500) throw statusError(res.status, what);
    throw new BandsyncError(
      'zepp_auth_failed',
      `Zepp refused the login (${code ? `error ${code}` : `HTTP ${res.status}`}${code === '0115' ? ': account disabled' : code === '0117' ? ': account not registered' : ''}).`,
    );
  }
  return {
    appToken: info.app_token,
    userId: String(info.user_id),
    loginToken: typeof info.login_token === 'string' ? info.login_token : undefined,
  };
}

/** A server's short error code, fit for a message; anything else (long, odd characters) is dropped. */
function safeCode(value: string | null | undefined): string | null {
  return value && /^[\w.-]{1,40}$/.test(value) ? value : null;
}

/** Tries each data host in turn with one history request; the first 2xx wins. */
async function discoverRegion(
  doFetch: typeof fetch,
  appToken: string,
  hosts: readonly string[],
  guard: (url: string) => void,
  timeout: () => AbortSignal,
  freshToken: boolean,
): Promise<string> {
  let refused = 0;
  let unreachable = 0;
  let limited = false;
  for (const host of hosts) {
    const base = host.replace(/\/+$/, '');
    const url = `${base}/v1/sport/run/history.json`;
    guard(url);
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { apptoken: appToken, appPlatform: 'web', appname: 'com.xiaomi.hm.health' },
        redirect: 'manual',
        signal: timeout(),
      });
    } catch {
      unreachable++;
      continue;
    }
    await res.body?.cancel();
    if (res.ok) return base;
    if (res.status === 401 || res.status === 403) refused++;
    else if (res.status === 429) limited = true;
    else unreachable++;
  }
  if (limited)
    throw new BandsyncError('zepp_rate_limited', 'Zepp rate-limited the region discovery; try again in a minute.');
  if (refused > 0 && freshToken)
    throw new BandsyncError(
      'zepp_region_wrong',
      `No regional Zepp host accepted the new token (${refused} refused, ${unreachable} unreachable): the account lives in a region bandsync does not know yet.`,
    );
  if (refused > 0)
    throw new BandsyncError(
      'zepp_token_expired',
      `No regional Zepp host accepted the app token (${refused} refused, ${unreachable} unreachable): it expired, or was copied incompletely.`,
    );
  throw new BandsyncError('zepp_unavailable', `No Zepp data host answered (${unreachable} tried).`);
}

async function send(
  doFetch: typeof fetch,
  url: string,
  form: Record<string, string>,
  signal: AbortSignal,
  what: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  try {
    return await doFetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    throw new BandsyncError(
      'zepp_unavailable',
      `Zepp ${what}: ${err instanceof Error ? err.name : 'network error'} (${new URL(url).origin})`,
    );
  }
}

function statusError(status: number, what: string): BandsyncError {
  if (status === 429) return new BandsyncError('zepp_rate_limited', `Zepp ${what}: rate limited (HTTP 429)`);
  if (status >= 500) return new BandsyncError('zepp_unavailable', `Zepp ${what}: server error HTTP ${status}`);
  return new BandsyncError('zepp_auth_failed', `Zepp ${what}: unexpected HTTP ${status}`);
}

function randomDeviceId(): string {
  const hex = () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0');
  return `02:00:00:${hex()}:${hex()}:${hex()}`;
}
