// Connecting a Zepp account: e-mail + password through the two-step token
// flow (huami-token: registrations/{email}/tokens → access code →
// v2/client/login → app token), or a pasted app token; then region discovery
// by probing the regional data hosts with a cheap authenticated call, since a
// token only works on its own region's host. Credentials go only to
// allow-listed hosts, redirects are never followed, and no error message
// contains the password or a token.
import { BandsyncError } from '../../sync/failures.js';
import { candidateDataHosts, isAllowedZeppUrl, isChinaHost, regionGroup, ZEPP_LOGIN_ACCOUNT_HOST, ZEPP_LOGIN_USER_HOST } from './hosts.js';

export type ZeppLoginInput =
  | { readonly email: string; readonly password: string }
  | { readonly appToken: string; readonly userId: string };

export interface ZeppLoginOptions {
  readonly fetch?: typeof fetch;
  /** Step-1 host (default https://api-user.huami.com). */
  readonly userHost?: string;
  /** Step-2 host (default https://account.huami.com). */
  readonly accountHost?: string;
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
    if (!isAllowedZeppUrl(url, allow)) throw new BandsyncError('zepp_auth_failed', `Refusing to send Zepp credentials to ${new URL(url).origin}: not a Zepp host on the allow-list`);
  };
  const timeout = () => AbortSignal.timeout(options.timeoutMs ?? 30_000);

  let appToken: string;
  let userId: string;
  let loginToken: string | undefined;
  let hint: ReturnType<typeof regionGroup> = null;
  const fromPassword = 'email' in input;

  if ('email' in input) {
    const userHost = (options.userHost ?? ZEPP_LOGIN_USER_HOST).replace(/\/+$/, '');
    const accountHost = (options.accountHost ?? ZEPP_LOGIN_ACCOUNT_HOST).replace(/\/+$/, '');
    // Step 1: password → redirect whose Location carries an access code.
    const step1Url = `${userHost}/registrations/${encodeURIComponent(input.email.trim())}/tokens`;
    guard(step1Url);
    const step1 = await send(doFetch, step1Url, {
      state: 'REDIRECTION', client_id: 'HuaMi', password: input.password, redirect_uri: REDIRECT_URI,
      region: 'us-west-2', token: 'access', country_code: 'US',
    }, timeout(), 'login step 1');
    const location = step1.headers.get('location');
    await step1.body?.cancel();
    if (step1.status < 300 || step1.status >= 400 || !location) throw statusError(step1.status, 'login step 1');
    const query = new URL(location, 'https://invalid.local').searchParams;
    const access = query.get('access');
    if (!access) {
      throw new BandsyncError('zepp_auth_failed', `Zepp rejected the e-mail or password (${query.get('error') ? `error ${query.get('error')}` : 'no access code'}). Accounts created with Xiaomi/Google/Apple login need a pasted app token instead.`);
    }
    const countryCode = query.get('country_code') ?? (query.get('region') ?? 'us').slice(0, 2).toUpperCase();
    hint = regionGroup({ region: query.get('region'), countryCode });

    // Step 2: access code → app token + user id.
    const step2Url = `${accountHost}/v2/client/login`;
    guard(step2Url);
    const step2 = await send(doFetch, step2Url, {
      dn: 'account.huami.com,api-user.huami.com,app-analytics.huami.com,api-watch.huami.com,api-analytics.huami.com,api-mifit.huami.com',
      app_version: '5.9.2-play_100355', source: 'com.huami.watch.hmwatchmanager', country_code: countryCode,
      device_id: randomDeviceId(), third_name: 'huami', lang: 'en', device_model: 'android_phone',
      allow_registration: 'false', app_name: 'com.huami.midong', code: access, grant_type: 'access_token',
    }, timeout(), 'login step 2');
    const body = (await step2.json().catch(() => null)) as { token_info?: { app_token?: unknown; user_id?: unknown; login_token?: unknown }; error_code?: unknown } | null;
    const info = body?.token_info;
    if (!step2.ok || typeof info?.app_token !== 'string' || info.user_id === undefined) {
      const code = String(body?.error_code ?? '');
      if (code === '0113') throw new BandsyncError('zepp_region_wrong', 'Zepp says the account belongs to another region (error 0113).');
      if (step2.status === 429 || step2.status >= 500) throw statusError(step2.status, 'login step 2');
      throw new BandsyncError('zepp_auth_failed', `Zepp refused the login (${code ? `error ${code}` : `HTTP ${step2.status}`}${code === '0115' ? ': account disabled' : code === '0117' ? ': account not registered' : ''}).`);
    }
    appToken = info.app_token;
    userId = String(info.user_id);
    loginToken = typeof info.login_token === 'string' ? info.login_token : undefined;
  } else {
    appToken = input.appToken.trim();
    userId = input.userId.trim();
    if (appToken === '' || userId === '') throw new BandsyncError('zepp_auth_failed', 'Both the app token and the user id are needed.');
  }

  const baseUrl = await discoverRegion(doFetch, appToken, options.dataHosts ?? candidateDataHosts(hint), guard, timeout, fromPassword);
  return { appToken, userId, baseUrl, chinaRegion: isChinaHost(baseUrl) || hint === 'cn', ...(loginToken ? { loginToken } : {}) };
}

/** Tries each data host in turn with one history request; the first 2xx wins. */
async function discoverRegion(
  doFetch: typeof fetch, appToken: string, hosts: readonly string[], guard: (url: string) => void,
  timeout: () => AbortSignal, freshToken: boolean,
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
      res = await doFetch(url, { headers: { apptoken: appToken, appPlatform: 'web', appname: 'com.xiaomi.hm.health' }, redirect: 'manual', signal: timeout() });
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
  if (limited) throw new BandsyncError('zepp_rate_limited', 'Zepp rate-limited the region discovery; try again in a minute.');
  if (refused > 0 && freshToken) throw new BandsyncError('zepp_region_wrong', `No regional Zepp host accepted the new token (${refused} refused, ${unreachable} unreachable): the account lives in a region bandsync does not know yet.`);
  if (refused > 0) throw new BandsyncError('zepp_token_expired', `No regional Zepp host accepted the app token (${refused} refused, ${unreachable} unreachable): it expired, or was copied incompletely.`);
  throw new BandsyncError('zepp_unavailable', `No Zepp data host answered (${unreachable} tried).`);
}

async function send(doFetch: typeof fetch, url: string, form: Record<string, string>, signal: AbortSignal, what: string): Promise<Response> {
  try {
    return await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    throw new BandsyncError('zepp_unavailable', `Zepp ${what}: ${err instanceof Error ? err.name : 'network error'} (${new URL(url).origin})`);
  }
}

function statusError(status: number, what: string): BandsyncError {
  if (status === 429) return new BandsyncError('zepp_rate_limited', `Zepp ${what}: rate limited (HTTP 429)`);
  if (status >= 500) return new BandsyncError('zepp_unavailable', `Zepp ${what}: server error HTTP ${status}`);
  return new BandsyncError('zepp_auth_failed', `Zepp ${what}: unexpected HTTP ${status}`);
}

function randomDeviceId(): string {
  const hex = () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
  return `02:00:00:${hex()}:${hex()}:${hex()}`;
}
