// The Zepp / Huami cloud simulator as a Hono app (DESIGN §5). It serves what
// the client relies on, in the real formats: the two-step e-mail login (and,
// for newer accounts, its encrypted `x-hm-ekv` variant on the regional clusters),
// regional data hosts (as path prefixes `/region/<name>` on loopback; the root
// is the account's home region), `apptoken` header auth, history paging by the
// `next` cursor and per-workout detail. `control` injects the failures the
// real service shows: expired tokens, 429/5xx, malformed payloads, edits.
import { Hono, type Context } from 'hono';
import { decryptEkvForm, encryptEkv } from './ekv.js';
import { encodeDetail, encodeSummary } from './encode.js';
import { generateWorkout, planHistory, type PlannedWorkout, type SimWorkout } from './generate.js';
import { seededRandom } from './random.js';
import { SHAPES, type ShapeKind } from './shapes.js';
import { toTruth, type GeneratedWorkout } from './truth.js';

export interface ZeppSimulatorOptions {
  readonly seed?: number;
  readonly workouts?: number;
  readonly now?: () => Date;
  readonly years?: number;
  /** Items per history page (the real service sends about 200). */
  readonly pageSize?: number;
  /** The account's home region; data calls on another region's prefix get 401, like the real hosts. */
  readonly region?: string;
  /** Only these shapes (default: the realistic mix of all). */
  readonly shapes?: readonly ShapeKind[];
  /**
   * A newer Zepp account: the legacy step 1 (`/registrations/{email}/tokens`)
   * redirects without an access code, whatever the password; only the
   * encrypted login (`/v2/registrations/tokens`, `x-hm-ekv: 1`) works. The
   * encrypted login works for every account (default false: legacy works too).
   */
  readonly newerAccount?: boolean;
}

export const SIM_REGIONS = ['us2', 'us3', 'de2', 'cn2', 'sg', 'in2', 'ru'] as const;

export interface ZeppSimulatorControl {
  /** Every token issued so far stops working (as after a password change or the server's expiry). */
  expireTokens(): void;
  /** Issues a fresh app token (what a re-login would get) and returns it. */
  renewToken(): string;
  /** The next `times` matching requests answer `status` (429 carries Retry-After). */
  failNext(status: number, times?: number, route?: 'history' | 'detail' | 'any'): void;
  /** That workout's detail comes back malformed (a non-numeric series entry). */
  corruptDetail(trackId: string): void;
  /** The service edits an old workout (its summary changes: calories), as happens after a late sync. */
  editWorkout(trackId: string): void;
  /**
   * A new workout appears (the band synced): starts at `at` (default: so that it
   * ended a minute before now()). `seed` picks its content (tests choose one with
   * pauses and laps); default: the simulator's own random stream.
   */
  addWorkout(kind?: ShapeKind, at?: Date, seed?: number): GeneratedWorkout;
  /**
   * A recorded workout served as it is: its summary in the history (by its
   * `trackid`) and its detail payload, e.g. the real payloads in
   * test/fixtures/zepp. Not part of truth(), which lists generated workouts.
   */
  addRecorded(payload: { summary: Record<string, unknown>; detail: Record<string, unknown> }): void;
  /** Requests seen, oldest first (method + path + query, never headers). */
  requests(): readonly string[];
  /** Raw bodies of the encrypted-login step 1 requests, as they arrived, oldest first (tests check the password never travels in clear). */
  ekvBodies(): readonly Uint8Array[];
}

export interface ZeppSimulator {
  readonly app: Hono;
  readonly credentials: { appToken: string; userId: string; email: string; password: string };
  truth(): GeneratedWorkout[];
  readonly control: ZeppSimulatorControl;
}

interface Failure {
  status: number;
  remaining: number;
  route: 'history' | 'detail' | 'any';
}

