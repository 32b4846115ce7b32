// The Mi Fitness cloud simulator as a Hono app (DESIGN §5), speaking the
// protocol of notes/mi-fitness.md: the Xiaomi passport (`&&&START&&&` JSON,
// MD5 password hash, captcha 87001 / step-two 81003 / device-approval
// answers, passToken refresh, the STS step checked by clientSign), a browser
// sign-in page for the fallback, the regional health shards under
// /region/<name> (signed, RC4-encrypted requests and answers; a wrong shard
// lists nothing), gen_download_url and the FDS objects (AES-128-CBC, built
// with the documented layouts). `control` injects the failures the notes
// report: captcha, step-two, expired tokens, re-verification, wrong region,
// missing obj_key, expired links, throttling.
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { planHistory, type PlannedWorkout } from '../zepp-cloud/generate.js';
import { seededRandom } from '../zepp-cloud/random.js';
import type { ShapeKind } from '../zepp-cloud/shapes.js';
import { md5Upper, objKeyText, openSignedForm, sealAnswer, sealFds, stsSign, suffixOf } from './cipher.js';
import { gpsFile, miWorkout, recordFile, type MiSimWorkout } from './workouts.js';

export const MI_SIM_REGIONS = ['cn', 'sg', 'us', 'de', 'ru', 'i2'] as const;

export interface MiFitnessSimulatorOptions {
  readonly seed?: number;
  readonly workouts?: number;
  readonly years?: number;
  readonly now?: () => Date;
  /** The account's shard (default 'de'); the others list nothing. */
  readonly region?: (typeof MI_SIM_REGIONS)[number];
  /** The country the login redirect names (p_ur), default DE. */
  readonly country?: string;
  /** UTC offset of the workouts in 15-minute units (default 8 = UTC+2). */
  readonly timezone?: number;
  readonly shapes?: readonly ShapeKind[];
  /** Every n-th workout has no detail files (summary version 0); default 40, 0 = none. */
  readonly withoutDetailEvery?: number;
  /** Stop every workout after this many seconds (large backfill tests: the same shapes, less data). */
  readonly maxWorkoutSeconds?: number;
}

export type LoginChallenge = 'none' | 'captcha' | 'step2' | 'notification';

export interface MiFitnessSimulatorControl {
  /** What the password login answers next (the browser sign-in always works). */
  setLoginChallenge(kind: LoginChallenge): void;
  /** Every service token issued so far is refused (as after 24 h); the passToken still refreshes. */
  expireTokens(): void;
  /** The passToken refresh answers "verify again" (securityStatus 16) until a new sign-in. */
  requireReverify(): void;
  /** The next `times` health-API calls answer 429 with Retry-After. */
  throttle(times: number, retryAfterSeconds?: number): void;
  /** That workout's file list carries no obj_key (cannot be downloaded). */
  dropObjKey(sourceTime: number): void;
  /** That workout's download links answer 404 (expired / deleted object). */
  expireFiles(sourceTime: number): void;
  /** Requests seen (method + path, never bodies or cookies). */
  requests(): readonly string[];
  /** Service-token refreshes done through the passToken. */
  refreshCount(): number;
}

export interface MiTruth {
  readonly sourceTime: number;
  readonly sid: string;
  readonly key: string;
  readonly sport: string;
  readonly kind: ShapeKind;
  readonly startTime: string;
  readonly utcOffsetSeconds: number;
  readonly elapsedSeconds: number;
  readonly timerSeconds: number;
  readonly distanceMeters: number;
  readonly calories: number;
  readonly avgHeartRate: number;
  readonly hasDetail: boolean;
  readonly hasGps: boolean;
  readonly firstFix: { lat: number; lon: number } | null;
  readonly pauses: number;
  /** The band's pauses, seconds since start. */
  readonly pauseWindows: readonly { readonly start: number; readonly end: number }[];
  readonly lengths: number;
  readonly model: string;
}

export interface MiFitnessSimulator {
  readonly app: Hono;
  readonly credentials: { email: string; password: string };
  truth(): MiTruth[];
  readonly control: MiFitnessSimulatorControl;
}

const PREFIX = '&&&START&&&';

