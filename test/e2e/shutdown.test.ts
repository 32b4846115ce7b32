// Issue 12 item 3: SIGTERM stops `bandsync daemon` and `bandsync sync` within
// 10 s in every state — waiting for Strava's rate-limit window, with an
// upload in flight, in the middle of a poll — and what was in flight resumes
// on the next start without a second upload. Real processes, real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { until } from '../helpers/until.js';

const WORKOUTS = 4;
/**
 * A 15-minute limit the rate-limit cases spend: more workouts than it allows. (Reads keep 10 requests
 * of each window for uploads, so the limit is above 10 for the first listing to go.)
 */
const LIMIT = 12;
const MANY = 16;
const STOP_LIMIT_MS = 10_000;

/** A loopback proxy that holds every request while `holding` is on (a source that hangs mid-poll). */
async function holdingProxy(target: string) {
  const upstream = new URL(target);
  const state = { holding: false, held: 0 };
  const server: Server = createServer((req, res) => {
    const forward = () => {
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    if (!state.holding) return forward();
    state.held++;
    setTimeout(forward, 120_000).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Setup {
  env: Record<string, string>;
  zepp: Awaited<ReturnType<typeof startZeppSimulator>>;
  strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
}, 60_000);

async function setup(seed: number, zeppUrl?: (real: string) => Promise<string>, workouts = WORKOUTS): Promise<Setup> {
  const zepp = await startZeppSimulator({ seed, workouts, years: 1, shapes: ['run', 'treadmill'] });
  const strava = await startStravaSimulator({});
  const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-stop-'));
  const env: Record<string, string> = {
    BANDSYNC_DATA_DIR: dataDir,
    BANDSYNC_ZEPP_URL: zeppUrl ? await zeppUrl(zepp.url) : zepp.url,
    BANDSYNC_STRAVA_URL: strava.url,
    STRAVA_CLIENT_ID: strava.credentials.clientId,
    STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    BANDSYNC_LOG_FORMAT: 'json',
  };
  const app = await openApp({ env, logger: silentLogger });
  await app.accounts.connectZepp({ appToken: zepp.credentials.appToken, userId: zepp.credentials.userId });
  await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
  await app.close();
  const s: Setup = {
    env,
    zepp,
    strava,
    close: async () => {
      await Promise.all([zepp.close(), strava.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  cleanups.push(s.close);
  return s;
}

function start(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/bandsync.js'), ...args], {
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => out };
}

/** SIGTERM, then how long the process took to exit and how. */
async function stop(child: ChildProcess): Promise<{ ms: number; code: number | null; signal: string | null }> {
  const began = Date.now();
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.kill('SIGTERM');
  const how = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
  if (!how) {
    child.kill('SIGKILL');
    return { ms: Infinity, code: null, signal: 'still running after 30 s' };
  }
  return { ms: Date.now() - began, ...how };
}

/** The next start: a plain `sync --all` (waits pass at once), then every workout must be on Strava exactly once. */
async function resumesExactlyOnce(s: Setup): Promise<void> {
  const rerun = await runCli(
    ['sync', '--all', '--json'],
    { ...s.env, BANDSYNC_TEST_CLOCK: 'simulated' },
    {
      timeoutMs: 300_000,
    },
  );
  expect(rerun.code, rerun.stderr).toBe(0);
  const starts = s.strava.control
    .activities()
    .map((a) => a.startMs)
    .sort((a, b) => a - b);
  expect(starts).toEqual(
    s.zepp
      .truth()
      .map((t) => Date.parse(t.startTime))
      .sort((a, b) => a - b),
  );
  const accepted = s.strava.control.uploads().filter((u) => u.activityId !== null);
  expect(new Set(accepted.map((u) => u.externalId)).size).toBe(accepted.length);
}

describe('SIGTERM stops within 10 s and loses nothing', () => {
  it('the daemon, while a sync it runs waits for the rate-limit window', async () => {
    const s = await setup(31, undefined, MANY);
    // The listing and 11 uploads, then the wait for the next window.
    s.strava.control.setLimits({ overall15: LIMIT });
    const daemon = start(['daemon', '--port', '0'], s.env);
    await until('the daemon', async () => daemon.output().includes('bandsync started'), 120_000);
    const asked = await runCli(['sync', '--all'], s.env, { timeoutMs: 120_000 });
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toMatch(/running daemon/);
    await until('the budget spent', async () => s.strava.control.usage().overall15 >= LIMIT, 180_000).catch(
      (e: Error) => {
        throw new Error(`${e.message}\n${daemon.output().slice(-3000)}`);
      },
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(s.strava.control.activities().length).toBeLessThan(MANY);
    const stopped = await stop(daemon.child);
    expect(stopped.ms, daemon.output().slice(-3000)).toBeLessThan(STOP_LIMIT_MS);
    expect(stopped.code).toBe(0);
    s.strava.control.setLimits({ overall15: 200 });
    await resumesExactlyOnce(s);
  }, 600_000);

  it('the daemon, with an upload in flight', async () => {
    const s = await setup(32);
    s.strava.control.fault({ kind: 'hang', method: 'POST', path: '/api/v3/uploads', hangMs: 60_000 });
    const daemon = start(['daemon', '--all', '--port', '0'], s.env);
    await until(
      'an upload in flight',
      async () => s.strava.control.requests().some((r) => r.method === 'POST' && r.url.startsWith('/api/v3/uploads')),
      180_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    const stopped = await stop(daemon.child);
    expect(stopped.ms, daemon.output().slice(-3000)).toBeLessThan(STOP_LIMIT_MS);
    expect(stopped.code).toBe(0);
    s.strava.releaseHangs();
    s.strava.control.clearFaults();
    await resumesExactlyOnce(s);
  }, 600_000);

  it('the daemon, in the middle of a poll', async () => {
    let proxy: Awaited<ReturnType<typeof holdingProxy>> | null = null;
    const s = await setup(33, async (real) => {
      proxy = await holdingProxy(real);
      return proxy.url;
    });
    cleanups.push(() => proxy!.close());
    proxy!.state.holding = true;
    const daemon = start(['daemon', '--all', '--port', '0'], s.env);
    await until('the poll waiting on the source', async () => proxy!.state.held > 0, 180_000);
    await new Promise((r) => setTimeout(r, 500));
    const stopped = await stop(daemon.child);
    expect(stopped.ms, daemon.output().slice(-3000)).toBeLessThan(STOP_LIMIT_MS);
    expect(stopped.code).toBe(0);
    expect(s.strava.control.uploads()).toHaveLength(0);
    proxy!.state.holding = false;
    await resumesExactlyOnce(s);
  }, 600_000);

  it('`bandsync sync`, while it waits for the rate-limit window', async () => {
    const s = await setup(34, undefined, MANY);
    s.strava.control.setLimits({ overall15: LIMIT });
    const sync = start(['sync', '--all'], s.env);
    await until('the budget spent', async () => s.strava.control.usage().overall15 >= LIMIT, 180_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(sync.child.exitCode, sync.output()).toBeNull();
    const stopped = await stop(sync.child);
    expect(stopped.ms, sync.output().slice(-3000)).toBeLessThan(STOP_LIMIT_MS);
    expect(stopped.code).toBe(143);
    s.strava.control.setLimits({ overall15: 200 });
    await resumesExactlyOnce(s);
  }, 600_000);
});
