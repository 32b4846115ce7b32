// Xiaomi Passport login for the Mi Fitness service (`sid=miothealth`, notes
// §1): password login, the STS exchange that yields the service token, the
// passToken refresh (no password), and the browser fallback's completion from
// the pasted final URL. Captcha (87001), step-two (81003) and security
// notifications are not automated: they become a MiLoginChallenge carrying
// the browser-login address, which the CLI and the dashboard offer. Cookies
// are kept by hand, redirects are followed only to allow-listed hosts, and
// no error message carries the password or a token.
import { randomBytes } from 'node:crypto';
import { BandsyncError } from '../../sync/failures.js';
import { clientSign, passwordHash } from './crypto.js';
import { miHosts, type MiHosts } from './regions.js';
import { formatZodError, passportSchema, storedSessionSchema, type PassportAnswer } from './schema.js';

export const MI_SID = 'miothealth';
const SAFE_PREFIX = '&&&START&&&';

/** What the health API needs; stored encrypted as one secret. */
export interface MiSession {
  readonly userId: string;
  readonly cUserId: string;
  readonly passToken: string;
  readonly ssecurity: string;
  readonly serviceToken: string;
  readonly deviceId: string;
  /** Country from the login redirect (`p_ur`), when Xiaomi said. */
  readonly countryHint?: string;
}

