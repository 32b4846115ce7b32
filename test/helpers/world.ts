// A whole bandsync "world" in one process for engine tests: both simulators
// on loopback, the composed app on a fresh embedded database (or a unique
// PostgreSQL schema), all on one simulated clock, both accounts connected.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/compose.js';
import type { Config } from '../../src/config.js';
import { simulatedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator, type ZeppSimulatorOptions } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator, type StravaSimulatorOptions } from '../../src/simulators/strava/index.js';

export interface World {
  app: App;
  zepp: Awaited<ReturnType<typeof startZeppSimulator>>;
  strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  clock: ReturnType<typeof simulatedClock>;
  dataDir: string;
  close(): Promise<void>;
}

export async function startWorld(
  options: { zepp?: ZeppSimulatorOptions; strava?: StravaSimulatorOptions; start?: Date; flags?: Partial<Config> } = {},
): Promise<World> {
  // Start at :01 past a quarter hour so window arithmetic is exercised from a known point.
  const clock = simulatedClock(options.start ?? new Date(Date.UTC(2026, 10, 2, 9, 1, 0)));
  const zepp = await startZeppSimulator({ ...options.zepp, now: () => clock.now() });
  const strava = await startStravaSimulator({ ...options.strava, now: () => clock.now() });
  const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-world-'));
  const app = await openApp({
    clock,
    logger: silentLogger,
    env: {},
    flags: {
      ...options.flags,
      dataDir,
      zeppUrl: zepp.url,
      stravaUrl: strava.url,
      stravaClientId: strava.credentials.clientId,
      stravaClientSecret: strava.credentials.clientSecret,
    },
  });
  await app.accounts.connectZepp({ appToken: zepp.credentials.appToken, userId: zepp.credentials.userId });
  await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
  return {
    app,
    zepp,
    strava,
    clock,
    dataDir,
    async close() {
      await app.close();
      await Promise.all([zepp.close(), strava.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
