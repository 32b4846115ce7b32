// Dashboard security: CSRF on every state change, the password login and the
// remote-bind rule, secrets never rendered, strict CSP and cookie flags.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { serveApp } from '../../src/server/serve.js';
import { Client, quickPasswordHash, startHarness, type Harness } from './harness.js';
import { SECRETS, seedAccounts, seedWorkouts } from './seed.js';

describe('CSRF', () => {
  let h: Harness;
  let ids: string[];
  beforeAll(async () => {
    h = await startHarness();
    const { zepp } = await seedAccounts(h.opened.store);
    ids = (await seedWorkouts(h.opened.store, zepp.id, 3)).map((w) => w.id);
  });
  afterAll(() => h.close());

  it('refuses a state change without a token, with a wrong token, and from another origin', async () => {
    const c = new Client(h.url);
    const token = await c.csrf();
    const target = `/workouts/${ids[0]}/skip`;
    expect((await c.post(target, {})).status).toBe(403);
    expect((await c.post(target, { _csrf: token.slice(0, -2) + 'xx' })).status).toBe(403);
    const other = new Client(h.url);
    const otherToken = await other.csrf();
    expect((await c.post(target, { _csrf: otherToken })).status).toBe(403); // another session's token
    const cross = await c.send(target, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: token }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
    });
    expect(cross.status).toBe(403);
    expect(h.engine.calls).toEqual([]);
    expect((await h.opened.store.getRecord(ids[0]!, 'strava'))?.state).toBe('discovered');
  });

  it('accepts the session token in the form and in the header', async () => {
    const c = new Client(h.url);
    const token = await c.csrf();
    const res = await c.post(`/workouts/${ids[0]}/skip`, { _csrf: token });
    expect(res.status).toBe(303);
    expect((await h.opened.store.getRecord(ids[0]!, 'strava'))?.state).toBe('skipped');
    const viaHeader = await c.send(`/workouts/${ids[1]}/skip`, { method: 'POST', headers: { 'x-csrf-token': token } });
    expect(viaHeader.status).toBe(303);
    expect((await h.opened.store.getRecord(ids[1]!, 'strava'))?.state).toBe('skipped');
  });

  it('refuses oversized form bodies before reading them', async () => {
    const c = new Client(h.url);
    const token = await c.csrf();
    const res = await c.post('/settings', { _csrf: token, filler: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });

  it('sets HttpOnly SameSite=Strict session cookies and a strict CSP', async () => {
    const res = await fetch(h.url + '/');
    expect(res.headers.get('set-cookie')).toMatch(/bandsync_session=[^;]+;.*HttpOnly/i);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script at all
  });

  it('answers only loopback host names when bound to loopback (DNS rebinding)', async () => {
    // fetch() may not set Host, so speak HTTP directly.
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(h.url + '/', { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('attacker.example')).toBe(421);
    expect(await status('attacker.example:8377')).toBe(421);
    expect(await status(new URL(h.url).host)).toBe(200);
    expect(await status('localhost')).toBe(200);
  });
});

describe('password and remote binding', () => {
  it('refuses to serve on a non-loopback address without a password', async () => {
    const app = createApp({
      store: null as never,
      budget: null as never,
      engine: null as never,
      now: () => new Date(),
      security: { remote: false },
    });
    await expect(serveApp(app, { port: 0, host: '0.0.0.0', passwordConfigured: false })).rejects.toThrow(
      /needs a dashboard password/,
    );
    expect(() =>
      createApp({
        store: null as never,
        budget: null as never,
        engine: null as never,
        now: () => new Date(),
        security: { remote: true },
      }),
    ).toThrow(/needs a password/);
  });

  it('requires the login on every page when a password is set, and rotates the session on login', async () => {
    const password = quickPasswordHash('correct horse battery');
    const h = await startHarness({ security: { remote: true, password } }, '0.0.0.0');
    try {
      const url = h.url.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
      const c = new Client(url);
      for (const p of ['/', '/workouts', '/settings', '/connect', '/backfill', '/events']) {
        const res = await c.get(p);
        expect(res.status, p).toBe(303);
        expect(res.headers.get('location')).toBe(p === '/' ? '/login' : `/login?next=${encodeURIComponent(p)}`);
      }
      const token = await c.csrf('/login');
      const before = c.cookie;
      expect((await c.post('/login', { _csrf: token, password: 'wrong password' })).status).toBe(401);
      expect((await c.get('/')).status).toBe(303);
      const ok = await c.post('/login', { _csrf: token, password: 'correct horse battery' });
      expect(ok.status).toBe(303);
      expect(c.cookie).not.toBe(before);
      const home = await c.get('/');
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('<title>Overview · bandsync</title>');
      // The login returns to the page that was asked for, and only to a page of this site.
      const back = new Client(url);
      const asked = await back.get('/workouts?state=failed');
      const loginPage = await (await back.get(asked.headers.get('location')!)).text();
      expect(loginPage).toContain('name="next" value="/workouts?state=failed"');
      const t2 = await back.csrf('/login');
      const returned = await back.post('/login', {
        _csrf: t2,
        password: 'correct horse battery',
        next: '/workouts?state=failed',
      });
      expect(returned.headers.get('location')).toBe('/workouts?state=failed');
      for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
        const other = new Client(url);
        const t3 = await other.csrf('/login');
        const res = await other.post('/login', { _csrf: t3, password: 'correct horse battery', next });
        expect(res.headers.get('location'), next).toBe('/');
      }
    } finally {
      await h.close();
    }
  });
});

