// Issue 19's backfill proof: 500 Mi Fitness workouts, `bandsync sync --all`
// killed with SIGKILL at seeded random moments while it uploads, restarted
// each time; in the end every workout is on Strava exactly once. Real CLI
// processes, the simulators on loopback, the embedded database surviving
// hard kills.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startMiFitnessSimulator, type RunningMiFitnessSimulator } from '../../src/simulators/mi-fitness/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { runCli } from '../helpers/cli.js';
import { killSyncWhileUploading, seeded } from '../helpers/kill-sync.js';

const WORKOUTS = 500;
const KILLS = 3;

describe(`kill -9 during a ${WORKOUTS}-workout Mi Fitness backfill`, () => {
  let mi: RunningMiFitnessSimulator;
  let strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Every shape, each stopped after 5 minutes: the proof is about resuming, not about long streams.
    mi = await startMiFitnessSimulator({
      seed: 9,
      workouts: WORKOUTS,
      years: 3,
      withoutDetailEvery: 0,
      maxWorkoutSeconds: 300,
    });
    // Strava's own limits would spread 500 uploads over hours; the budget logic has its own tests.
    strava = await startStravaSimulator({
      limits: { overall15: 100_000, overallDay: 1_000_000, read15: 100_000, readDay: 1_000_000 },
    });
    dataDir = mkdtempSync(join(tmpdir(), 'bandsync-mi-kill-'));
    env = {
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_CONFIG: '',
      DATABASE_URL: '',
      BANDSYNC_MI_FITNESS_URL: mi.url,
      BANDSYNC_STRAVA_URL: strava.url,
      // The raised limits set on the simulator, told to bandsync too (it keeps to Strava's defaults unless told).
      BANDSYNC_STRAVA_LIMIT_15MIN: '100000',
      BANDSYNC_STRAVA_LIMIT_DAY: '1000000',
      BANDSYNC_STRAVA_READ_LIMIT_15MIN: '100000',
      BANDSYNC_STRAVA_READ_LIMIT_DAY: '1000000',
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    };
    const app = await openApp({ env, logger: silentLogger });
    const outcome = await app.accounts.connectMiFitness({ ...mi.credentials });
    expect(outcome.kind).toBe('connected');
    await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
    await app.close();
  }, 300_000);

  afterAll(async () => {
    await Promise.all([mi?.close(), strava?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends with every workout on Strava exactly once', async () => {
    const killed = await killSyncWhileUploading({
      env,
      uploads: () => strava.control.uploads().length,
      times: KILLS,
      random: seeded(19),
      minDelayMs: 200,
      maxDelayMs: 3000,
    });
    expect(killed).toBe(KILLS);
    expect(strava.control.uploads().length).toBeLessThan(WORKOUTS);

    // The run after the crashes finishes the job; a Strava call lost on a loaded machine (strava_unavailable,
    // retried with backoff by the engine) is what a user would answer by running it again.
    let final = await runCli(['sync', '--all', '--json'], env, { timeoutMs: 1_200_000 });
    for (let again = 0; again < 2 && final.code !== 0 && /fetch failed|unavailable/i.test(final.stderr); again++)
      final = await runCli(['sync', '--all', '--json'], env, { timeoutMs: 1_200_000 });
    expect(final.code, final.stderr).toBe(0);

    const truth = mi.truth();
    const starts = strava.control
      .activities()
      .map((a) => a.startMs)
      .sort((a, b) => a - b);
    expect(starts).toEqual(truth.map((t) => Date.parse(t.startTime)).sort((a, b) => a - b));
    const accepted = strava.control.uploads().filter((u) => u.activityId !== null);
    expect(new Set(accepted.map((u) => u.externalId)).size).toBe(accepted.length);
    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout) as { workouts: Record<string, number> };
    expect(status.workouts.synced ?? 0).toBe(WORKOUTS);
  }, 1_800_000);
});
