// Account settings are parsed per kind where they are read and written:
// settings of the wrong shape in the database stop that account with a clear
// reason (source_unreadable: connect it again), instead of a source built
// from `undefined`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { accountSettings, newAccountSettings } from '../../src/sync/account-settings.js';
import { BandsyncError } from '../../src/sync/failures.js';
import { syncAll } from '../../src/sync/sync-all.js';

let dir: string;
let app: App;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bandsync-settings-'));
  app = await openApp({ env: {}, logger: silentLogger, flags: { dataDir: join(dir, 'data') } });
}, 60_000);
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('account settings', () => {
  it('are stored as parsed and read back typed', async () => {
    const db = join(dir, 'Gadgetbridge.db');
    writeFileSync(db, '');
    const account = await app.accounts.connectPath('gadgetbridge', db, { gpxDir: join(dir, 'gpx') });
    const stored = (await app.store.getAccount(account.id))!;
    expect(accountSettings('gadgetbridge', stored)).toEqual({
      path: db,
      gpxDir: join(dir, 'gpx'),
      connectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(() => accountSettings('files', stored)).toThrow(/is gadgetbridge, not files/);
  });

  it('of the wrong shape stop that account with the reason, not a crash or a source of nothing', async () => {
    const broken = await app.store.saveAccount({ kind: 'files', label: 'files (damaged)', settings: { path: 42 } });
    const err = await app.deps.sourceFor(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BandsyncError);
    expect((err as BandsyncError).code).toBe('source_unreadable');
    expect((err as Error).message).toContain(`account ${broken.id} (files): its stored settings are not valid`);
    expect((err as Error).message).toContain('path');

    const summary = await syncAll(app.deps, { accountId: broken.id });
    expect(summary.accounts).toEqual([expect.objectContaining({ id: broken.id, problem: 'source_unreadable' })]);
    expect((await app.store.getAccount(broken.id))!.status).toBe('needs_user');
  });

  it('are checked before they are written', () => {
    expect(() => newAccountSettings('zepp-cloud', { userId: '' })).toThrow();
    expect(() => newAccountSettings('strava', { clientId: '' })).toThrow();
    expect(newAccountSettings('files', { path: '/x', connectedAt: '2026-01-01T00:00:00.000Z' })).toEqual({
      path: '/x',
      connectedAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