describe('password guessing', () => {
  it('after 5 wrong passwords the address gets 429 with Retry-After, even with the right one', async () => {
    const password = quickPasswordHash('correct horse battery');
    const h = await startHarness({ security: { remote: true, password } }, '0.0.0.0');
    try {
      const c = new Client(h.url.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1'));
      const token = await c.csrf('/login');
      for (let i = 0; i < 5; i++)
        expect((await c.post('/login', { _csrf: token, password: `guess ${i}` })).status).toBe(401);
      const blocked = await c.post('/login', { _csrf: token, password: 'correct horse battery' });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
      expect(await blocked.text()).toContain('Too many failed logins');
      expect((await c.get('/')).status).toBe(303); // still logged out
    } finally {
      await h.close();
    }
  }, 60_000);
});

describe('no secret is ever rendered', () => {
  let h: Harness;
  let ids: string[];
  beforeAll(async () => {
    h = await startHarness();
    const { zepp } = await seedAccounts(h.opened.store);
    ids = (await seedWorkouts(h.opened.store, zepp.id, 6)).map((w) => w.id);
    await h.opened.store.transition({
      workoutId: ids[0]!,
      destination: 'strava',
      from: ['discovered'],
      to: 'failed',
      reason: 'test',
      patch: { code: 'strava_unavailable', lastError: 'HTTP 503' },
    });
  });
  afterAll(() => h.close());

  it('keeps tokens and passwords out of every page and JSON', async () => {
    const c = new Client(h.url);
    const token = await c.csrf();
    // Connect Zepp by password through the page, so that secret is stored too.
    await c.post('/connect/zepp', {
      _csrf: token,
      method: 'password',
      email: 'bo@example.org',
      password: 'ZEPP-PASSWORD-91be',
    });
    const pages = [
      '/',
      '/connect',
      '/workouts',
      '/workouts?state=failed',
      '/backfill',
      '/settings',
      ...ids.flatMap((id) => [`/workouts/${id}`, `/workouts/${id}/data.json`]),
    ];
    const accounts = await h.opened.store.listAccounts();
    expect(accounts.length).toBe(3);
    pages.push(...accounts.map((a) => `/connect/${a.id}/disconnect`));
    const plan = await c.post('/backfill/plan', { _csrf: token, from: '', to: '' });
    const bodies = [await plan.text()];
    for (const p of pages) {
      const res = await c.get(p);
      expect(res.status, p).toBe(200);
      bodies.push(await res.text());
    }
    const secretValues = [...Object.values(SECRETS), 'ZEPP-PASSWORD-91be'];
    for (const a of accounts) secretValues.push(...Object.values(await h.opened.store.getSecrets(a.id)));
    expect(secretValues.length).toBeGreaterThanOrEqual(5);
    for (const body of bodies) for (const s of secretValues) expect(body).not.toContain(s);
    expect(bodies.join('\n')).toContain('Zepp ana@example.org'); // the pages did render the accounts
  });
});
