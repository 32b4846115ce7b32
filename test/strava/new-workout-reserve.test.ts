// The daily reserve for new workouts is a setting beside the rate limits
// (issue 18): [stravaLimits] newWorkoutReservePercent in the config file or
// BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT, 0 to 50, default 10. A changed
// value changes how much of the day a backfill may spend on the real shared
// budget (embedded database); a value out of range is refused naming the key,
// where it was set and the range; `config show` says it and where it came from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { openApp } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bandsync-reserve-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Requests a backfill, then new workouts, may make in one UTC day of 100 requests (15-minute limit above it). */
async function dayOf(env: Record<string, string>): Promise<{ backfill: number; newWorkouts: number }> {
  const app = await openApp({
    env: { BANDSYNC_DATA_DIR: tempDir(), BANDSYNC_STRAVA_LIMIT_DAY: '100', ...env },
    logger: silentLogger,
  });
  try {
    const now = new Date('2026-11-02T09:01:00.000Z');
    let backfill = 0;
    while ((await app.budget.tryReserve('upload', now, 0, true)) === null) backfill++;
    let newWorkouts = 0;
    while ((await app.budget.tryReserve('upload', now, 0, false)) === null) newWorkouts++;
    return { backfill, newWorkouts };
  } finally {
    await app.close();
  }
}

describe('stravaLimits.newWorkoutReservePercent', () => {
  it('is 10 unless set; the environment and the config file set it', () => {
    expect(loadConfig({ env: {} }).stravaLimits.newWorkoutReservePercent).toBe(10);
    expect(
      loadConfig({ env: { BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT: '25' } }).stravaLimits.newWorkoutReservePercent,
    ).toBe(25);
    const file = join(tempDir(), 'config.toml');
    writeFileSync(file, '[stravaLimits]\nnewWorkoutReservePercent = 0\n');
    expect(loadConfig({ env: {}, configFile: file }).stravaLimits.newWorkoutReservePercent).toBe(0);
  });

  it('refuses a value outside 0-50 or not whole, naming the key, where it was set and the range', () => {
    for (const bad of ['51', '-1', '7.5', 'ten']) {
      let error: unknown;
      try {
        loadConfig({ env: { BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT: bad } });
      } catch (err) {
        error = err;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as Error).message, bad).toContain(
        'stravaLimits.newWorkoutReservePercent (environment BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT): must be a whole percent from 0 to 50',
      );
    }
  });

  it('changes how much of the day a backfill may spend; new workouts still reach the daily limit', async () => {
    expect(await dayOf({})).toEqual({ backfill: 90, newWorkouts: 10 });
    expect(await dayOf({ BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT: '25' })).toEqual({
      backfill: 75,
      newWorkouts: 25,
    });
    expect(await dayOf({ BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT: '0' })).toEqual({
      backfill: 100,
      newWorkouts: 0,
    });
  }, 120_000);

  it('keeps more than the percent from a backfill when new workouts come faster, on the shared budget', async () => {
    const app = await openApp({
      env: { BANDSYNC_DATA_DIR: tempDir(), BANDSYNC_STRAVA_LIMIT_DAY: '100' },
      logger: silentLogger,
    });
    const backfillUntilRefused = async (at: string) => {
      let n = 0;
      while ((await app.budget.tryReserve('upload', new Date(at), 0, true)) === null) n++;
      return n;
    };
    try {
      // 06:00: 20 requests for new workouts. By 08:00 they came at 10 an hour; 16 hours are left
      // before midnight UTC: 160, with a quarter of headroom 200, held to the most a reserve may
      // keep (50 of 100). The backfill may bring the day to 50: 29 requests (21 spent), not the 69
      // the 10 % alone would leave it.
      for (let i = 0; i < 20; i++)
        expect(await app.budget.tryReserve('upload', new Date('2026-11-02T06:00:00Z'), 0, false, true)).toBeNull();
      // A request that serves no workout (a page's, a login's) tells nothing of their rate.
      expect(await app.budget.tryReserve('read', new Date('2026-11-02T06:00:00Z'), 0)).toBeNull();
      expect(await backfillUntilRefused('2026-11-02T08:00:00Z')).toBe(29);
      // The next day at 00:30 the measure is the day before: 20 requests, 0.83 an hour; 23.5 hours
      // left, ×1.25 = 24.5, so 25 kept: the backfill may spend 75.
      expect(await backfillUntilRefused('2026-11-03T00:30:00Z')).toBe(75);
      // Two days on, nothing new came the day before: the 10 % alone, 90.
      expect(await backfillUntilRefused('2026-11-05T00:30:00Z')).toBe(90);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('config show says it and where it came from; config check refuses a bad one', async () => {
    const env = { BANDSYNC_DATA_DIR: tempDir(), BANDSYNC_CONFIG: '' };
    const shown = await runCli(['config', 'show'], { ...env, BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT: '20' });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(
      'stravaLimits.newWorkoutReservePercent = 20  # environment BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT',
    );
    const checked = await runCli(['config', 'check'], { ...env, BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT: '80' });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('stravaLimits.newWorkoutReservePercent');
    expect(checked.stderr).toContain('must be a whole percent from 0 to 50');
  }, 60_000);
});
