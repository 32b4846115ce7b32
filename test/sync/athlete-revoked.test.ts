// Issue 18 item 7, without the webhook: `bandsync sync` for every athlete
// (syncEveryAthlete) when Strava refuses one athlete's tokens (the access
// token 401, then the refresh token invalid_grant). Only that athlete's Strava
// connection goes to needs_user; the other athlete's new workout goes up in
// the same run, and the refused athlete's waits for them, uploaded by nobody.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { syncEveryAthlete } from '../../src/app/athletes.js';
import type { Store } from '../../src/sync/ports.js';
import { seedReady } from '../helpers/athletes.js';

describe("one athlete's Strava tokens refused during a sync of every athlete", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('puts only that athlete into needs_user; the other uploads', async () => {
    const strava = await startStravaSimulator({});
    const dir = mkdtempSync(join(tmpdir(), 'bandsync-revoked-'));
    dirs.push(dir);
    const app = await openApp({
      env: {
        BANDSYNC_DATA_DIR: dir,
        BANDSYNC_STRAVA_URL: strava.url,
        STRAVA_CLIENT_ID: strava.credentials.clientId,
        STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
      },
      logger: silentLogger,
    });
    try {
      const stores: Record<string, Store> = {};
      const workouts: Record<string, string> = {};
      for (const [name, stravaId] of [
        ['ann', 3001],
        ['bob', 3002],
      ] as const) {
        const own = await app.forAthlete(await app.athletes.add(name));
        await own.accounts.connectStravaWithRefreshToken({
          refreshToken: strava.control.issueRefreshToken(undefined, stravaId),
        });
        stores[name] = own.store;
        workouts[name] = (await seedReady(own.store, `${name}-new`, ['2026-06-20T07:00:00.000Z']))[0]!;
      }
      // Bob revokes bandsync at Strava: his access and refresh tokens are refused from now on.
      strava.control.deauthorizeAthlete(3002);
      const runs = await syncEveryAthlete(app, { skipDiscovery: true, wait: (u) => app.clock.wait(u) });

      const byName = Object.fromEntries(runs.map((r) => [r.athlete, r]));
      expect(byName.ann).toMatchObject({ uploaded: 1 });
      expect(byName.ann!.stoppedBy ?? null).toBeNull();
      expect(byName.bob).toMatchObject({ uploaded: 0, stoppedBy: 'strava_auth_revoked' });
      // Bob's refresh was refused (invalid_grant) after his access token was.
      const refused = strava.control.requests().filter((r) => r.url === '/oauth/token' && r.status === 400);
      expect(refused.length).toBeGreaterThan(0);

      const stravaOf = async (name: string) => (await stores[name]!.listAccounts()).find((a) => a.kind === 'strava')!;
      expect(await stravaOf('bob')).toMatchObject({ status: 'needs_user', problem: 'strava_auth_revoked' });
      expect(await stravaOf('ann')).toMatchObject({ status: 'ok', problem: null });
      expect(strava.control.uploads().map((u) => u.athleteId)).toEqual([3001]);
      expect((await stores.ann!.getRecord(workouts.ann!, 'strava'))?.state).toMatch(/^(processing|synced)$/);
      // Bob's workout waits for him (not failed, not skipped): it goes up once he reconnects.
      expect((await stores.bob!.getRecord(workouts.bob!, 'strava'))?.state).toBe('fetched');
      const bobLedger = await stores.bob!.listLedger({ limit: 10 });
      expect(bobLedger.find((e) => e.event === 'needs_user')?.reason).toContain('bandsync connect strava');
      expect((await stores.ann!.listLedger({ limit: 50 })).some((e) => e.event === 'needs_user')).toBe(false);
    } finally {
      await app.close();
      await strava.close();
    }
  }, 180_000);
});
