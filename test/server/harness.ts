// Test harness: a real store (PGlite in a temp dir), the dashboard app served
// on loopback by @hono/node-server, and a cookie-keeping fetch.
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import { createApp } from '../../src/server/app.js';
import { serveApp, type Served } from '../../src/server/serve.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { StoreEngine } from './engine.js';

/**
 * A password hash as bandsync 0.1.0 made it (scrypt N=2^14): still accepted,
 * and quick to check, for tests about the login rather than the hash's cost.
 */
export function quickPasswordHash(plain: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(plain, salt, 32, { N: 16384, r: 8, p: 1 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export interface Harness {
  readonly opened: OpenedStore;
  readonly engine: StoreEngine;
  readonly served: Served;
  readonly url: string;
  close(): Promise<void>;
}

export async function openTestStore(): Promise<{ opened: OpenedStore; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bandsync-server-'));
  const opened = await openStore({ dataDir: dir, secretKey: randomBytes(32).toString('base64') });
  return { opened, dir };
}

export async function startHarness(overrides: Partial<ServerDeps> = {}, host = '127.0.0.1'): Promise<Harness> {
  const { opened, dir } = await openTestStore();
  const engine = new StoreEngine(opened.store);
  const deps: ServerDeps = {
    store: opened.store,
    budget: opened.budget,
    engine,
    now: () => new Date(),
    security: { remote: false },
    stravaWebUrl: 'https://strava.example',
    ...overrides,
  };
  const app = createApp(deps);
  const served = await serveApp(app, { port: 0, host, passwordConfigured: Boolean(deps.security.password) });
  return {
    opened,
    engine,
    served,
    url: served.url.replace(/\/$/, ''),
    async close() {
      await served.close();
      await opened.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A browser-like client: keeps the session cookie, reads the CSRF token from pages. */
export class Client {
  cookie = '';
  constructor(readonly base: string) {}

  async get(pathname: string, init: RequestInit = {}): Promise<Response> {
    return this.send(pathname, { ...init, method: 'GET' });
  }

  async send(pathname: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const res = await fetch(this.base + pathname, { ...init, headers, redirect: 'manual' });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0] ?? '';
    return res;
  }

  async csrf(pathname = '/'): Promise<string> {
    const page = await (await this.get(pathname)).text();
    const m = /name="csrf-token" content="([^"]+)"/.exec(page) ?? /name="_csrf" value="([^"]+)"/.exec(page);
    if (!m?.[1]) throw new Error(`no CSRF token on ${pathname}`);
    return m[1];
  }

  async post(pathname: string, fields: Record<string, string>): Promise<Response> {
    return this.send(pathname, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
}
