// Issue 14 item 6: the login protects its owner. Over real HTTP on loopback:
// the throttle tells clients apart by their own address (two clients, from
// 127.0.0.1 and 127.0.0.2), anonymous visitors cannot push the owner's
// session out, Secure cookies and X-Forwarded-For behind a proxy, and the
// password hash at OWASP's scrypt cost with older hashes still accepted.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import type { ServerSecurity } from '../../src/server/deps.js';
import { hashPassword, isBelowCurrentCost, verifyPassword } from '../../src/server/password.js';
import { serveApp, type Served } from '../../src/server/serve.js';
import type { OpenedStore } from '../../src/store/index.js';
import { StoreEngine } from './engine.js';
import { openTestStore, quickPasswordHash } from './harness.js';
import { PeerClient } from './peer-client.js';

const PASSWORD = 'correct horse battery';

// One store for all; each test serves a fresh dashboard (fresh sessions and throttle) on it.
let store: { opened: OpenedStore; dir: string };
let served: Served | null = null;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.opened.close();
  await rm(store.dir, { recursive: true, force: true });
});
afterEach(async () => {
  await served?.close();
  served = null;
});

/** A password-protected dashboard as a network-reachable one is served, on loopback. */
async function remoteDashboard(extra: Partial<ServerSecurity> = {}): Promise<string> {
  const { opened } = store;
  const app = createApp({
    store: opened.store,
    budget: opened.budget,
    engine: new StoreEngine(opened.store),
    now: () => new Date(),
    security: { remote: true, password: quickPasswordHash(PASSWORD), ...extra },
  });
  served = await serveApp(app, { port: 0, host: '127.0.0.1', passwordConfigured: true });
  return served.url.replace(/\/$/, '');
}

describe('the login throttle sees each client', () => {
  it('locks out the guesser at 127.0.0.2 while the owner at 127.0.0.1 still logs in', async () => {
    const url = await remoteDashboard();
    const guesser = new PeerClient(url, '127.0.0.2');
    const owner = new PeerClient(url, '127.0.0.1');
    const guesserToken = await guesser.loginToken();
    for (let i = 0; i < 5; i++)
      expect((await guesser.postForm('/login', { _csrf: guesserToken, password: `guess ${i}` })).status).toBe(401);
    const locked = await guesser.postForm('/login', { _csrf: guesserToken, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);

    const ownerToken = await owner.loginToken();
    const login = await owner.postForm('/login', { _csrf: ownerToken, password: PASSWORD });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const home = await owner.get('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<title>Overview · bandsync</title>');
  }, 60_000);

  it('behind a proxy, tells clients apart by the hop the proxy added, and marks cookies Secure', async () => {
    const url = await remoteDashboard({ behindProxy: true });
    // Both arrive from the proxy's address; the proxy appends the real client last.
    const guesser = new PeerClient(url, '127.0.0.1');
    const owner = new PeerClient(url, '127.0.0.1');
    const via = (client: string) => ({ 'x-forwarded-for': `203.0.113.9, ${client}` });
    const token = await guesser.loginToken(via('198.51.100.7'));
    for (let i = 0; i < 5; i++)
      await guesser.postForm('/login', { _csrf: token, password: `guess ${i}` }, via('198.51.100.7'));
    expect((await guesser.postForm('/login', { _csrf: token, password: PASSWORD }, via('198.51.100.7'))).status).toBe(
      429,
    );
    const page = await owner.get('/login', via('198.51.100.8'));
    expect(page.headers['set-cookie']?.[0]).toMatch(/;\s*Secure/i);
    const ownerToken = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const login = await owner.postForm('/login', { _csrf: ownerToken, password: PASSWORD }, via('198.51.100.8'));
    expect(login.status).toBe(303);
    expect(login.headers['set-cookie']?.[0]).toMatch(/;\s*Secure/i);
  }, 60_000);

  it('without behindProxy, a forged X-Forwarded-For does not get a guesser past the lock-out', async () => {
    const url = await remoteDashboard();
    const guesser = new PeerClient(url, '127.0.0.2');
    const token = await guesser.loginToken();
    for (let i = 0; i < 5; i++)
      await guesser.postForm('/login', { _csrf: token, password: `guess ${i}` }, { 'x-forwarded-for': `10.0.0.${i}` });
    const next = await guesser.postForm(
      '/login',
      { _csrf: token, password: PASSWORD },
      { 'x-forwarded-for': '10.9.9.9' },
    );
    expect(next.status).toBe(429);
    const page = await guesser.get('/login');
    expect(page.headers['set-cookie']?.[0] ?? '').not.toMatch(/Secure/i);
  }, 60_000);
});

describe('anonymous visitors and the session store', () => {
  it('1,001 anonymous page loads leave the logged-in owner logged in', async () => {
    const url = await remoteDashboard();
    const owner = new PeerClient(url, '127.0.0.1');
    const token = await owner.loginToken();
    expect((await owner.postForm('/login', { _csrf: token, password: PASSWORD })).status).toBe(303);
    expect((await owner.get('/')).status).toBe(200);

    // The login page is the one that gives a visitor a session: 1,001 loads
    // without a cookie make 1,001 anonymous sessions, more than the store keeps.
    const visitor = new PeerClient(url, '127.0.0.3');
    for (let i = 0; i < 1001; i++) {
      visitor.cookie = '';
      const res = await visitor.get('/login');
      expect(res.status).toBe(200);
      expect(res.headers['set-cookie']?.[0]).toMatch(/^bandsync_session=/);
    }
    const home = await owner.get('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<title>Overview · bandsync</title>');
  }, 120_000);

  it('a page other than the login form gives an anonymous visitor no session at all', async () => {
    const url = await remoteDashboard();
    const visitor = new PeerClient(url, '127.0.0.1');
    for (const p of ['/', '/workouts', '/settings', '/favicon.ico']) {
      const res = await visitor.get(p);
      expect(res.headers['set-cookie'], p).toBeUndefined();
    }
    expect((await visitor.get('/login')).headers['set-cookie']?.[0]).toMatch(/^bandsync_session=/);
  });
});

describe('password hashing', () => {
  it("hashes at OWASP's scrypt cost with the parameters beside the hash, and checks it", async () => {
    const hash = await hashPassword(PASSWORD);
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(isBelowCurrentCost(hash)).toBe(false);
  }, 30_000);

  it('keeps accepting hashes made at the lower cost of earlier releases, and says so', async () => {
    const old = quickPasswordHash(PASSWORD);
    expect(await verifyPassword(PASSWORD, old)).toBe(true);
    expect(await verifyPassword('wrong password', old)).toBe(false);
    expect(isBelowCurrentCost(old)).toBe(true);
  });

  it('refuses a hash whose parameters would exhaust memory, with a clear message', async () => {
    const salt = randomBytes(16).toString('base64url');
    await expect(verifyPassword(PASSWORD, `scrypt$${2 ** 24}$8$1$${salt}$${salt}`)).rejects.toThrow(
      /unusable scrypt parameters N=16777216/,
    );
    await expect(verifyPassword(PASSWORD, 'plain text')).rejects.toThrow(/not a scrypt hash/);
  });
});
