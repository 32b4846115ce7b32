// Issue 12 item 2: `bandsync daemon --all` and two `bandsync worker
// --concurrency 2` processes on one PostgreSQL database share a 150-workout
// backfill. The daemon's --all is stored as the accounts' approval, so the
// workers upload the history too; a worker killed with kill -9 mid-way loses
// nothing. Each process talks to Strava through its own counting proxy.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { invariantReport } from '../../src/sync/invariant-report.js';
import { repoRoot } from '../helpers/cli.js';
import { until } from '../helpers/until.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema, postgresReachable } from '../store/helpers.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

const WORKOUTS = 150;

const reachable = await postgresReachable();

describe.skipIf(!reachable)('daemon --all and two worker processes on PostgreSQL', () => {
  const schema = uniqueSchema('scaleout');
  const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-scaleout-'));
  const children: ChildProcess[] = [];
  const proxies: CountingProxy[] = [];
  const closers: (() => Promise<void>)[] = [];
  let app: App | null = null;

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await app?.close();
    for (const c of closers) await c();
    await Promise.all(proxies.map((p) => p.close()));
    await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('uploads a 150-workout backfill exactly once, and a worker killed with -9 loses nothing', async () => {
    const zepp = await startZeppSimulator({ seed: 150, workouts: WORKOUTS, years: 2, shapes: ['run', 'treadmill'] });
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
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
      BANDSYNC_LOG_FORMAT: 'json',
    };
    app = await openApp({ env: { ...env, BANDSYNC_STRAVA_URL: strava.url }, logger: silentLogger });
    await app.accounts.connectZepp({ appToken: zepp.credentials.appToken, userId: zepp.credentials.userId });
    await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });

    const outputs: string[] = [];
    const launch = async (args: string[]) => {
      const proxy = await startCountingProxy(strava.url);
      proxies.push(proxy);
      const i = outputs.push('') - 1;
      const child = spawn(process.execPath, [join(repoRoot, 'bin/bandsync.js'), ...args], {
        env: { ...process.env, ...env, BANDSYNC_STRAVA_URL: proxy.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d: Buffer) => (outputs[i] += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (outputs[i] += d.toString()));
      children.push(child);
      await until(`${args[0]} ${i} started`, async () => outputs[i]!.includes('bandsync started'), 180_000);
      return { child, proxy, output: () => outputs[i]! };
    };
    const uploadsOf = (p: CountingProxy) => p.seen.filter((s) => s === 'POST /api/v3/uploads').length;

    const workers = [await launch(['worker', '--concurrency', '2']), await launch(['worker', '--concurrency', '2'])];
    const daemon = await launch(['daemon', '--all', '--port', '0']);

    // Mid-way: kill -9 a worker that is uploading.
    const busy = await until(
      'a worker uploading, a fifth of the way in',
      async () => strava.control.uploads().length >= WORKOUTS / 5 && workers.find((w) => uploadsOf(w.proxy) > 0),
      400_000,
    );
    busy.child.kill('SIGKILL');
    const killedAt = strava.control.uploads().length;
    expect(killedAt).toBeLessThan(WORKOUTS);

    const counts = await until(
      'every workout on Strava',
      async () => {
        const c = await app!.store.countByState('strava');
        return (c.synced ?? 0) + (c.duplicate ?? 0) === WORKOUTS ? c : null;
      },
      600_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${outputs.map((o) => o.slice(-1500)).join('\n---\n')}`);
    });
    expect(counts).toEqual({
      synced: WORKOUTS - (counts.duplicate ?? 0),
      ...(counts.duplicate ? { duplicate: counts.duplicate } : {}),
    });

    // Exactly once: one activity per band workout, no second copy accepted.
    const starts = strava.control
      .activities()
      .map((a) => a.startMs)
      .sort((a, b) => a - b);
    expect(starts).toEqual(
      zepp
        .truth()
        .map((t) => Date.parse(t.startTime))
        .sort((a, b) => a - b),
    );
    const accepted = strava.control.uploads().filter((u) => u.activityId !== null);
    expect(new Set(accepted.map((u) => u.externalId)).size).toBe(accepted.length);
    // The work was shared: the surviving worker or the daemon went on after the kill.
    const survivors = [...workers.filter((w) => w !== busy), daemon];
    expect(survivors.reduce((n, w) => n + uploadsOf(w.proxy), 0)).toBeGreaterThan(0);
    // The approval is in the database, with the daemon's --all named in the ledger.
    const approvals = await app.store.listLedger({ event: 'history_approved' });
    expect(approvals.map((e) => e.reason)).toEqual([expect.stringMatching(/^daemon --all: the whole history/)]);
    expect((await invariantReport(app.store)).stuck).toEqual([]);

    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  }, 1_200_000);
});
