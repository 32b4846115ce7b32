// Issue 5: the athlete revokes bandsync in Strava's settings in the middle of
// a backfill. Nothing is lost or uploaded twice, the run stops at once, and
// `bandsync status --json` shows the Strava account needing the user with the
// fix. After reconnecting, the rest goes up; with health-data consent off,
// the workouts whose heart rate Strava dropped are surfaced as needs_user
// with their fix too. Real clock, real CLI for status/connect/sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { jsonOf, runCli } from '../helpers/cli.js';
import { expectEachWorkoutOnceOnStrava } from './helpers.js';

const WORKOUTS = 10;
const REVOKE_AFTER = 4;

interface StatusJson {
  accounts: { kind: string; status: string; problem: string | null; fix: string | null }[];
  workouts: Record<string, number>;
  needsUser: { workoutId: string; code: string; fix: string }[];
}

describe('the athlete deauthorizes bandsync mid-run', () => {
  let zepp: Awaited<ReturnType<typeof startZeppSimulator>>;
  let strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  let dataDir: string;
  let env: Record<string, string>;
  let app: App | null = null;

  beforeAll(async () => {
    // Every shape here records heart rate, so the consent check applies to each upload.
    zepp = await startZeppSimulator({ seed: 77, workouts: WORKOUTS, years: 1, shapes: ['run', 'treadmill'] });
    strava = await startStravaSimulator({});
    dataDir = mkdtempSync(join(tmpdir(), 'bandsync-deauth-'));
    env = {
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_ZEPP_URL: zepp.url,
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    };
    app = await openApp({ env, logger: silentLogger });
    await app.accounts.connectZepp({ appToken: zepp.credentials.appToken, userId: zepp.credentials.userId });
    await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([zepp?.close(), strava?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops the run, loses nothing, and marks the Strava account as needing the user', async () => {
    const a = app!;
    const summary = await syncAll(a.deps, {
      all: true,
      wait: (u) => a.clock.wait(u),
      onProgress: (p) => {
        if (p.phase === 'upload' && p.done === REVOKE_AFTER) strava.control.deauthorizeAthlete();
      },
    });
    expect(summary.stoppedBy).toBe('strava_auth_revoked');
    // Only what went up before the revocation reached Strava.
    expect(strava.control.uploads()).toHaveLength(REVOKE_AFTER);
    const counts = await a.store.countByState('strava');
    const total = Object.values(counts).reduce((x, y) => x + y, 0);
    expect(total).toBe(WORKOUTS);
    expect(counts.failed ?? 0).toBe(0);
    expect(counts.skipped ?? 0).toBe(0);

    const stravaAccount = (await a.store.listAccounts()).find((x) => x.kind === 'strava')!;
    // Closed before asserting: the CLI steps below need the data directory.
    await a.close();
    app = null;
    expect(stravaAccount).toMatchObject({ status: 'needs_user', problem: 'strava_auth_revoked' });

    const status = await runCli(['status', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    const s = jsonOf(status) as unknown as StatusJson;
    const shown = s.accounts.find((x) => x.kind === 'strava')!;
    expect(shown).toMatchObject({ status: 'needs_user', problem: 'strava_auth_revoked' });
    expect(shown.fix).toContain('bandsync connect strava');
  }, 300_000);

  it('a sync while revoked sends nothing and says what to do', async () => {
    const before = strava.control.requestCount();
    const result = await runCli(['sync', '--all', '--json'], env);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/strava_auth_revoked|connect strava/);
    // No upload, no listing: the stored state says Strava needs the user first.
    const sent = strava.control
      .requests()
      .slice(before)
      .filter((r) => r.url.startsWith('/api/v3/'));
    expect(sent).toEqual([]);
  }, 300_000);

  it('after reconnecting, the rest goes up once; dropped heart rate is surfaced with its fix', async () => {
    // Let Strava finish processing what went up before the revocation (with consent on).
    await new Promise((r) => setTimeout(r, 1500));
    const connected = await runCli(['connect', 'strava', '--refresh-token', strava.control.issueRefreshToken()], env);
    expect(connected.code, connected.stderr).toBe(0);
    strava.control.setHeartRateConsent(false);

    const result = await runCli(['sync', '--all', '--json'], env, { timeoutMs: 240_000 });
    expect([0, 3], result.stderr).toContain(result.code);
    expectEachWorkoutOnceOnStrava(zepp, strava);
    expect(strava.control.uploads()).toHaveLength(WORKOUTS);

    const s = jsonOf(await runCli(['status', '--json'], env)) as unknown as StatusJson;
    expect(s.accounts.find((x) => x.kind === 'strava')).toMatchObject({ status: 'ok', problem: null });
    // The ones uploaded before (consent on) are synced; the rest lost their heart rate on Strava.
    expect(s.workouts).toEqual({ synced: REVOKE_AFTER, needs_user: WORKOUTS - REVOKE_AFTER });
    expect(s.needsUser).toHaveLength(WORKOUTS - REVOKE_AFTER);
    for (const n of s.needsUser) {
      expect(n.code).toBe('strava_hr_consent');
      expect(n.fix).toMatch(/health data/i);
    }
  }, 300_000);
});
