// The far side of bench/memory.ts's backfill, in a process of its own so its
// memory is not counted with the daemon's: a Zepp cloud simulator holding N
// workouts and a Strava simulator with raised limits (Strava's own would
// spread N uploads over days; the budget logic has its own tests and benches).
// Connects both accounts into DATA_DIR through the product's code, closes the
// database, prints one JSON line with the env the daemon needs, then one line
// {"activities": n} a second until killed.
// `node bin/run-ts.js bench/memory-sims.ts DATA_DIR N`
import { clockFromEnv } from '../src/clock.js';
import { openApp } from '../src/compose.js';
import { silentLogger } from '../src/observability/index.js';
import { startStravaSimulator } from '../src/simulators/strava/index.js';
import { startZeppSimulator } from '../src/simulators/zepp-cloud/index.js';

export const RAISED_LIMITS = {
  BANDSYNC_STRAVA_LIMIT_15MIN: '1000000',
  BANDSYNC_STRAVA_LIMIT_DAY: '10000000',
  BANDSYNC_STRAVA_READ_LIMIT_15MIN: '1000000',
  BANDSYNC_STRAVA_READ_LIMIT_DAY: '10000000',
};

const [dataDir, n] = [process.argv[2]!, Number(process.argv[3] ?? 1000)];
// BANDSYNC_TEST_CLOCK (scaled:…, a test/bench hook): the same clock as the daemon's, so Strava's
// processing time and rate windows pass `scale` times faster for both sides. Unset: the real clock.
const testClock = process.env.BANDSYNC_TEST_CLOCK ?? '';
const clock = clockFromEnv(testClock);
const now = () => clock.now();
// Short workouts (a few shapes of everyday length): the bench is about how memory grows with the
// number of workouts a backfill goes through, and the simulator's generation must keep up.
const zepp = await startZeppSimulator({ seed: 17, workouts: n, years: Math.max(1, Math.ceil(n / 700)), now });
const strava = await startStravaSimulator({
  now,
  limits: { overall15: 1_000_000, overallDay: 10_000_000, read15: 1_000_000, readDay: 10_000_000 },
});
const env = {
  BANDSYNC_DATA_DIR: dataDir,
  BANDSYNC_CONFIG: '',
  DATABASE_URL: '',
  BANDSYNC_ZEPP_URL: zepp.url,
  BANDSYNC_STRAVA_URL: strava.url,
  STRAVA_CLIENT_ID: strava.credentials.clientId,
  STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
  ...RAISED_LIMITS,
  ...(testClock ? { BANDSYNC_TEST_CLOCK: testClock } : {}),
};
const app = await openApp({ env, logger: silentLogger });
await app.accounts.connectZepp({ ...zepp.credentials, baseUrl: zepp.url });
await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
await app.close();
// The bench gone (killed, or done with us): stop quietly instead of dying on a closed pipe.
process.stdout.on('error', () => process.exit(0));
process.stdout.write(JSON.stringify({ env }) + '\n');
const tick = setInterval(() => {
  process.stdout.write(JSON.stringify({ activities: strava.control.activities().length }) + '\n');
}, 1000);
const stop = () => {
  clearInterval(tick);
  void Promise.all([zepp.close(), strava.close()]).finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
