// Issue 5: two processes find the Strava access token expired at the same
// moment. The refresh is single-flight across processes (a PostgreSQL lock),
// so the refresh token rotates exactly once and both keep working — first two
// composed apps with their own pools calling at the same instant, then two
// real `bandsync sync` processes started together, which also must not upload
// anything twice between them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openApp, type App } from '../../src/compose.js';
import { simulatedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { discover } from '../../src/sync/discover.js';
import { jsonOf, runCli } from '../helpers/cli.js';
import { expectEachWorkoutOnceOnStrava } from './helpers.js';
import { postgresReachable } from '../store/helpers.js';

const DATABASE_URL = process.env.BANDSYNC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WORKOUTS = 12;

const reachable = await postgresReachable(DATABASE_URL);

/** Makes the stored access token look expired to a process on the real clock. */
async function expireAccessToken(app: App): Promise<string> {
  const account = (await app.store.listAccounts()).find((a) => a.kind === 'strava')!;
  const secrets = await app.store.getSecrets(account.id);
  const tokens = JSON.parse(secrets.tokens!) as { refreshToken: string; expiresAt: number };
  await app.store.setSecrets(account.id, { ...secrets, tokens: JSON.stringify({ ...tokens, expiresAt: 0 }) });
  return tokens.refreshToken;
}

async function storedRefreshToken(app: App): Promise<string> {
  const account = (await app.store.listAccounts()).find((a) => a.kind === 'strava')!;
  return (JSON.parse((await app.store.getSecrets(account.id)).tokens!) as { refreshToken: string }).refreshToken;
}

describe.skipIf(!reachable)(
  `two processes refresh the Strava token at once${reachable ? '' : ' (skipped: no PostgreSQL at ' + DATABASE_URL + ')'}`,
  () => {
    const schema = `t_tokrace_${process.pid}_${randomBytes(4).toString('hex')}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-tokrace-'));
    let zepp: Awaited<ReturnType<typeof startZeppSimulator>>;
    let strava: Awaited<ReturnType<typeof startStravaSimulator>>;
    let env: Record<string, string>;
    let a: App;
    let b: App;
    // The simulator and the two in-process apps share a simulated clock, so
    // access tokens really expire on the simulator's side when it jumps 7 h.
    const clock = simulatedClock(new Date());
    const SEVEN_HOURS = 7 * 3600_000;

    beforeAll(async () => {
      zepp = await startZeppSimulator({ seed: 91, workouts: WORKOUTS, years: 1, shapes: ['run', 'strength'] });
      strava = await startStravaSimulator({ now: () => clock.now() });
      env = {
        DATABASE_URL,
        BANDSYNC_DB_SCHEMA: schema,
        BANDSYNC_DATA_DIR: dataDir,
        BANDSYNC_ZEPP_URL: zepp.url,
        BANDSYNC_STRAVA_URL: strava.url,
        STRAVA_CLIENT_ID: strava.credentials.clientId,
        STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
      };
      a = await openApp({ env, clock, logger: silentLogger });
      b = await openApp({ env, clock, logger: silentLogger });
      await a.accounts.connectZepp({ appToken: zepp.credentials.appToken, userId: zepp.credentials.userId });
      await a.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
      const zeppAccount = (await a.store.listAccounts()).find((x) => x.kind === 'zepp-cloud')!;
      expect(await discover(a.deps, zeppAccount)).toMatchObject({ stored: WORKOUTS, stoppedBy: null });
    }, 300_000);

    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await Promise.all([zepp?.close(), strava?.close()]);
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    }, 120_000);

    it('two apps (own pools) calling at the same instant: one rotation, both answered', async () => {
      const oldRefresh = await storedRefreshToken(a);
      clock.advance(SEVEN_HOURS);
      const rotations = strava.control.rotations();
      const list = (app: App) =>
        app.accounts.stravaClient().then((c) => c.listActivities({ after: '2020-01-01T00:00:00Z' }));
      const [la, lb] = await Promise.all([list(a), list(b)]);
      expect(la).toEqual([]);
      expect(lb).toEqual([]);
      expect(strava.control.rotations()).toBe(rotations + 1);
      const newRefresh = await storedRefreshToken(b);
      expect(newRefresh).not.toBe(oldRefresh);
      // Both keep working with what the one refresh stored.
      await Promise.all([list(a), list(b)]);
      expect(strava.control.rotations()).toBe(rotations + 1);
      expect(strava.control.count429()).toBe(0);
    }, 120_000);

    it('two `bandsync sync` processes started together: one rotation, both succeed, nothing uploaded twice', async () => {
      // Expired on the simulator (its clock jumps) and in the store (the CLI runs on the real clock).
      clock.advance(SEVEN_HOURS);
      const oldRefresh = await expireAccessToken(a);
      const rotations = strava.control.rotations();
      const [r1, r2] = await Promise.all([
        runCli(['sync', '--all', '--json'], env, { timeoutMs: 240_000 }),
        runCli(['sync', '--all', '--json'], env, { timeoutMs: 240_000 }),
      ]);
      expect(r1.code, r1.stderr).toBe(0);
      expect(r2.code, r2.stderr).toBe(0);
      expect(strava.control.rotations()).toBe(rotations + 1);
      expect(await storedRefreshToken(a)).not.toBe(oldRefresh);

      // Between them they uploaded each workout once.
      const s1 = jsonOf(r1) as { uploaded: number; stoppedBy: string | null };
      const s2 = jsonOf(r2) as { uploaded: number; stoppedBy: string | null };
      expect(s1.stoppedBy).toBeNull();
      expect(s2.stoppedBy).toBeNull();
      expect(s1.uploaded + s2.uploaded).toBe(WORKOUTS);
      expect(strava.control.uploads()).toHaveLength(WORKOUTS);
      expectEachWorkoutOnceOnStrava(zepp, strava);
      expect(await a.store.countByState('strava')).toEqual({ synced: WORKOUTS });
      expect(strava.control.requests().filter((r) => r.status === 401)).toEqual([]);

      // And the token chain is alive afterwards: a third process works without refreshing.
      const r3 = await runCli(['sync', '--all', '--json'], env);
      expect(r3.code, r3.stderr).toBe(0);
      expect(strava.control.rotations()).toBe(rotations + 1);
    }, 300_000);
  },
);
