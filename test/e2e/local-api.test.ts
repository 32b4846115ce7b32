// DESIGN §4.2: while `bandsync daemon` holds the embedded database, the CLI's
// status, log, retry, skip and sync reach it through its local API (real CLI
// processes, real HTTP on loopback) instead of failing on the data dir lock.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { DAEMON_FILE_NAME, readDaemonFile } from '../../src/local-api/discovery.js';
import { startWorld, type World } from '../helpers/world.js';
import { until } from '../helpers/until.js';
import { jsonOf, runCli } from '../helpers/cli.js';

describe('the CLI through a running daemon', () => {
  let world: World;
  let daemon: RunningDaemon;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    world = await startWorld({ zepp: { seed: 33, workouts: 5, years: 1 } });
    daemon = await startDaemon(world.app, { port: 0, host: '127.0.0.1' });
    env = { BANDSYNC_DATA_DIR: world.dataDir, BANDSYNC_CONFIG: '', DATABASE_URL: '', BANDSYNC_SECRET_KEY: '' };
    // The first poll stores the history recorded before connecting, without uploading it.
    await until('the first poll', async () => (await world.app.store.countByState('strava')).fetched === 5);
  }, 300_000);
  afterAll(async () => {
    await daemon?.close();
    await world?.close();
  });

  it('advertises itself in an owner-only daemon.json', () => {
    expect(statSync(join(world.dataDir, DAEMON_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(readDaemonFile(world.dataDir)).toMatchObject({ pid: process.pid, url: daemon.url, works: true });
  });

  it('status answers from the daemon while it holds the database', async () => {
    const r = await cli('status', '--json');
    expect(r.code, r.stderr).toBe(0);
    const status = jsonOf(r) as {
      via: { daemonPid: number };
      accounts: { kind: string }[];
      workouts: Record<string, number>;
    };
    expect(status.via.daemonPid).toBe(process.pid);
    expect(status.accounts.map((a) => a.kind).sort()).toEqual(['strava', 'zepp-cloud']);
    expect(status.workouts).toEqual(await world.app.store.countByState('strava'));
    const text = await cli('status');
    expect(text.stdout).toContain(`answered by the running daemon, pid ${process.pid}`);
  });

  it('log, skip and retry go through it and land in the ledger', async () => {
    const [record] = await world.app.store.listRecords({ destination: 'strava', states: ['fetched'], limit: 1 });
    const id = record!.workoutId;
    const skipped = await cli('skip', id, '--reason', 'not my run');
    expect(skipped.code, skipped.stderr).toBe(0);
    expect((await world.app.store.getRecord(id, 'strava'))!.state).toBe('skipped');
    const retried = await cli('retry', id);
    expect(retried.code, retried.stderr).toBe(0);
    expect((await world.app.store.getRecord(id, 'strava'))!.state).toBe('fetched');

    const log = await cli('log', id, '--json');
    expect(log.code, log.stderr).toBe(0);
    const reasons = (JSON.parse(log.stdout) as { reason: string }[]).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['not my run', 'retry requested by the user']));
    expect(await world.app.store.listLedger({ workoutId: id, limit: 50 })).toHaveLength(reasons.length);
  });

  it('an action the daemon refuses fails with its reason', async () => {
    const r = await cli('retry', 'no-such-workout');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No workout no-such-workout');
  });

  it('sync --dry-run is planned by the daemon and sends nothing; sync starts it there', async () => {
    const dry = await cli('sync', '--all', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const plan = (jsonOf(dry) as { plan: { action: string }[] }).plan;
    expect(plan.filter((p) => p.action === 'upload')).toHaveLength(5);
    expect(world.strava.control.uploads()).toHaveLength(0);

    const started = await cli('sync', '--all');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain(`the running daemon (pid ${process.pid}) is syncing now`);
    await until('the backfill on Strava', async () => (await world.app.store.countByState('strava')).synced === 5);
    expect(world.strava.control.uploads()).toHaveLength(5);
  }, 300_000);

  it('refuses callers without the token', async () => {
    const url = new URL('api/local/status', daemon.url!);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const body = await (await fetch(url)).text();
    expect(body).not.toContain(readDaemonFile(world.dataDir)!.token);
  });

  it('doctor finds the daemon at the address it advertises, whatever the configured port', async () => {
    const r = await runCli(['doctor'], { ...env, BANDSYNC_PORT: '1', BANDSYNC_STRAVA_URL: world.strava.url });
    expect(r.stdout).toMatch(
      new RegExp(`daemon\\s+running, answering on ${daemon.url!.replace(/[.]/g, '\\.')}healthz`),
    );
  });

  it('commands that need the database itself still get the lock message, naming what works', async () => {
    const r = await cli('export-all', join(world.dataDir, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /in use by another bandsync process .*status, log, retry, skip and sync go through a running bandsync daemon/,
    );
  });
});
