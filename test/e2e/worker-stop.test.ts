// Issue 12 item 3 for `bandsync worker` (PostgreSQL): SIGTERM with an upload
// in flight stops it within 10 s; the next sync resolves what was sent and
// every workout ends on Strava exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { discover } from '../../src/sync/discover.js';
import { dispatch } from '../../src/sync/tasks.js';
import { approveHistory } from '../../src/sync/approval.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { repoRoot } from '../helpers/cli.js';
import { until } from '../helpers/until.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema, postgresReachable } from '../store/helpers.js';

const reachable = await postgresReachable();

describe.skipIf(!reachable)('bandsync worker and SIGTERM', () => {
  const schema = uniqueSchema('wstop');
  const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-wstop-'));
  let worker: ChildProcess | null = null;
  let app: App | null = null;
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await app?.close();
    for (const c of closers) await c();
    await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('stops within 10 s with an upload in flight; nothing is uploaded twice', async () => {
    const zepp = await startZeppSimulator({ seed: 61, workouts: 3, years: 1, shapes: ['run'] });
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
    // This process's clock lets waits (a lost upload's grace) pass at once; the worker runs on real time.
    app = await openApp({ env: { ...env, BANDSYNC_TEST_CLOCK: 'simulated' }, logger: silentLogger });
    await app.accounts.connectZepp({ appToken: zepp.credentials.appToken, userId: zepp.credentials.userId });
    await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
    const account = (await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
    await discover(app.deps, account);
    await approveHistory(app.deps, account, null, 'test backfill');
    strava.control.fault({ kind: 'hang', method: 'POST', path: '/api/v3/uploads', hangMs: 60_000 });

    worker = spawn(process.execPath, [join(repoRoot, 'bin/bandsync.js'), 'worker', '--concurrency', '2'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    worker.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    worker.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await until('the worker', async () => out.includes('bandsync started'), 120_000);
    await dispatch(app.deps, app.queue, { pollIntervalSeconds: 3600 });
    await until('an upload in flight', async () =>
      strava.control.requests().some((r) => r.method === 'POST' && r.url.startsWith('/api/v3/uploads')),
    );

    const began = Date.now();
    const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    const code = await exited;
    expect(Date.now() - began, out.slice(-2000)).toBeLessThan(10_000);
    expect(code).toBe(0);

    // The next run (waits pass at once): what was in flight is resolved, every workout once on Strava.
    strava.releaseHangs();
    strava.control.clearFaults();
    const summary = await syncAll(app.deps, { all: true, wait: (u) => app!.clock.wait(u) });
    expect(summary.stoppedBy).toBeNull();
    const truth = zepp
      .truth()
      .map((t) => Date.parse(t.startTime))
      .sort((a, b) => a - b);
    await until('every workout listed', async () => strava.control.activities().length >= truth.length, 60_000);
    expect(
      strava.control
        .activities()
        .map((a) => a.startMs)
        .sort((a, b) => a - b),
    ).toEqual(truth);
  }, 400_000);
});