export function createMiFitnessSimulator(options: MiFitnessSimulatorOptions = {}): MiFitnessSimulator {
  const seed = options.seed ?? 1;
  const now = options.now ?? (() => new Date());
  const home = options.region ?? 'de';
  const country = options.country ?? 'DE';
  const tz = options.timezone ?? 8;
  const every = options.withoutDetailEvery ?? 40;
  const r = seededRandom(seed ^ 0x3117);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  let plans: PlannedWorkout[] = planHistory(seed, options.workouts ?? 250, now(), options.years ?? 2);
  if (options.shapes?.length) {
    const allowed = options.shapes;
    plans = plans.map((p, i) => ({ ...p, kind: allowed.includes(p.kind) ? p.kind : allowed[i % allowed.length]! }));
  }
  const credentials = { email: 'band@example.com', password: 'mi band nine' };
  const userId = String(6_000_000_000 + Math.floor(r() * 999_999_999));
  const cUserId = `cu_${hex(24)}`;

  let challenge: LoginChallenge = 'none';
  let reverify = false;
  let throttled = 0;
  let retryAfter = 30;
  let refreshes = 0;
  const noKey = new Set<number>();
  const expiredFiles = new Set<number>();
  const log: string[] = [];
  // serviceToken → its ssecurity; passTokens; STS nonces waiting; browser tickets.
  const sessions = new Map<string, { ssecurity: string }>();
  const passTokens = new Set<string>();
  const pendingSts = new Map<string, { ssecurity: string; passToken: string }>();
  const tickets = new Map<string, { passToken: string }>();
  const objects = new Map<string, { key: Buffer; bytes: () => Buffer; time: number }>();

  // Whole workouts (per-second data) are regenerated on demand and only a few kept; their list
  // elements and ground truth are small and kept for all, since every listing page needs them.
  const cache = new Map<number, MiSimWorkout>();
  const light = new Map<number, { envelope: Record<string, unknown>; truth: MiTruth }>();
  const workoutAt = (i: number): MiSimWorkout => {
    const plan = plans[i]!;
    let w = cache.get(plan.trackId);
    if (!w) {
      w = miWorkout(plan, i, tz, every > 0 && i % every === every - 1, options.maxWorkoutSeconds);
      if (cache.size > 16) cache.delete(cache.keys().next().value!);
      cache.set(plan.trackId, w);
      if (!light.has(i)) light.set(i, { envelope: w.envelope, truth: truthOf(w) });
    }
    return w;
  };
  const lightAt = (i: number) => {
    if (!light.has(i)) workoutAt(i);
    return light.get(i)!;
  };
  const indexOfTime = new Map(plans.map((p, i) => [p.trackId, i]));

  const b64 = (n: number) => randomBytes(n).toString('base64');
  const passportJson = (c: Context, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    return c.body(PREFIX + JSON.stringify(body), 200, { 'content-type': 'application/json' });
  };
  const base = (c: Context) => new URL(c.req.url).origin;
  const cookies = (c: Context): Record<string, string> =>
    Object.fromEntries(
      (c.req.header('cookie') ?? '')
        .split(';')
        .map((p) => p.trim().split('='))
        .filter((p) => p.length >= 2)
        .map(([k, ...v]) => [k!, v.join('=')]),
    );

  /** A successful passport answer: fresh ssecurity, nonce and an STS location on this simulator. */
  const grant = (c: Context, passToken: string) => {
    const ssecurity = b64(16);
    const nonce = String(Math.floor(r() * 2 ** 52));
    pendingSts.set(nonce, { ssecurity, passToken });
    return passportJson(c, {
      code: 0,
      desc: '成功',
      userId,
      cUserId,
      passToken,
      ssecurity,
      psecurity: b64(16),
      nonce,
      location: `${base(c)}/sts/healthapp/sts?d=sim&nonce=${nonce}&p_ur=${country}`,
      securityStatus: 0,
    });
  };

  const app = new Hono();
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    log.push(`${c.req.method} ${url.pathname}`);
    if (log.length > 20_000) log.splice(0, 10_000);
    await next();
  });

  // ---- passport: meta data / passToken refresh / the browser sign-in page
  app.get('/pass/serviceLogin', (c) => {
    if (c.req.query('_json') !== 'true') return c.html(loginPage(c.req.query('callback') ?? ''));
    const jar = cookies(c);
    if (jar.passToken && passTokens.has(jar.passToken) && jar.userId === userId) {
      if (reverify)
        return passportJson(c, {
          code: 0,
          securityStatus: 16,
          notificationUrl: `${base(c)}/identity/authStart?sid=miothealth`,
        });
      refreshes++;
      return grant(c, jar.passToken);
    }
    return passportJson(c, {
      code: 70016,
      desc: 'login required',
      _sign: `sign${hex(20)}`,
      qs: '%3Fsid%3Dmiothealth%26_json%3Dtrue',
      callback: `${base(c)}/sts/healthapp/sts`,
    });
  });

  // ---- passport: password login
  app.post('/pass/serviceLoginAuth2', async (c) => {
    const form = (await c.req.parseBody()) as Record<string, string>;
    if (form.sid !== 'miothealth') return passportJson(c, { code: 87001, captchaUrl: '/pass/getCode?icodeType=login' });
    if (challenge === 'captcha')
      return passportJson(c, { code: 87001, type: 'captcha', captchaUrl: '/pass/getCode?icodeType=login' });
    if (form.user?.toLowerCase() !== credentials.email || form.hash !== md5Upper(credentials.password))
      return passportJson(c, { code: 70016, desc: '密码错误' });
    if (challenge === 'step2')
      return passportJson(c, { code: 81003, _sign: `sign${hex(20)}`, qs: '', callback: '' }, { step1Token: hex(32) });
    if (challenge === 'notification')
      return passportJson(c, {
        code: 0,
        securityStatus: 16,
        notificationUrl: `${base(c)}/identity/authStart?sid=miothealth`,
      });
    const passToken = `V1:${hex(40)}`;
    passTokens.add(passToken);
    return grant(c, passToken);
  });

  // ---- the browser sign-in: always works (a human solved whatever Xiaomi asked)
  app.post('/pass/browserLogin', async (c) => {
    const form = (await c.req.parseBody()) as Record<string, string>;
    if (form.user?.toLowerCase() !== credentials.email || form.password !== credentials.password)
      return c.html(loginPage(form.callback ?? '', 'Wrong account or password'), 401);
    const passToken = `V1:${hex(40)}`;
    passTokens.add(passToken);
    reverify = false;
    const ticket = hex(24);
    tickets.set(ticket, { passToken });
    return c.redirect(`${base(c)}/sts/healthapp/sts?d=wb_${hex(32)}&ticket=${ticket}&p_ur=${country}`, 302);
  });

  // ---- STS: clientSign-checked nonce → serviceToken cookie; or a browser ticket → user cookies
  app.get('/sts/healthapp/sts', (c) => {
    const ticket = tickets.get(c.req.query('ticket') ?? '');
    if (ticket) {
      const serviceToken = `st_${hex(48)}`;
      sessions.set(serviceToken, { ssecurity: b64(16) });
      for (const [k, v] of Object.entries({ serviceToken, userId, cUserId, passToken: ticket.passToken }))
        c.header('set-cookie', `${k}=${v}; Path=/`, { append: true });
      return c.html('<p>Signed in. Copy the address of this page into bandsync.</p>');
    }
    const nonce = c.req.query('nonce') ?? '';
    const pending = pendingSts.get(nonce);
    if (!pending || c.req.query('clientSign') !== stsSign(nonce, pending.ssecurity)) return c.text('invalid sign', 401);
    pendingSts.delete(nonce);
    const serviceToken = `st_${hex(48)}`;
    sessions.set(serviceToken, { ssecurity: pending.ssecurity });
    c.header('set-cookie', `serviceToken=${serviceToken}; Path=/; HttpOnly`, { append: true });
    c.header('set-cookie', `userId=${userId}; Path=/`, { append: true });
    return c.text('ok');
  });

  // ---- health API on a regional shard
  const health = (
    path: string,
    signPath: string,
    handler: (region: string, body: Record<string, unknown>, origin: string) => unknown,
  ) =>
    app.post(`/region/:region${path}`, async (c) => {
      const region = c.req.param('region');
      if (throttled > 0) {
        throttled--;
        return c.text('Too Many Requests', 429, { 'retry-after': String(retryAfter) });
      }
      const session = sessions.get(cookies(c).serviceToken ?? '');
      if (!session || cookies(c).cUserId !== cUserId) return c.json({ code: 2, message: 'auth err' }, 401);
      const opened = openSignedForm((await c.req.parseBody()) as Record<string, string>, signPath, session.ssecurity);
      if (!opened.ok) return c.json({ code: -1, message: opened.why }, 400);
      const result = handler(region, JSON.parse(opened.plain) as Record<string, unknown>, base(c));
      return c.text(sealAnswer(opened.key, { code: 0, message: 'ok', result }));
    });

  health('/app/v1/data/get_sport_records_by_time', '/app/v1/data/get_sport_records_by_time', (region, body) => {
    if (region !== home) return { sport_records: [], has_more: false, next_key: null };
    const from = Number(body.start_time ?? 0);
    const to = Number(body.end_time ?? Number.MAX_SAFE_INTEGER);
    const limit = Math.max(1, Math.min(100, Number(body.limit ?? 50)));
    const offset = body.next_key ? Number(Buffer.from(String(body.next_key), 'base64url').toString()) : 0;
    const inWindow = plans.map((p, i) => ({ p, i })).filter(({ p }) => p.trackId >= from && p.trackId <= to);
    inWindow.sort((a, b) => b.p.trackId - a.p.trackId);
    const page = inWindow.slice(offset, offset + limit);
    const more = offset + limit < inWindow.length;
    return {
      sport_records: page.map(({ i }) => lightAt(i).envelope),
      has_more: more,
      next_key: more ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    };
  });

  health('/healthapp/service/gen_download_url', '/service/gen_download_url', (region, body, origin) => {
    const out: Record<string, unknown> = {};
    if (region !== home) return out;
    const items = Array.isArray(body.items) ? (body.items as { timestamp?: number; suffix?: string }[]) : [];
    for (const item of items) {
      const i = indexOfTime.get(Number(item.timestamp));
      if (i === undefined) continue;
      const w = workoutAt(i);
      if (!w.hasDetail || body.did !== w.sid) continue;
      for (const [fileType, build] of [
        [0, () => recordFile(w)],
        [2, () => gpsFile(w)],
      ] as const) {
        if (item.suffix !== suffixOf(w.start, w.tz, w.family.proto, fileType, w.sid)) continue;
        if (fileType === 2 && !w.sim.spec.gps) continue;
        const name = `${w.sid}/${w.start}/${fileType}/${hex(8)}`;
        const key = randomBytes(16);
        objects.set(name, { key, bytes: () => build()!, time: w.start });
        out[`${item.suffix}_${item.timestamp}`] = {
          url: `${origin}/fds/${encodeURIComponent(name)}?Expires=${Math.floor(now().getTime() / 1000) + 3600}`,
          obj_name: name,
          ...(noKey.has(w.start) ? {} : { obj_key: objKeyText(key) }),
          method: 'GET',
          expires_time: now().getTime() + 3_600_000,
        };
      }
    }
    return out;
  });

  app.get('/fds/:name', (c) => {
    const obj = objects.get(decodeURIComponent(c.req.param('name')));
    if (!obj || expiredFiles.has(obj.time)) return c.text('NoSuchKey', 404);
    if (c.req.header('cookie')) return c.text('no cookies on presigned links', 400);
    return c.text(sealFds(obj.bytes(), obj.key));
  });

  const control: MiFitnessSimulatorControl = {
    setLoginChallenge: (kind) => {
      challenge = kind;
    },
    expireTokens: () => sessions.clear(),
    requireReverify: () => {
      reverify = true;
    },
    throttle: (times, seconds = 30) => {
      throttled = times;
      retryAfter = seconds;
    },
    dropObjKey: (t) => noKey.add(t),
    expireFiles: (t) => expiredFiles.add(t),
    requests: () => log,
    refreshCount: () => refreshes,
  };

  const truth = (): MiTruth[] => plans.map((_, i) => lightAt(i).truth);

  return { app, credentials, truth, control };
}

