// Issue 12 item 4: an account connected while the daemon runs is polled
// without a restart. A real `bandsync daemon` process on PostgreSQL; the
// Zepp account is connected by a separate `bandsync connect zepp` process
// against the same database, as a second terminal (or the dashboard on
// another machine) would.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { until } from '../helpers/until.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema, postgresReachable } from '../store/helpers.js';

const reachable = await postgresReachable();

describe.skipIf(!reachable)('an account connected while the daemon runs', () => {
  const schema = uniqueSchema('live');
  const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-live-'));
  let daemon: ChildProcess | null = null;
  let app: App | null = null;
  const closers: (() => Promise<void>)[] = [];

  afterAll(async () => {
    if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
    await app?.close();
    for (const c of closers) await c();
    await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('is polled from the daemon’s next look, no restart', async () => {
    const zepp = await startZeppSimulator({ seed: 44, workouts: 3, years: 1 });
    const strava = await startStravaSimulator({});
    closers.push(
      () => zepp.close(),
      () => strava.close(),
    );
    const env: Record<string, string> = {
      DATABASE_URL: TEST_DATABASE_URL,
      BANDSYNC_DB_SCHEMA: schema,
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_ZEPP_URL: zepp.url,
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
      BANDSYNC_LOG_FORMAT: 'json',
    };
    app = await openApp({ env, logger: silentLogger });
    await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });

    // The daemon starts with no source at all.
    daemon = spawn(process.execPath, [join(repoRoot, 'bin/bandsync.js'), 'daemon', '--port', '0'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    daemon.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    daemon.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await until('the daemon', async () => out.includes('bandsync started'), 120_000);

    const connected = await runCli(
      ['connect', 'zepp', '--app-token', zepp.credentials.appToken, '--user-id', zepp.credentials.userId],
      env,
      { timeoutMs: 120_000 },
    );
    expect(connected.code, connected.stderr).toBe(0);

    // The daemon notices the account and polls it: its workouts are stored (history waits for a backfill).
    await until(
      'the new account polled by the running daemon',
      async () => (await app!.store.countByState('strava')).fetched === 3,
      120_000,
    );
    expect(out).toMatch(/new source accounts: polling them now/);
    expect(daemon.exitCode).toBeNull();
    expect(strava.control.uploads()).toHaveLength(0);

    daemon.kill('SIGTERM');
    await new Promise((r) => daemon!.once('exit', r));
  }, 400_000);
});
