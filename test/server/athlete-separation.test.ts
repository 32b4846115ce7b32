// The dashboard with two athletes (issue 18 items 4-6), through the daemon's
// own wiring (startDaemon: per-athlete store and engine per request) on a
// real store and the Strava simulator, each athlete's workouts uploaded to
// their own Strava athlete:
// - the administrator (ann, the first athlete) switches to bob; then every
//   route of the dashboard, enumerated from the Hono app, asked with ann's
//   ids (workouts, accounts) answers nothing of ann's, and changes nothing;
// - the administrator's view of bob shows his band's data and sync states,
//   never his Strava activity ids, links, names or numbers, while ann's own
//   pages show hers;
// - with one athlete there is no switcher.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import type { AppContext } from '../../src/app/context.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { createApp } from '../../src/server/app.js';
import type { DashboardEngine } from '../../src/server/deps.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { setAdministratorAthlete } from '../../src/app/athletes.js';
import { makeWorkout } from '../store/helpers.js';
import { Client } from './harness.js';

interface Seeded {
  context: AppContext;
  athleteId: string;
  workoutIds: string[];
  accountIds: string[];
  activityIds: string[];
  stravaLabel: string;
}

const CONNECTED = '2026-01-01T00:00:00.000Z';

async function seedAthlete(app: App, strava: RunningStravaSimulator, name: string, stravaId: number): Promise<Seeded> {
  const athlete = await app.athletes.add(name);
  const context = await app.forAthlete(athlete);
  const stravaAccount = await context.accounts.connectStravaWithRefreshToken({
    refreshToken: strava.control.issueRefreshToken(undefined, stravaId),
  });
  const files = await context.store.saveAccount({
    kind: 'files',
    label: `${name}-folder`,
    settings: { path: `/srv/${name}`, connectedAt: CONNECTED },
  });
  const workoutIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const w = await context.store.saveWorkout(files.id, makeWorkout(`${name}-${i}`, `2026-06-0${i + 3}T07:00:00.000Z`));
    await context.store.ensureRecord(w.id, 'strava', `bandsync-${w.id}`);
    await context.store.transition({
      workoutId: w.id,
      destination: 'strava',
      from: ['discovered'],
      to: 'fetched',
      reason: 'fetched',
    });
    workoutIds.push(w.id);
  }
  // Uploaded, then confirmed by the next listing (processing → synced).
  for (let run = 0; run < 5; run++) {
    await syncAll(context.deps, { skipDiscovery: true });
    const states = await Promise.all(workoutIds.map((id) => context.store.getRecord(id, 'strava')));
    if (states.every((r) => r?.state === 'synced')) break;
  }
  const activityIds: string[] = [];
  for (const id of workoutIds) {
    const record = await context.store.getRecord(id, 'strava');
    expect(record?.state).toBe('synced');
    activityIds.push(record!.activityId!);
  }
  return {
    context,
    athleteId: athlete.id,
    workoutIds,
    accountIds: [stravaAccount.id, files.id],
    activityIds,
    stravaLabel: stravaAccount.label,
  };
}

