// Issue 14 item 8: the Zepp base URL stored with an account is checked against
// the allow-list before every request, not only when the account connects. A
// database row changed to point elsewhere must not carry the app token there:
// the request is refused (zepp_region_wrong: reconnect) and the other host
// hears nothing. Addresses given explicitly at connect keep working.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { BandsyncError } from '../../src/sync/failures.js';
import type { Account } from '../../src/sync/ports.js';
import { startWorld, type World } from '../helpers/world.js';

let world: World;
let decoy: http.Server;
let decoyUrl: string;
const heard: { url?: string; token?: string | string[] }[] = [];

beforeAll(async () => {
  world = await startWorld({ zepp: { seed: 4, workouts: 3, years: 1 } });
  decoy = http.createServer((req, res) => {
    heard.push({ url: req.url, token: req.headers.apptoken });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":1,"data":{"next":-1,"summary":[]}}');
  });
  await new Promise<void>((r) => decoy.listen(0, '127.0.0.1', r));
  decoyUrl = `http://127.0.0.1:${(decoy.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  await world?.close();
  await new Promise((r) => decoy?.close(r));
});

async function listOnce(app: World['app'], account: Account): Promise<string> {
  try {
    const source = await app.deps.sourceFor(account);
    for await (const _ of source.list({})) break;
    return 'listed';
  } catch (err) {
    return err instanceof BandsyncError ? `${err.code}: ${err.message}` : String(err);
  }
}

async function zeppAccount(app: World['app']): Promise<Account> {
  return (await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
}

describe('the stored Zepp base URL', () => {
  it('is refused when the database row points at a host off the allow-list; the token goes nowhere', async () => {
    const { app } = world;
    const account = await zeppAccount(app);
    expect(await listOnce(app, account)).toBe('listed');
    const original = account.settings.baseUrl;
    for (const tampered of [
      decoyUrl,
      'https://api-mifit.zepp.com.evil.example',
      `http://user:pw@${decoyUrl.slice(7)}`,
    ]) {
      await app.store.saveAccount({ ...account, settings: { ...account.settings, baseUrl: tampered } });
      const outcome = await listOnce(app, await zeppAccount(app));
      expect(outcome, tampered).toMatch(/^zepp_region_wrong: Zepp history: refusing to send the app token to /);
      expect(outcome).toContain('not a Zepp host on the allow-list');
      expect(outcome).not.toContain(world.zepp.credentials.appToken);
    }
    expect(heard).toEqual([]);
    await app.store.saveAccount({ ...account, settings: { ...account.settings, baseUrl: original } });
    expect(await listOnce(app, await zeppAccount(app))).toBe('listed');
  });

  it('given explicitly at connect (--url), keeps working without BANDSYNC_ZEPP_URL, and only that origin', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-zepp-url-'));
    const app = await openApp({ env: {}, logger: silentLogger, flags: { dataDir } });
    try {
      const { zepp } = world;
      const account = await app.accounts.connectZepp({
        appToken: zepp.credentials.appToken,
        userId: zepp.credentials.userId,
        baseUrl: zepp.url,
      });
      expect(await listOnce(app, account)).toBe('listed');
      // Another port on the same machine is another origin.
      await app.store.saveAccount({ ...account, settings: { ...account.settings, baseUrl: decoyUrl } });
      expect(await listOnce(app, (await app.store.getAccount(account.id))!)).toMatch(/^zepp_region_wrong: /);
      expect(heard).toEqual([]);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