export function createZeppSimulator(options: ZeppSimulatorOptions = {}): ZeppSimulator {
  const seed = options.seed ?? 1;
  const now = options.now ?? (() => new Date());
  const pageSize = options.pageSize ?? 200;
  const home = options.region ?? 'us2';
  const r = seededRandom(seed ^ 0x5eed);
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');

  let plans: PlannedWorkout[] = planHistory(seed, options.workouts ?? 250, now(), options.years ?? 2);
  if (options.shapes && options.shapes.length > 0) {
    const allowed = options.shapes;
    plans = plans.map((p, i) => ({ ...p, kind: allowed.includes(p.kind) ? p.kind : allowed[i % allowed.length]! }));
  }
  const credentials = {
    appToken: `sim-${hex(40)}`,
    userId: String(1_000_000_000 + Math.floor(r() * 8_999_999_999)),
    email: 'runner@example.com',
    password: 'correct horse battery staple',
  };
  const validTokens = new Set<string>([credentials.appToken]);
  const accessCodes = new Set<string>();
  const edits = new Map<number, number>();
  const corrupt = new Set<number>();
  const failures: Failure[] = [];
  const log: string[] = [];
  const ekvBodies: Uint8Array[] = [];
  const cache = new Map<number, SimWorkout>();
  const recorded = new Map<number, { summary: Record<string, unknown>; detail: Record<string, unknown> }>();

  const workoutOf = (plan: PlannedWorkout): SimWorkout => {
    let w = cache.get(plan.trackId);
    if (!w) {
      w = generateWorkout(plan);
      if (cache.size > 16) cache.delete(cache.keys().next().value!);
      cache.set(plan.trackId, w);
    }
    return w;
  };
  // Summaries are small and asked for on every listing: computed once per edit.
  const summaries = new Map<string, Record<string, unknown>>();
  const summaryOf = (plan: PlannedWorkout): Record<string, unknown> => {
    const real = recorded.get(plan.trackId);
    if (real) return real.summary;
    const key = `${plan.trackId}|${edits.get(plan.trackId) ?? 0}`;
    let s = summaries.get(key);
    if (!s) {
      s = encodeSummary(workoutOf(plan), { editCount: edits.get(plan.trackId) ?? 0 });
      summaries.set(key, s);
    }
    return s;
  };
  // A recorded workout is listed like a planned one; summaryOf and the detail route answer its payloads.
  const recordedPlans = (): PlannedWorkout[] =>
    [...recorded.keys()].map((trackId) => ({ trackId, kind: 'walk', seed: 0 }));
  const newestFirst = (): PlannedWorkout[] => [...plans, ...recordedPlans()].sort((a, b) => b.trackId - a.trackId);

  const app = new Hono();
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    log.push(`${c.req.method} ${url.pathname}${url.search}`);
    if (log.length > 20_000) log.splice(0, log.length - 10_000); // a long `simulate` run must not grow forever
    await next();
  });

  // ---- login, step 1 (api-user host): e-mail + password → redirect carrying an access code
  app.post('/registrations/:email/tokens', async (c) => {
    const form = await c.req.parseBody();
    const redirect =
      typeof form['redirect_uri'] === 'string'
        ? form['redirect_uri']
        : 'https://s3-us-west-2.amazonaws.com/hm-registration/successsignin.html';
    const email = decodeURIComponent(c.req.param('email'));
    // A newer account: the redirect carries no access code (notes §1.1 B: "the legacy step 1 often returns no access").
    if (options.newerAccount) return c.redirect(`${redirect}?state=REDIRECTION`, 303);
    if (
      email.toLowerCase() !== credentials.email ||
      form['password'] !== credentials.password ||
      form['token'] !== 'access'
    ) {
      return c.redirect(`${redirect}?error=401&state=REDIRECTION`, 303);
    }
    const code = `access-${hex(24)}`;
    accessCodes.add(code);
    return c.redirect(
      `${redirect}?access=${code}&country_code=${home.startsWith('cn') ? 'CN' : 'US'}&region=${regionName(home)}&expiration=${Math.floor(now().getTime() / 1000) + 600}`,
      303,
    );
  });

  // ---- login, step 2 (account host): access code → app token + user id
  app.post('/v2/client/login', (c) => clientLogin(c));
  async function clientLogin(c: Context): Promise<Response> {
    const form = await c.req.parseBody();
    const code = typeof form['code'] === 'string' ? form['code'] : '';
    if (form['grant_type'] !== 'access_token' || !accessCodes.has(code)) {
      return c.json({ error_code: '0106', message: 'verification failed' }, 401);
    }
    accessCodes.delete(code);
    const token = `sim-${hex(40)}`;
    validTokens.add(token);
    return c.json({
      token_info: {
        login_token: `login-${hex(32)}`,
        app_token: token,
        user_id: credentials.userId,
        ttl: 864000,
        app_ttl: 7776000,
      },
      regist_info: {
        is_new_user: 0,
        regist_date: 1500000000000,
        region: regionName(home),
        country_code: home.startsWith('cn') ? 'CN' : 'US',
      },
      thirdparty_info: { nickname: '', icon: '', third_id: '', email: credentials.email },
      result: 'ok',
    });
  }

  // ---- encrypted login (newer accounts): api-user-<cluster>.zepp.com/v2/registrations/tokens
  // and api-mifit-<cluster>.zepp.com/v2/client/login. The root serves the home
  // region's cluster; /region/de2 and /region/us2 are the EU and US clusters.
  // Shapes as in src/sources/zepp-cloud/login.ts (ekvLogin): the body is the
  // whole form encrypted (AES-128-CBC, the app's key/IV); success is a 303 whose
  // Location carries access (+ refresh, country_code, region), a wrong password
  // a 303 with error=401. Not in the sources, chosen here: a body that does not
  // decrypt, or a missing `x-hm-ekv`, gets a 400 with an encrypted JSON body
  // (fengfeng225/wxshuabushu decrypts such non-303 bodies); the wrong cluster
  // answers like an unknown account (error=401); step 2 on the wrong cluster
  // answers error_code 0113 (another region).
  const homeCluster = home.startsWith('de') ? 'de2' : 'us2';
  const ekvCluster = (region: string | undefined): string => region ?? homeCluster;
  const ekvTokens = async (c: Context): Promise<Response> => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    ekvBodies.push(raw);
    if (ekvBodies.length > 1000) ekvBodies.splice(0, ekvBodies.length - 500);
    const form = c.req.header('x-hm-ekv') === '1' ? decryptEkvForm(raw) : null;
    if (!form)
      return c.body(encryptEkv(JSON.stringify({ code: 0, message: 'invalid request' })), 400, {
        'content-type': 'application/octet-stream',
      });
    const redirect =
      form.get('redirect_uri') ?? 'https://s3-us-west-2.amazonaws.com/hm-registration/successsignin.html';
    const cluster = ekvCluster(c.req.param('region'));
    const ok =
      (form.get('emailOrPhone') ?? '').toLowerCase() === credentials.email &&
      form.get('password') === credentials.password &&
      form.getAll('token').includes('access') &&
      cluster === homeCluster;
    if (!ok) return c.redirect(`${redirect}?error=401&state=REDIRECTION`, 303);
    const code = `access-${hex(24)}`;
    accessCodes.add(code);
    return c.redirect(
      `${redirect}?access=${code}&refresh=refresh-${hex(24)}&country_code=${home.startsWith('de') ? 'DE' : 'US'}&region=${regionName(home)}&expiration=${Math.floor(now().getTime() / 1000) + 600}`,
      303,
    );
  };
  app.post('/v2/registrations/tokens', ekvTokens);
  app.post('/region/:region/v2/registrations/tokens', ekvTokens);
  app.post('/region/:region/v2/client/login', async (c) => {
    // With the header the real host answers binary, not JSON (an unattributed client test says so).
    if (c.req.header('x-hm-ekv'))
      return c.body(encryptEkv(JSON.stringify({ code: 0, message: 'invalid request' })), 400, {
        'content-type': 'application/octet-stream',
      });
    if (ekvCluster(c.req.param('region')) !== homeCluster)
      return c.json({ error_code: '0113', message: 'region mismatch' }, 400);
    return clientLogin(c);
  });

  // ---- data hosts: the root is the home region; /region/<r> is that region's host
  const data = new Hono();
  data.use('*', async (c, next) => {
    const region = c.req.param('region' as never) as string | undefined;
    const token = c.req.header('apptoken');
    if (!token || !validTokens.has(token) || (region !== undefined && region !== home)) {
      return c.json({ code: 0, message: 'invalid token' }, 401);
    }
    await next();
  });
  data.get('/v1/sport/run/history.json', (c) => {
    const fail = takeFailure('history');
    if (fail) return failureResponse(c, fail);
    const cursor = c.req.query('trackid');
    const limit = cursor !== undefined && cursor !== '' ? Number(cursor) : Number.POSITIVE_INFINITY;
    const nowS = Math.floor(now().getTime() / 1000);
    // A workout shows up once it has ended (the band syncs after the workout).
    const eligible = newestFirst().filter((p) => p.trackId <= limit && Number(summaryOf(p)['end_time']) <= nowS);
    const page = eligible.slice(0, pageSize);
    const next = eligible.length > pageSize ? eligible[pageSize]!.trackId : -1;
    return c.json({ code: 1, message: 'success', data: { next, summary: page.map(summaryOf) } });
  });
  data.get('/v1/sport/run/detail.json', (c) => {
    const fail = takeFailure('detail');
    if (fail) return failureResponse(c, fail);
    const trackId = Number(c.req.query('trackid'));
    const real = recorded.get(trackId);
    if (real && c.req.query('source')) return c.json({ code: 1, message: 'success', data: real.detail });
    const plan = plans.find((p) => p.trackId === trackId);
    if (!plan || !c.req.query('source')) return c.json({ code: 0, message: 'track not found', data: null }, 200);
    const detail = encodeDetail(workoutOf(plan));
    if (corrupt.has(trackId)) detail['heart_rate'] = `1,80;x,?;${String(detail['heart_rate'])}`;
    return c.json({ code: 1, message: 'success', data: detail });
  });
  app.route('/', data);
  app.route('/region/:region', data);

  function takeFailure(route: 'history' | 'detail'): Failure | null {
    const f = failures.find((x) => x.remaining > 0 && (x.route === 'any' || x.route === route));
    if (!f) return null;
    f.remaining--;
    return f;
  }
  function failureResponse(c: Context, f: Failure): Response {
    if (f.status === 429) return c.json({ code: 0, message: 'too many requests' }, 429, { 'Retry-After': '2' });
    return c.json({ code: 0, message: 'server error' }, f.status as 500);
  }

  const control: ZeppSimulatorControl = {
    expireTokens: () => validTokens.clear(),
    renewToken: () => {
      const token = `sim-${hex(40)}`;
      validTokens.add(token);
      return token;
    },
    failNext: (status, times = 1, route = 'any') => void failures.push({ status, remaining: times, route }),
    corruptDetail: (trackId) => void corrupt.add(Number(trackId)),
    editWorkout: (trackId) => void edits.set(Number(trackId), (edits.get(Number(trackId)) ?? 0) + 1),
    addWorkout: (kind = 'run', at, seed) => {
      const seedOf = seed ?? Math.floor(r() * 2 ** 31);
      // Default start: so that it ended a minute ago (just synced by the band).
      const elapsed = generateWorkout({ trackId: 0, kind, seed: seedOf }).elapsed;
      const start = at ? Math.floor(at.getTime() / 1000) : Math.floor(now().getTime() / 1000) - elapsed - 60;
      const plan: PlannedWorkout = { trackId: start, kind, seed: seedOf };
      plans.push(plan);
      return toTruth(workoutOf(plan));
    },
    addRecorded: ({ summary, detail }) => void recorded.set(Number(summary['trackid']), { summary, detail }),
    requests: () => [...log],
    ekvBodies: () => [...ekvBodies],
  };

  return {
    app,
    credentials,
    // Only what the history lists: workouts that have ended by now().
    truth: () =>
      [...plans]
        .sort((a, b) => a.trackId - b.trackId)
        .map((p) => generateWorkout(p))
        .filter((w) => w.plan.trackId + w.elapsed <= Math.floor(now().getTime() / 1000))
        .map((w) => toTruth(w, edits.get(w.plan.trackId) ?? 0)),
    control,
  };
}

function regionName(region: string): string {
  if (region.startsWith('de')) return 'eu-central-1';
  if (region.startsWith('cn')) return 'cn-north-1';
  if (region === 'sg') return 'ap-southeast-1';
  return 'us-west-2';
}

export { SHAPES };