describe('the dashboard with two athletes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bandsync-dash-athletes-'));
  let strava: RunningStravaSimulator;
  let app: App;
  let daemon: RunningDaemon;
  let ann: Seeded;
  let bob: Seeded;
  let admin: Client;

  beforeAll(async () => {
    strava = await startStravaSimulator({ processingSeconds: 0 });
    app = await openApp({
      env: {
        BANDSYNC_DATA_DIR: join(dir, 'data'),
        BANDSYNC_STRAVA_URL: strava.url,
        STRAVA_CLIENT_ID: strava.credentials.clientId,
        STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
      },
      logger: silentLogger,
    });
    ann = await seedAthlete(app, strava, 'ann', 3001);
    daemon = await startDaemon(app, { port: 0, host: '127.0.0.1', work: false });
    admin = new Client(daemon.url!.replace(/\/$/, ''));
  }, 120_000);
  afterAll(async () => {
    await daemon?.close();
    await app?.close();
    await strava?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = async (c: Client, path: string) => {
    const res = await c.get(path);
    return { status: res.status, text: await res.text() };
  };

  it('shows no athlete switcher with one athlete', async () => {
    const { text } = await page(admin, '/workouts');
    expect(text).not.toContain('athlete-switch');
    for (const id of ann.workoutIds) expect(text).toContain(id);
    bob = await seedAthlete(app, strava, 'bob', 3002);
    // Strava's own numbers and names, distinct from the band's, to find them if a page showed them.
    for (const a of strava.control.activities()) {
      a.name = `Strava name of ${a.athleteId}`;
    }
  }, 120_000);

  it("switches to another athlete's pages, only with the CSRF token and an athlete that exists", async () => {
    const home = await page(admin, '/');
    expect(home.text).toContain('id="athlete-switch"');
    // The administrator is the first athlete, ann: her pages until another is chosen.
    expect(home.text).toMatch(new RegExp(`<option value="${ann.athleteId}" selected>ann</option>`));
    expect((await admin.post('/athlete/switch', { athlete: bob.athleteId })).status).toBe(403);
    const csrf = await admin.csrf('/');
    expect((await admin.post('/athlete/switch', { _csrf: csrf, athlete: 'nobody' })).status).toBe(400);
    const switched = await admin.post('/athlete/switch', { _csrf: csrf, athlete: bob.athleteId, back: '/workouts/x' });
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/workouts');
    const list = await page(admin, '/workouts');
    for (const id of bob.workoutIds) expect(list.text).toContain(id);
    for (const id of ann.workoutIds) expect(list.text).not.toContain(id);
  });

  it("reaches nothing of the first athlete's on any route, and changes nothing of hers", async () => {
    const before = await Promise.all(ann.workoutIds.map((id) => ann.context.store.getRecord(id, 'strava')));
    const ledgerBefore = await ann.context.store.countLedger({});
    // The routes as the dashboard registers them (the daemon's own app is built the same way, with
    // every optional part: the Athletes page, metrics, Strava sign-in and invites).
    const routes = createApp({
      store: app.store,
      budget: app.budget,
      engine: {} as DashboardEngine,
      now: () => new Date(),
      security: { remote: false },
      metrics: async () => ({ body: '', contentType: 'text/plain' }),
      athletes: async () => [],
      signIn: {} as never,
      perAthlete: { list: async () => [], administratorId: async () => null, view: async () => ({}) as never },
    })
      .routes.filter((r) => r.method === 'GET' || r.method === 'POST')
      .map((r) => ({ method: r.method, path: r.path }));
    expect(routes.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/workouts/:id/export/:format', '/connect/:id/disconnect', '/invite/:token', '/events']),
    );
    // What each parameter is filled with: ann's ids, and every value the route takes.
    const fill = (path: string): string[] => {
      if (path.includes('*') || /^\/(tiles|assets)\//.test(path)) return [];
      let paths = [path];
      const values: Record<string, string[]> = {
        ':id': path.startsWith('/connect/') ? ann.accountIds : ann.workoutIds,
        ':format': ['fit', 'tcx', 'gpx'],
        ':action': ['retry', 'skip', 'upload', 'anyway', 'remap'],
        // An invite link's token: a made-up one (a real one is the administrator's to hand out).
        ':token': ['made-up-token'],
      };
      for (const name of path.match(/:[a-z]+/gi) ?? []) {
        const options = values[name];
        if (!options) throw new Error(`no values for ${name} of ${path}: add them to this test`);
        paths = paths.flatMap((p) => options.map((v) => p.replace(name, encodeURIComponent(v))));
      }
      return paths;
    };
    const secrets = [...ann.workoutIds, ...ann.accountIds, ...ann.activityIds, 'ann-folder', ann.stravaLabel];
    let asked = 0;
    for (const route of routes) {
      // Ending or replacing the session would end the walk as bob's administrator view.
      if (['/logout', '/athlete/switch', '/login/strava'].includes(route.path)) continue;
      for (const path of fill(route.path)) {
        const csrf = await admin.csrf('/');
        let text: string;
        let status: number;
        if (route.path === '/events') {
          ({ status, text } = await firstEvents(admin, path));
        } else {
          const res =
            route.method === 'GET'
              ? await admin.get(path)
              : await admin.post(path, { _csrf: csrf, sportType: 'Run', from: '2026-01-01', to: '2026-12-31' });
          status = res.status;
          text = await res.text();
        }
        asked++;
        if (path !== route.path) {
          // ann's workout or account by id: a 404; an unknown account sends back to Connect.
          const expected = path.startsWith('/connect/') ? 303 : 404;
          expect(status, `${route.method} ${path}`).toBe(expected);
        }
        // The administrator's Athletes page lists everyone's sources by design; nothing of Strava's.
        const hidden = route.path === '/athletes' ? [...ann.activityIds, ann.stravaLabel] : secrets;
        // The address asked for comes back (a 404 names it, the switcher returns to it): that tells nothing.
        const shown = text.split(path).join('');
        for (const s of hidden) expect(shown, `${route.method} ${path} shows ${s}`).not.toContain(s);
      }
    }
    expect(asked).toBeGreaterThan(30);
    const after = await Promise.all(ann.workoutIds.map((id) => ann.context.store.getRecord(id, 'strava')));
    expect(after.map((r) => [r?.state, r?.activityId, r?.attempts])).toEqual(
      before.map((r) => [r?.state, r?.activityId, r?.attempts]),
    );
    expect(await ann.context.store.countLedger({})).toBe(ledgerBefore);
    expect((await ann.context.store.listAccounts()).map((a) => a.id).sort()).toEqual([...ann.accountIds].sort());
  }, 180_000);

  it("shows the administrator bob's band data and sync states, none of his Strava data", async () => {
    const pages = [
      '/',
      '/workouts',
      ...bob.workoutIds.map((id) => `/workouts/${id}`),
      '/log',
      '/connect',
      `/connect/${bob.accountIds[0]}/disconnect`,
    ];
    for (const path of pages) {
      const { status, text } = await page(admin, path);
      expect(status, path).toBe(200);
      for (const s of [...bob.activityIds, bob.stravaLabel, 'Strava name of', 'strava-link', '/activities/'])
        expect(text, `${path} shows ${s}`).not.toContain(s);
    }
    const workout = await page(admin, `/workouts/${bob.workoutIds[0]}`);
    expect(workout.text).toContain('id="sync-state"');
    expect(workout.text).toContain('On Strava');
    expect(workout.text).toContain('shown to them only (Strava&#39;s API agreement)');
    expect(workout.text).toContain('5.00 km'); // the band's distance
    // The comparison's Strava column stays empty: one empty cell per metric.
    expect(workout.text.match(/<td class="num"><\/td>/g)).toHaveLength(6);
  });

  it('shows the administrator their own Strava data', async () => {
    const csrf = await admin.csrf('/');
    await admin.post('/athlete/switch', { _csrf: csrf, athlete: ann.athleteId, back: '/' });
    const workout = await page(admin, `/workouts/${ann.workoutIds[0]}`);
    expect(workout.text).toContain('id="strava-link"');
    expect(workout.text).toContain(`/activities/${ann.activityIds[0]}`);
    // Strava's numbers in the comparison: no note instead of them.
    expect(workout.text).toContain('id="compare"');
    expect(workout.text).not.toContain('id="compare-note"');
    expect((await page(admin, '/connect')).text).toContain(ann.stravaLabel);
    for (const id of bob.workoutIds) expect((await page(admin, '/workouts')).text).not.toContain(id);
  });

  it("connects Strava for the athlete being viewed: Strava's return finds that athlete by its state", async () => {
    let csrf = await admin.csrf('/');
    await admin.post('/athlete/switch', { _csrf: csrf, athlete: bob.athleteId, back: '/connect' });
    csrf = await admin.csrf('/connect');
    const start = await admin.post('/connect/strava', { _csrf: csrf });
    expect(start.status).toBe(303);
    strava.control.signInAs(3002); // bob at strava.com, on the administrator's machine
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callback = consent.headers.get('location')!;
    expect(callback).toContain('/connect/strava/callback?');
    // Strava's return carries no session cookie (SameSite=Strict): a browser without one.
    const back = await new Client(admin.base).get(new URL(callback).pathname + new URL(callback).search);
    const text = await back.text();
    expect(back.status, text).toBe(200);
    expect(text).toContain('Strava connected: Strava.'); // not the name Strava gave bob: shown to bob only
    const bobStrava = (await bob.context.store.listAccounts()).filter((a) => a.kind === 'strava');
    expect(bobStrava).toHaveLength(1);
    expect(String(bobStrava[0]!.settings.athleteId)).toBe('3002');
    expect((await ann.context.store.listAccounts()).map((a) => a.id).sort()).toEqual([...ann.accountIds].sort());
  });

  it('follows the administrator set with `athlete admin`: then bob is theirs, ann another athlete', async () => {
    await setAdministratorAthlete(app, 'bob');
    try {
      const own = await page(admin, `/workouts/${ann.workoutIds[0]}`);
      expect(own.text).not.toContain('id="strava-link"');
      for (const id of ann.activityIds) expect(own.text).not.toContain(id);
      const csrf = await admin.csrf('/');
      await admin.post('/athlete/switch', { _csrf: csrf, athlete: bob.athleteId, back: '/' });
      expect((await page(admin, `/workouts/${bob.workoutIds[0]}`)).text).toContain('id="strava-link"');
    } finally {
      await setAdministratorAthlete(app, 'ann');
    }
  });
});

/** The first events of the stream (progress, budget, counts), then the connection is cut. */
async function firstEvents(c: Client, path: string): Promise<{ status: number; text: string }> {
  const abort = new AbortController();
  const res = await c.get(path, { signal: abort.signal });
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('event: counts')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  abort.abort();
  return { status: res.status, text };
}
