// Issue 18 item 4, the athlete's side: Sign in with Strava, invites and self
// sign-up, on the real daemon (embedded database, password login) over HTTP
// on loopback, with the Strava simulator granting each athlete's consent
// through its OAuth pages (signInAs picks who is signed in to strava.com).
// The callback is fetched without the session cookie, as a browser arriving
// from Strava's site sends none under SameSite=Strict.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import { makeWorkout } from '../store/helpers.js';
import { hashSecret } from '../../src/app/invites.js';
import { Client, quickPasswordHash } from './harness.js';

const PASSWORD = 'correct horse battery';
let strava: RunningStravaSimulator;
let app: App;
let daemon: RunningDaemon;
let base: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bandsync-signin-'));
  // Room for two athletes: a refused sign-in must not keep a place.
  strava = await startStravaSimulator({ athleteCapacity: 2 });
  app = await openApp({
    flags: {
      dataDir,
      stravaUrl: strava.url,
      stravaClientId: strava.credentials.clientId,
      stravaClientSecret: strava.credentials.clientSecret,
    },
  });
  daemon = await startDaemon(app, { port: 0, host: '127.0.0.1', password: quickPasswordHash(PASSWORD), work: false });
  base = daemon.url!.replace(/\/$/, '');
});

afterAll(async () => {
  await daemon?.close();
  await app?.close();
  await strava?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function administrator(): Promise<Client> {
  const client = new Client(base);
  const res = await client.post('/login', { _csrf: await client.csrf('/login'), password: PASSWORD });
  expect(res.status).toBe(303);
  return client;
}

async function invite(admin: Client, name: string): Promise<string> {
  const res = await admin.post('/athletes/invite', { _csrf: await admin.csrf('/athletes'), name });
  expect(res.status).toBe(200);
  const link = /id="invite-link" readonly size="70" value="([^"]+)"/.exec(await res.text())?.[1];
  expect(link).toMatch(new RegExp(`^${base}/invite/[A-Za-z0-9_-]{32}$`));
  return link!.slice(base.length);
}

/** Signs in with Strava as `stravaId` (optionally through an invite page): the finishing answer. */
async function signInWithStrava(client: Client, stravaId: number, invitePath?: string): Promise<Response> {
  strava.control.signInAs(stravaId);
  const form = invitePath ?? '/login';
  const page = await (await client.get(form)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
  const token = invitePath ? /name="invite" value="([^"]+)"/.exec(page)![1]! : '';
  const start = await client.post('/login/strava', { _csrf: csrf, ...(token ? { invite: token } : {}) });
  if (start.status !== 303) return start;
  const authorize = start.headers.get('location')!;
  expect(authorize.startsWith(strava.url)).toBe(true);
  const consent = await fetch(authorize, { redirect: 'manual' });
  const callback = consent.headers.get('location')!;
  expect(callback.startsWith(`${base}/login/strava/callback?`)).toBe(true);
  const arrival = await fetch(callback, { redirect: 'manual' }); // no cookie: it comes from Strava's site
  const text = await arrival.text();
  if (arrival.status !== 200) return new Response(text, { status: arrival.status });
  const next = /<a href="([^"]+)" id="continue">/.exec(text)![1]!.replace(/&amp;/g, '&');
  return client.get(next);
}

