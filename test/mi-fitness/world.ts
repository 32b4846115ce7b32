// A bandsync world for the Mi Fitness source: its simulator and Strava's on
// loopback, the composed app on a fresh embedded database, one simulated
// clock, both accounts connected through their real login paths.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/compose.js';
import type { Config } from '../../src/config.js';
import { simulatedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/observability/index.js';
import {
  startMiFitnessSimulator,
  type MiFitnessSimulatorOptions,
  type RunningMiFitnessSimulator,
} from '../../src/simulators/mi-fitness/index.js';
import { startStravaSimulator, type StravaSimulatorOptions } from '../../src/simulators/strava/index.js';

export interface MiWorld {
  app: App;
  mi: RunningMiFitnessSimulator;
  strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  clock: ReturnType<typeof simulatedClock>;
  dataDir: string;
  close(): Promise<void>;
}

export const WORLD_START = new Date(Date.UTC(2026, 10, 2, 9, 1, 0));

export async function startMiWorld(
  options: {
    mi?: MiFitnessSimulatorOptions;
    strava?: StravaSimulatorOptions;
    flags?: Partial<Config>;
    dataDir?: string;
  } = {},
): Promise<MiWorld> {
  const clock = simulatedClock(WORLD_START);
  const mi = await startMiFitnessSimulator({ ...options.mi, now: () => clock.now() });
  const strava = await startStravaSimulator({ ...options.strava, now: () => clock.now() });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bandsync-mi-'));
  const app = await openApp({
    clock,
    logger: silentLogger,
    env: {},
    flags: {
      ...options.flags,
      dataDir,
      miFitnessUrl: mi.url,
      stravaUrl: strava.url,
      stravaClientId: strava.credentials.clientId,
      stravaClientSecret: strava.credentials.clientSecret,
    },
  });
  const outcome = await app.accounts.connectMiFitness({ ...mi.credentials });
  if (outcome.kind !== 'connected') throw new Error(outcome.reason);
  await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
  return {
    app,
    mi,
    strava,
    clock,
    dataDir,
    async close() {
      await app.close();
      await Promise.all([mi.close(), strava.close()]);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