function truthOf(w: MiSimWorkout): MiTruth {
  const s = w.summary;
  return {
    sourceTime: w.start,
    sid: w.sid,
    key: w.family.key,
    sport: w.family.sport,
    kind: w.plan.kind,
    startTime: new Date(w.start * 1000).toISOString().replace('.000Z', 'Z'),
    utcOffsetSeconds: w.tz * 900,
    elapsedSeconds: Number(s.duration),
    timerSeconds: Number(s.valid_duration),
    distanceMeters: Number(s.distance),
    calories: Number(s.calories),
    avgHeartRate: Number(s.avg_hrm),
    hasDetail: w.hasDetail,
    hasGps: w.hasDetail && w.sim.spec.gps && w.sim.gps.t.length > 0,
    firstFix: w.sim.gps.t.length ? { lat: w.sim.gps.lat[0]!, lon: w.sim.gps.lon[0]! } : null,
    pauses: w.sim.pauses.length,
    pauseWindows: w.sim.pauses.map((p) => ({ start: p.start, end: p.start + p.duration })),
    lengths: Number(s.turn_count ?? 0),
    model: w.model,
  };
}

function loginPage(callback: string, error?: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html><title>Xiaomi Account (simulator)</title>
<h1>Sign in to Xiaomi Account</h1>${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/pass/browserLogin">
<input type="hidden" name="callback" value="${esc(callback)}">
<label>Email <input name="user" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button>Sign in</button></form>`;
}
