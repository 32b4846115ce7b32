// F2 / issue 5: `kill -9` of the syncing process at seeded random moments,
// restarted each time; in the end every workout is on Strava exactly once
// and the ledger explains every step. Real CLI processes, real HTTP, the
// embedded database surviving hard kills.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { runCli } from '../helpers/cli.js';
import { killSyncWhileUploading, seeded } from '../helpers/kill-sync.js';

const KILLS = 5;

describe('kill -9 at random moments during a backfill', () => {
  let zepp: Awaited<ReturnType<typeof startZeppSimulator>>;
  let strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    zepp = await startZeppSimulator({ seed: 5, workouts: 30, years: 1 });
    strava = await startStravaSimulator({});
    dataDir = mkdtempSync(join(tmpdir(), 'bandsync-kill-'));
    env = {
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_ZEPP_URL: zepp.url,
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    };
    const app = await openApp({ env, logger: silentLogger });
    await app.accounts.connectZepp({ appToken: zepp.credentials.appToken, userId: zepp.credentials.userId });
    await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
    await app.close();
  }, 300_000);

  afterAll(async () => {
    await Promise.all([zepp?.close(), strava?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends with every workout on Strava exactly once', async () => {
    const killedMidUpload = await killSyncWhileUploading({
      env,
      uploads: () => strava.control.uploads().length,
      times: KILLS,
      random: seeded(42),
      maxDelayMs: 1500,
    });
    expect(killedMidUpload).toBeGreaterThan(0);

    const final = await runCli(['sync', '--all', '--json'], env, { timeoutMs: 300_000 });
    expect(final.code, final.stderr).toBe(0);

    const truth = zepp.truth();
    const activities = strava.control.activities();
    expect(activities.map((a) => a.startMs).sort()).toEqual(truth.map((t) => Date.parse(t.startTime)).sort());
    // No second copy was ever accepted: every upload Strava processed made a distinct activity.
    const accepted = strava.control.uploads().filter((u) => u.activityId !== null);
    expect(new Set(accepted.map((u) => u.externalId)).size).toBe(accepted.length);

    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout) as { workouts: Record<string, number> };
    expect((status.workouts.synced ?? 0) + (status.workouts.duplicate ?? 0)).toBe(truth.length);
    const log = JSON.parse((await runCli(['log', '--json', '--limit', '100000'], env)).stdout) as {
      workoutId: string | null;
      toState: string | null;
    }[];
    // The ledger explains every workout's way to Strava.
    const arrived = new Set(
      log.filter((e) => e.toState === 'synced' || e.toState === 'duplicate').map((e) => e.workoutId),
    );
    expect(arrived.size).toBe(truth.length);
    const sent = new Set(log.filter((e) => e.toState === 'uploading').map((e) => e.workoutId));
    for (const id of arrived) expect(sent.has(id)).toBe(true);
  }, 1_200_000);
});