export interface PassportOptions {
  readonly hosts?: MiHosts;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export type ChallengeKind = 'captcha' | 'step2' | 'notification';

/** Xiaomi wants a human check; the way on is the browser login (sign in there, paste the final URL). */
export class MiLoginChallenge extends Error {
  constructor(
    readonly kind: ChallengeKind,
    readonly browserLoginUrl: string,
  ) {
    const what =
      kind === 'captcha'
        ? 'a captcha'
        : kind === 'step2'
          ? 'a verification code (two-step login)'
          : 'an e-mail/SMS approval of this new device';
    super(`Xiaomi asks for ${what} before it lets a new app sign in; signing in once in your browser gets past it.`);
    this.name = 'MiLoginChallenge';
  }
}

export function generateDeviceId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** The page the user signs in on when Xiaomi wants a captcha or a verification. */
export function browserLoginUrl(hosts: MiHosts = miHosts()): string {
  const q = new URLSearchParams({ sid: MI_SID, callback: hosts.stsCallback, _locale: 'en' });
  return `${hosts.account}/pass/serviceLogin?${q.toString()}`;
}

class Jar {
  private readonly cookies = new Map<string, string>();
  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  absorb(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || value === 'EXPIRED' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export function createPassport(options: PassportOptions = {}) {
  const hosts = options.hosts ?? miHosts();
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function call(url: string, jar: Jar, init: { method?: string; form?: Record<string, string> } = {}) {
    if (!hosts.allowed(url))
      throw new BandsyncError('mi_fitness_auth_failed', `refusing to send a login to ${new URL(url).origin}`);
    let res: Response;
    try {
      res = await doFetch(url, {
        method: init.method ?? (init.form ? 'POST' : 'GET'),
        headers: {
          cookie: jar.header(),
          ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          'user-agent': 'bandsync (Mi Fitness source)',
        },
        ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new BandsyncError(
        'mi_fitness_unavailable',
        `Xiaomi login: no answer from ${new URL(url).origin} (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    jar.absorb(res);
    return res;
  }

  async function answer(res: Response, what: string): Promise<PassportAnswer & { pragma: Record<string, unknown> }> {
    const text = await res.text();
    if (res.status === 429)
      throw new BandsyncError('mi_fitness_rate_limited', `Xiaomi ${what}: rate limited (HTTP 429)`);
    if (res.status >= 500) throw new BandsyncError('mi_fitness_unavailable', `Xiaomi ${what}: HTTP ${res.status}`);
    const body = text.startsWith(SAFE_PREFIX) ? text.slice(SAFE_PREFIX.length) : text;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new BandsyncError('mi_fitness_unavailable', `Xiaomi ${what}: HTTP ${res.status}, not a passport answer`);
    }
    const parsed = passportSchema.safeParse(json);
    if (!parsed.success)
      throw new BandsyncError(
        'mi_fitness_unavailable',
        `Xiaomi ${what}: unexpected answer: ${formatZodError(parsed.error)}`,
      );
    let pragma: Record<string, unknown> = {};
    try {
      const raw = res.headers.get('extension-pragma');
      if (raw) pragma = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // A malformed header only loses its fallback values.
    }
    return { ...parsed.data, pragma };
  }

  /** Turns a passport answer into a challenge, a refusal, or nothing (success). */
  function check(a: PassportAnswer, what: string): void {
    if (a.code === 87001) throw new MiLoginChallenge('captcha', browserLoginUrl(hosts));
    if (a.code === 81003) throw new MiLoginChallenge('step2', browserLoginUrl(hosts));
    if (a.code === 70016 || a.code === 70002)
      throw new BandsyncError(
        'mi_fitness_auth_failed',
        `Xiaomi ${what}: wrong e-mail/phone or password (code ${a.code})`,
      );
    if (a.code === 70022)
      throw new BandsyncError(
        'mi_fitness_rate_limited',
        `Xiaomi ${what}: too many logins; wait a few minutes (code 70022)`,
      );
    if (a.code !== 0)
      throw new BandsyncError(
        'mi_fitness_auth_failed',
        `Xiaomi ${what}: refused with code ${a.code} (${a.desc ?? a.description ?? 'no reason given'})`,
      );
    if (a.notificationUrl || (a.securityStatus ?? 0) !== 0)
      throw new MiLoginChallenge('notification', browserLoginUrl(hosts));
  }

  /** STS: follow `location` (signed with clientSign) to the service token. */
  async function sts(
    location: string,
    nonce: string,
    ssecurity: string,
    jar: Jar,
  ): Promise<{ serviceToken: string; country?: string }> {
    const sep = location.includes('?') ? '&' : '?';
    let url = `${location}${sep}clientSign=${encodeURIComponent(clientSign(nonce, ssecurity))}&_userIdNeedEncrypt=true`;
    let country: string | undefined;
    for (let hop = 0; hop < 6; hop++) {
      const pur = /[?&]p_ur=([A-Za-z]{2})\b/.exec(url)?.[1];
      if (pur) country = pur.toUpperCase();
      const res = await call(url, jar);
      await res.body?.cancel();
      const next = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && next) {
        url = new URL(next, url).toString();
        continue;
      }
      break;
    }
    const serviceToken = jar.get('miothealth_serviceToken') ?? jar.get('serviceToken');
    if (!serviceToken)
      throw new BandsyncError('mi_fitness_auth_failed', 'Xiaomi login: the STS step gave no service token');
    return { serviceToken, ...(country ? { country } : {}) };
  }

  function session(a: PassportAnswer & { pragma: Record<string, unknown> }, jar: Jar, deviceId: string) {
    const pick = (name: keyof PassportAnswer, cookie?: string): string | undefined =>
      (a[name] as string | undefined) ??
      (cookie ? jar.get(cookie) : undefined) ??
      (typeof a.pragma[name] === 'string' || typeof a.pragma[name] === 'number' ? String(a.pragma[name]) : undefined);
    const ssecurity = pick('ssecurity');
    const nonce = pick('nonce');
    const location = a.location;
    const passToken = pick('passToken', 'passToken');
    const userId = pick('userId', 'userId');
    const cUserId = pick('cUserId', 'cUserId') ?? a.encryptedUserId;
    if (!ssecurity || !nonce || !location || !passToken || !userId || !cUserId)
      throw new BandsyncError(
        'mi_fitness_auth_failed',
        'Xiaomi login: the answer lacks ssecurity, nonce, location or the user ids',
      );
    return { ssecurity, nonce, location, passToken, userId, cUserId, deviceId };
  }

  async function finish(
    a: PassportAnswer & { pragma: Record<string, unknown> },
    jar: Jar,
    deviceId: string,
  ): Promise<MiSession> {
    const s = session(a, jar, deviceId);
    const { serviceToken, country } = await sts(s.location, s.nonce, s.ssecurity, jar);
    return {
      userId: s.userId,
      cUserId: s.cUserId,
      passToken: jar.get('passToken') ?? s.passToken,
      ssecurity: s.ssecurity,
      serviceToken,
      deviceId,
      ...(country ? { countryHint: country } : {}),
    };
  }

  return {
    hosts,
    browserLoginUrl: () => browserLoginUrl(hosts),

    async loginWithPassword(input: { email: string; password: string; deviceId?: string }): Promise<MiSession> {
      const deviceId = input.deviceId ?? generateDeviceId();
      const jar = new Jar();
      jar.set('deviceId', deviceId);
      jar.set('userId', input.email);
      const meta = await answer(
        await call(`${hosts.account}/pass/serviceLogin?sid=${MI_SID}&_json=true`, jar),
        'login',
      );
      const form: Record<string, string> = {
        user: input.email,
        hash: passwordHash(input.password),
        sid: MI_SID,
        _json: 'true',
        _sign: meta._sign ?? '',
        qs: meta.qs ?? `?sid=${MI_SID}&_json=true`,
        callback: meta.callback ?? hosts.stsCallback,
      };
      const a = await answer(await call(`${hosts.account}/pass/serviceLoginAuth2`, jar, { form }), 'login');
      check(a, 'login');
      return finish(a, jar, deviceId);
    },

    /** A fresh service token and ssecurity from the long-lived passToken (notes §1.4). */
    async refresh(s: Pick<MiSession, 'userId' | 'passToken' | 'deviceId' | 'cUserId'>): Promise<MiSession> {
      const jar = new Jar();
      jar.set('userId', s.userId);
      jar.set('passToken', s.passToken);
      jar.set('deviceId', s.deviceId);
      const a = await answer(
        await call(`${hosts.account}/pass/serviceLogin?sid=${MI_SID}&_json=true`, jar),
        'token refresh',
      );
      if (a.code !== 0 || a.notificationUrl || (a.securityStatus ?? 0) !== 0 || !a.ssecurity)
        throw new BandsyncError(
          'mi_fitness_reverify',
          `Xiaomi token refresh: the passport wants you to sign in again (code ${a.code}${a.securityStatus ? `, securityStatus ${a.securityStatus}` : ''})`,
        );
      const done = await finish(
        { ...a, userId: a.userId ?? s.userId, cUserId: a.cUserId ?? s.cUserId, passToken: a.passToken ?? s.passToken },
        jar,
        s.deviceId,
      );
      return done;
    },

    /**
     * The browser fallback: the user signed in on browserLoginUrl() and pasted
     * the STS address the browser ended on. Following it sets the service
     * token and the user cookies; `ssecurity` then comes from a passToken call.
     */
    async completeBrowserLogin(finalUrl: string): Promise<MiSession> {
      let url: URL;
      try {
        url = new URL(finalUrl.trim());
      } catch {
        throw new BandsyncError(
          'mi_fitness_auth_failed',
          'the pasted text is not an address (copy the whole address bar)',
        );
      }
      const callback = new URL(hosts.stsCallback);
      if (url.origin !== callback.origin || !url.pathname.startsWith(callback.pathname))
        throw new BandsyncError(
          'mi_fitness_auth_failed',
          `the pasted address is not the sign-in's final page (it should start with ${hosts.stsCallback})`,
        );
      const deviceId = url.searchParams.get('d') ?? generateDeviceId();
      const jar = new Jar();
      jar.set('deviceId', deviceId);
      let next: string | null = url.toString();
      for (let hop = 0; next && hop < 6; hop++) {
        const res = await call(next, jar);
        await res.body?.cancel();
        const loc = res.headers.get('location');
        next = res.status >= 300 && res.status < 400 && loc ? new URL(loc, next).toString() : null;
      }
      const userId = jar.get('userId');
      const passToken = jar.get('passToken');
      const cUserId = jar.get('cUserId');
      if (!userId || !passToken || !cUserId)
        throw new BandsyncError(
          'mi_fitness_auth_failed',
          'the sign-in page gave no user cookies; it may have expired: sign in again and paste the new address at once',
        );
      return this.refresh({ userId, passToken, deviceId, cUserId });
    },
  };
}

export type MiPassport = ReturnType<typeof createPassport>;

/** A stored session, parsed: a damaged or missing one means connecting again. */
export function parseStoredSession(text: string | undefined): MiSession {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new BandsyncError('mi_fitness_token_expired', 'no readable Mi Fitness session is stored for this account');
  }
  const parsed = storedSessionSchema.safeParse(json);
  if (!parsed.success)
    throw new BandsyncError(
      'mi_fitness_token_expired',
      `the stored Mi Fitness session is incomplete: ${formatZodError(parsed.error)}`,
    );
  return parsed.data;
}