describe('Sign in with Strava', () => {
  let invitePath: string;

  it('an invited athlete opens the link, signs in with Strava, gets their Strava connected and an athlete session', async () => {
    const admin = await administrator();
    invitePath = await invite(admin, 'bea');
    const bea = new Client(base);
    const page = await (await bea.get(invitePath)).text();
    expect(page).toContain('Welcome, bea');

    const done = await signInWithStrava(bea, 2002, invitePath);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/');
    const athlete = (await app.athletes.byName('bea'))!;
    expect(athlete.stravaAthleteId).toBe('2002');
    const accounts = await app.athletes.scoped(athlete.id).listAccounts();
    expect(accounts.map((a) => [a.kind, a.settings.athleteId])).toEqual([['strava', '2002']]);
    const sessions = await app.db.query<{ role: string; athlete_id: string | null }>(
      "SELECT role, athlete_id FROM sessions WHERE role = 'athlete'",
    );
    expect(sessions).toEqual([{ role: 'athlete', athlete_id: athlete.id }]);
    const home = await bea.get('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Signed in as bea.');
    // The administrator's pages are not an athlete's.
    expect((await bea.get('/athletes')).status).toBe(403);
  });

  it('the invite link works once', async () => {
    const again = new Client(base);
    const page = await again.get(invitePath);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('This invite link has been used or has expired');
    const token = invitePath.split('/').pop()!;
    const res = await again.post('/login/strava', { _csrf: await again.csrf('/login'), invite: token });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('has been used or has expired');
  });

  it('a bound athlete signs in again without an invite; one already bound is refused on another invite, which stays usable', async () => {
    const bea = new Client(base);
    expect((await signInWithStrava(bea, 2002)).status).toBe(303);
    expect(await (await bea.get('/')).text()).toContain('Signed in as bea.');

    const admin = await administrator();
    const cyLink = await invite(admin, 'cy');
    const refused = await signInWithStrava(new Client(base), 2002, cyLink);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('already belongs to another athlete');
    expect((await new Client(base).get(cyLink)).status).toBe(200);
    expect((await app.athletes.byName('cy'))!.stravaAthleteId).toBeNull();
  });

  it("an athlete's session sees only their own workouts, and cannot change the instance's poll interval", async () => {
    const seeded: Record<string, string> = {};
    for (const name of ['bea', 'cy']) {
      const context = await app.forAthlete((await app.athletes.byName(name))!);
      const files = await context.store.saveAccount({
        kind: 'files',
        label: `${name}-folder`,
        settings: { path: `/srv/${name}` },
      });
      const w = await context.store.saveWorkout(files.id, makeWorkout(`${name}-run`, '2026-06-03T07:00:00.000Z'));
      await context.store.ensureRecord(w.id, 'strava', `bandsync-${w.id}`);
      seeded[name] = w.id;
    }
    const bea = new Client(base);
    expect((await signInWithStrava(bea, 2002)).status).toBe(303);
    const list = await (await bea.get('/workouts')).text();
    expect(list).toContain(`/workouts/${seeded.bea}`);
    expect(list).not.toContain(seeded.cy);
    expect((await bea.get(`/workouts/${seeded.bea}`)).status).toBe(200);
    expect((await bea.get(`/workouts/${seeded.cy}`)).status).toBe(404);

    const settings = await (await bea.get('/settings')).text();
    expect(settings).toContain('id="poll-fixed"');
    const saved = await bea.post('/settings', {
      _csrf: await bea.csrf('/settings'),
      pollMinutes: '1',
      deviceName: 'Bea band',
    });
    expect(saved.status).toBe(303);
    expect(await app.store.getSetting('poll-interval')).toBe(app.config.pollIntervalSeconds); // not 60
  });

  it("an athlete's login survives a restart of the daemon on the same data dir", async () => {
    const bea = new Client(base);
    expect((await signInWithStrava(bea, 2002)).status).toBe(303);
    await daemon.close();
    await app.close();
    app = await openApp({
      flags: {
        dataDir,
        stravaUrl: strava.url,
        stravaClientId: strava.credentials.clientId,
        stravaClientSecret: strava.credentials.clientSecret,
      },
    });
    daemon = await startDaemon(app, { port: 0, host: '127.0.0.1', password: quickPasswordHash(PASSWORD), work: false });
    base = daemon.url!.replace(/\/$/, '');
    const again = new Client(base); // the same browser, at the restarted daemon's new port
    again.cookie = bea.cookie;
    const home = await again.get('/workouts');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Run bea-run');
    expect((await again.get('/athletes')).status).toBe(403);
  });

  it('refuses an unknown Strava athlete without self sign-up, and revokes what Strava granted', async () => {
    const stranger = new Client(base);
    const refused = await signInWithStrava(stranger, 3003);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('ask the administrator for an invite');
    expect((await stranger.get('/')).headers.get('location')).toBe('/login');
    expect((await app.athletes.list()).map((a) => a.name).sort()).toEqual(['bea', 'cy']);
  });

  it('with self sign-up on, a new Strava athlete becomes an athlete; a full Strava application is a clear message', async () => {
    const admin = await administrator();
    const toggled = await admin.post('/athletes/self-signup', { _csrf: await admin.csrf('/athletes'), on: '1' });
    expect(toggled.status).toBe(303);
    expect(await (await admin.get('/athletes')).text()).toContain('id="self-signup-state">on<');

    // The refused stranger's grant was revoked, so the second place is free.
    const dee = new Client(base);
    expect((await signInWithStrava(dee, 4004)).status).toBe(303);
    const created = (await app.athletes.list()).find((a) => a.stravaAthleteId === '4004');
    expect(created?.name).toBe('athlete');
    expect(await (await dee.get('/')).text()).toContain('Signed in as athlete.');

    const full = await signInWithStrava(new Client(base), 5005);
    expect(full.status).toBe(403);
    const text = await full.text();
    expect(text).toContain('limit of connected athletes');
    expect((await app.athletes.list()).some((a) => a.stravaAthleteId === '5005')).toBe(false);
  });

  it('the Athletes page lists pending invites without their links and revokes one: its link stops working at once', async () => {
    const admin = await administrator();
    const link = await invite(admin, 'dot');
    const token = link.split('/').pop()!;
    const page = await (await admin.get('/athletes')).text();
    const pending = /<table id="pending-invites">[\s\S]*?<\/table>/.exec(page)?.[0] ?? '';
    // dot's, and cy's from before (still unused).
    expect(pending).toContain('<td>dot</td>');
    expect(pending).toContain('<td>cy</td>');
    expect(page).not.toContain(token);
    expect(page).not.toContain(hashSecret(token));

    const revoked = await admin.post('/athletes/invite/revoke', { _csrf: await admin.csrf('/athletes'), name: 'dot' });
    expect(revoked.status).toBe(303);
    const after = await (await admin.get('/athletes')).text();
    expect(after).toContain('Revoked the invite for dot: its link no longer works.');
    expect(after).not.toContain('<td>dot</td>');
    expect(after).toContain('<td>cy</td>');
    expect((await new Client(base).get(link)).status).toBe(404);
    // The athlete stays; a second revoke says there is nothing to revoke.
    expect(await app.athletes.byName('dot')).not.toBeNull();
    await admin.post('/athletes/invite/revoke', { _csrf: await admin.csrf('/athletes'), name: 'dot' });
    expect(await (await admin.get('/athletes')).text()).toContain('dot has no pending invite');
  });
});
