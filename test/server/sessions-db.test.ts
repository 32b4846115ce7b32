// Issue 18 item 4: logged-in dashboard sessions live in the database, found
// by the SHA-256 of the cookie value. Over real HTTP on loopback with the
// embedded database: a login survives a restart on the same data dir, the
// one-time message still shows once, the raw cookie value is stored nowhere,
// expired sessions are deleted, and logging out ends the session for good.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { serveApp, type Served } from '../../src/server/serve.js';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import { StoreEngine } from './engine.js';
import { Client, quickPasswordHash } from './harness.js';

const PASSWORD = 'correct horse battery';
const HASH = quickPasswordHash(PASSWORD);
const KEY = randomBytes(32).toString('base64');
let dir: string;
let now = Date.now();

async function start(): Promise<{ opened: OpenedStore; served: Served; url: string; stop(): Promise<void> }> {
  const opened = await openStore({ dataDir: dir, secretKey: KEY });
  const app = createApp({
    store: opened.store,
    budget: opened.budget,
    engine: new StoreEngine(opened.store),
    now: () => new Date(now),
    security: { remote: true, password: HASH },
    access: opened.access,
  });
  const served = await serveApp(app, { port: 0, host: '127.0.0.1', passwordConfigured: true });
  return {
    opened,
    served,
    url: served.url.replace(/\/$/, ''),
    stop: async () => {
      await served.close();
      await opened.close();
    },
  };
}

async function logIn(url: string): Promise<Client> {
  const client = new Client(url);
  const csrf = await client.csrf('/login');
  const res = await client.post('/login', { _csrf: csrf, password: PASSWORD });
  expect(res.status).toBe(303);
  return client;
}

const cookieValue = (client: Client): string => client.cookie.split('=').slice(1).join('=');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bandsync-sessions-'));
});
let stopLast: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stopLast?.();
  stopLast = null;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sessions in the database', () => {
  it('keeps a login across a restart on the same data dir, stores only the hash, and keeps the flash', async () => {
    let app = await start();
    stopLast = () => app.stop();
    const client = await logIn(app.url);
    expect((await client.get('/')).status).toBe(200);

    // Only the hash of the cookie value is stored.
    const value = cookieValue(client);
    const rows = await app.opened.db.query<{ id_hash: string; role: string; athlete_id: string | null }>(
      'SELECT id_hash, role, athlete_id FROM sessions',
    );
    expect(rows).toEqual([
      { id_hash: createHash('sha256').update(value).digest('hex'), role: 'admin', athlete_id: null },
    ]);
    const dump = JSON.stringify(await app.opened.db.query('SELECT * FROM sessions'));
    expect(dump).not.toContain(value);

    await app.stop();
    app = await start();
    stopLast = () => app.stop();
    // The same browser, at the restarted dashboard's address (a new port).
    const browser = new Client(app.url);
    browser.cookie = client.cookie;
    const home = await browser.get('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Log out');

    // The one-time message after a refused form shows on the next page, once.
    const csrf = await browser.csrf('/connect');
    const refused = await browser.post('/connect/local', { _csrf: csrf, kind: 'nothing', path: '/x' });
    expect(refused.status).toBe(303);
    expect(await (await browser.get('/connect')).text()).toContain('Choose Gadgetbridge or a folder.');
    expect(await (await browser.get('/connect')).text()).not.toContain('Choose Gadgetbridge or a folder.');

    // Logging out deletes the row: the old cookie is anonymous from then on, restart or not.
    const old = browser.cookie;
    expect((await browser.post('/logout', { _csrf: await browser.csrf('/') })).status).toBe(303);
    expect(await app.opened.db.query('SELECT 1 FROM sessions')).toEqual([]);
    const replay = new Client(app.url);
    replay.cookie = old;
    expect((await replay.get('/')).headers.get('location')).toBe('/login');
  });

  it('deletes an expired session and sends its holder to the login', async () => {
    const app = await start();
    stopLast = () => app.stop();
    const client = await logIn(app.url);
    expect((await client.get('/')).status).toBe(200);
    now += 13 * 3600_000;
    const res = await client.get('/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(await app.opened.db.query('SELECT 1 FROM sessions')).toEqual([]);
  });
});
