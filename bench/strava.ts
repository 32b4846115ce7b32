// Strava client + simulator on their own (no engine): a 1,000-workout backfill
// under the default limits on a simulated clock. Waiting is done the engine's
// way (jump the clock to the retryAt the client returns), confirmation by one
// listing per 200 uploads. Figures: requests per activity, simulated drain time
// against the floor the upload limit sets, 429s, duplicates, wall time.
import { startStravaSimulator } from '../src/simulators/strava/index.js';
import { createStravaClient, stripUploadExtension } from '../src/strava/index.js';
import { BandsyncError } from '../src/sync/failures.js';
import { makeFit, manualClock, memoryBudget, memoryLock, memoryTokens } from '../test/strava/helpers.js';

export async function run(): Promise<Record<string, unknown>> {
  const N = 1000;
  const BATCH = 200;
  const started = performance.now();
  const clock = manualClock('2026-03-01T00:00:00Z');
  const sim = await startStravaSimulator({ now: clock.now });
  try {
    let requests = 0;
    const client = createStravaClient({
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      tokens: memoryTokens({ accessToken: 'x', refreshToken: sim.credentials.refreshToken, expiresAt: 0 }),
      lock: memoryLock(),
      budget: memoryBudget(),
      now: clock.now,
      keepForUploads: 20,
      onRequest: () => requests++,
    });
    const t0 = clock.now().getTime();
    const history = Date.parse('2024-01-01T06:00:00Z');
    /** Runs `fn`, jumping the simulated clock to each reset Strava's budget imposes. */
    const budgeted = async <T>(fn: () => Promise<T>): Promise<T> => {
      for (;;) {
        try {
          return await fn();
        } catch (err) {
          if (!(err instanceof BandsyncError) || err.code !== 'strava_rate_limited' || !err.retryAt) throw err;
          clock.set(err.retryAt);
        }
      }
    };
    let confirmed = 0;
    for (let b = 0; b < N / BATCH; b++) {
      for (let i = b * BATCH; i < (b + 1) * BATCH; i++) {
        const start = new Date(history + i * 86_400_000 * 0.7);
        const bytes = makeFit({ start, elapsed: 1800, distanceMeters: 5000, heartRate: true, gps: i % 3 !== 0 });
        await budgeted(() =>
          client.upload({
            bytes,
            format: 'fit',
            externalId: `zepp-${i}`,
            name: `Run ${i}`,
            sportType: 'Run',
            trainer: false,
          }),
        );
      }
      clock.advance(2); // processing finishes
      const after = new Date(history + b * BATCH * 86_400_000 * 0.7).toISOString();
      const before = new Date(history + (b + 1) * BATCH * 86_400_000 * 0.7).toISOString();
      const listed = await budgeted(() => client.listActivities({ after, before }));
      confirmed += listed.filter((a) => stripUploadExtension(a.externalId)?.startsWith('zepp-')).length;
    }
    const drainSeconds = (clock.now().getTime() - t0) / 1000;
    // Floor set by the upload limit: N uploads at 200 per quarter hour.
    const floorSeconds = (N / 200) * 900;
    const externalIds = sim.control.activities().map((a) => a.externalId);
    return {
      workouts: N,
      confirmedByListing: confirmed,
      stravaRequests: requests,
      requestsPerActivity: +(requests / N).toFixed(4),
      simulatedDrainSeconds: drainSeconds,
      floorSeconds,
      drainOverFloor: floorSeconds > 0 ? +(drainSeconds / floorSeconds).toFixed(4) : null,
      count429: sim.control.count429(),
      duplicates: externalIds.length - new Set(externalIds).size,
      wallSecondsClientAndSim: +((performance.now() - started) / 1000).toFixed(2),
    };
  } finally {
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await run());
