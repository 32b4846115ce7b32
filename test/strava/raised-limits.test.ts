// Limits Strava raised on request (issue 18 item 3): configured in
// stravaLimits (or BANDSYNC_STRAVA_*LIMIT*), the shared budget lets that many
// requests through one 15-minute window of the simulator raised the same way;
// unconfigured, the budget keeps to Strava's defaults even when Strava's
// answers state more. Simulated clock shared with the simulator: one window.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApp } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { simulatedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { BandsyncError } from '../../src/sync/failures.js';

const RAISED = { overall15: 600, overallDay: 6000, read15: 300, readDay: 3000 };

/** Reads Strava (GET /athlete) until the budget refuses; how many went through, and the simulator's 429s. */
async function readsInOneWindow(env: Record<string, string>) {
  const clock = simulatedClock(new Date('2026-03-02T10:00:00.000Z'));
  const strava = await startStravaSimulator({ now: () => clock.now(), limits: RAISED });
  const dir = mkdtempSync(join(tmpdir(), 'bandsync-raised-'));
  const app = await openApp({
    env: {
      BANDSYNC_DATA_DIR: dir,
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
      ...env,
    },
    clock,
    logger: silentLogger,
  });
  try {
    await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.control.issueRefreshToken() });
    const client = await app.accounts.stravaClient();
    const before = strava.control.requests().length;
    let refusal: BandsyncError | null = null;
    while (!refusal) {
      await client.athlete().catch((err: unknown) => {
        if (err instanceof BandsyncError && err.code === 'strava_rate_limited') refusal = err;
        else throw err;
      });
    }
    return {
      reads: strava.control.requests().length - before,
      count429: strava.control.count429(),
      retryAt: (refusal as BandsyncError).retryAt,
      limit15: (await app.budget.snapshot(clock.now())).read.limit15,
    };
  } finally {
    await app.close();
    await strava.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Strava limits raised on request', () => {
  it("are Strava's defaults unless configured", () => {
    expect(loadConfig({ env: {} }).stravaLimits).toEqual({
      overall15: 200,
      overallDay: 2000,
      read15: 100,
      readDay: 1000,
      newWorkoutReservePercent: 10,
    });
    expect(
      loadConfig({ env: { BANDSYNC_STRAVA_LIMIT_15MIN: '600', BANDSYNC_STRAVA_READ_LIMIT_DAY: '3000' } }).stravaLimits,
    ).toMatchObject({ overall15: 600, readDay: 3000 });
  });

  it('let as many requests through one window as configured, without a 429', async () => {
    const raised = await readsInOneWindow({
      BANDSYNC_STRAVA_LIMIT_15MIN: String(RAISED.overall15),
      BANDSYNC_STRAVA_LIMIT_DAY: String(RAISED.overallDay),
      BANDSYNC_STRAVA_READ_LIMIT_15MIN: String(RAISED.read15),
      BANDSYNC_STRAVA_READ_LIMIT_DAY: String(RAISED.readDay),
    });
    // Connecting asked GET /athlete once already: 300 reads in the window in all.
    expect(raised).toMatchObject({ reads: RAISED.read15 - 1, count429: 0, limit15: RAISED.read15 });
    expect(raised.retryAt).toBe('2026-03-02T10:15:00.000Z');
  }, 120_000);

  it("unconfigured, keep to Strava's default limits even when Strava's answers state more", async () => {
    const defaults = await readsInOneWindow({});
    expect(defaults).toMatchObject({ reads: 100 - 1, count429: 0, limit15: 100 });
  }, 120_000);
});
