// Issue 14 item 8 for the Mi Fitness cloud, as for Zepp: the base URL stored
// with an account is checked before the session is used, not only at connect.
// A database row changed to point elsewhere must not carry the session there;
// the configured BANDSYNC_MI_FITNESS_URL and an address given at connect
// (kept sealed with the account's secrets) keep working.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { BandsyncError } from '../../src/sync/failures.js';
import type { Account } from '../../src/sync/ports.js';
import { startMiWorld, type MiWorld } from './world.js';

let world: MiWorld;
let decoy: http.Server;
let decoyUrl: string;
const heard: string[] = [];

beforeAll(async () => {
  world = await startMiWorld({ mi: { workouts: 3, seed: 5 } });
  decoy = http.createServer((req, res) => {
    heard.push(`${req.method} ${req.url} ${req.headers.cookie ?? ''}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => decoy.listen(0, '127.0.0.1', r));
  decoyUrl = `http://127.0.0.1:${(decoy.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  await world?.close();
  await new Promise((r) => decoy?.close(r));
});

async function listOnce(account: Account, app: App = world.app): Promise<string> {
  try {
    const source = await app.deps.sourceFor(account);
    for await (const _ of source.list({})) break;
    return 'listed';
  } catch (err) {
    return err instanceof BandsyncError ? `${err.code}: ${err.message}` : String(err);
  }
}

const miAccount = async () => (await world.app.store.listAccounts()).find((a) => a.kind === 'mi-fitness')!;

describe('the stored Mi Fitness base URL', () => {
  it('is refused when the database row points at another host; the session goes nowhere', async () => {
    const account = await miAccount();
    expect(await listOnce(account)).toBe('listed');
    for (const tampered of [decoyUrl, 'https://hlth.io.mi.com.evil.example', `http://u:p@${decoyUrl.slice(7)}`]) {
      await world.app.store.saveAccount({ ...account, settings: { ...account.settings, baseUrl: tampered } });
      const outcome = await listOnce(await miAccount());
      expect(outcome, tampered).toMatch(/^mi_fitness_auth_failed: Mi Fitness: refusing to send the session to /);
    }
    expect(heard).toEqual([]);
    await world.app.store.saveAccount({ ...account, settings: { ...account.settings } });
    expect(await listOnce(await miAccount())).toBe('listed');
  });

  it('given at connect, is trusted for that account without BANDSYNC_MI_FITNESS_URL, and only that origin', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-mi-url-'));
    const standalone = await startMiWorld({ mi: { workouts: 2, seed: 6 }, dataDir });
    const { mi } = standalone;
    let app: App | null = null;
    try {
      // Reconnect with the address given explicitly, then reopen without the configured one.
      const outcome = await standalone.app.accounts.connectMiFitness({ ...mi.credentials, baseUrl: mi.url });
      expect(outcome.kind).toBe('connected');
      await standalone.app.close();
      app = await openApp({ env: {}, logger: silentLogger, flags: { dataDir } });
      const account = (await app.store.listAccounts()).find((a) => a.kind === 'mi-fitness')!;
      expect(account.settings.baseUrl).toBe(mi.url);
      expect(await listOnce(account, app)).toBe('listed');
      // Another port on the same machine is another origin.
      await app.store.saveAccount({ ...account, settings: { ...account.settings, baseUrl: decoyUrl } });
      expect(await listOnce((await app.store.getAccount(account.id))!, app)).toMatch(/^mi_fitness_auth_failed: /);
      expect(heard).toEqual([]);
    } finally {
      await app?.close();
      await Promise.all([mi.close(), standalone.strava.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
