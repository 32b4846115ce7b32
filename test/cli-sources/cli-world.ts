// What every CLI source test needs: the Strava simulator in this process on
// loopback, a fresh data dir, the env the real CLI reads, Strava connected
// through `bandsync connect strava --refresh-token`, and a way to run a
// long-lived command (watch) and signal it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  createStravaSimulator,
  type StravaSimulator,
  type StravaSimulatorOptions,
} from '../../src/simulators/strava/index.js';
import { jsonOf, runCli, type CliResult } from '../helpers/cli.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sources');
const bin = fileURLToPath(new URL('../../bin/bandsync.js', import.meta.url));

/** The simulator on loopback, plus the raw form of every POST /api/v3/activities (manual activities) it received. */
export interface RecordingStrava extends StravaSimulator {
  readonly url: string;
  readonly manualForms: Record<string, string>[];
  close(): Promise<void>;
}

async function startRecordingStrava(options: StravaSimulatorOptions): Promise<RecordingStrava> {
  const sim = createStravaSimulator(options);
  const manualForms: Record<string, string>[] = [];
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        hostname: '127.0.0.1',
        port: 0,
        fetch: async (req) => {
          if (req.method === 'POST' && new URL(req.url).pathname === '/api/v3/activities') {
            manualForms.push(Object.fromEntries(new URLSearchParams(await req.clone().text())));
          }
          return sim.app.fetch(req);
        },
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...sim,
    manualForms,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        sim.releaseHangs();
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

export interface CliWorld {
  strava: RecordingStrava;
  env: Record<string, string>;
  dir: string;
  cli(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  status(): Promise<{
    accounts: { id: string; kind: string; label: string; status: string }[];
    workouts: Record<string, number>;
  }>;
  close(): Promise<void>;
}

export async function startCliWorld(
  name: string,
  options: { strava?: StravaSimulatorOptions; env?: Record<string, string> } = {},
): Promise<CliWorld> {
  const dir = mkdtempSync(path.join(tmpdir(), `bandsync-${name}-`));
  const strava = await startRecordingStrava(options.strava ?? {});
  const env = {
    ...options.env,
    BANDSYNC_DATA_DIR: path.join(dir, 'data'),
    BANDSYNC_STRAVA_URL: strava.url,
    STRAVA_CLIENT_ID: strava.credentials.clientId,
    STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
  };
  const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
    runCli(args, { ...env, ...extraEnv }, { timeoutMs: 150_000 });
  const connected = await cli(['connect', 'strava', '--refresh-token', strava.credentials.refreshToken]);
  if (connected.code !== 0) throw new Error(`connect strava failed: ${connected.stderr}`);
  return {
    strava,
    env,
    dir,
    cli,
    async status() {
      const r = await cli(['status', '--json']);
      if (r.code !== 0) throw new Error(`status failed: ${r.stderr}`);
      return jsonOf(r) as never;
    },
    async close() {
      await strava.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A CLI command left running (watch, daemon): its output so far, a wait for a line, and its exit. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  waitFor(pattern: RegExp, stream: 'stdout' | 'stderr', timeoutMs?: number): Promise<void>;
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], env: Record<string, string>): RunningCli {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '',
    err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitFor(pattern, stream, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stream === 'stdout' ? out : err)) {
        if (child.exitCode !== null)
          throw new Error(`bandsync ${args.join(' ')} exited (${child.exitCode}) before ${pattern}\n${out}\n${err}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} on ${stream} within ${timeoutMs} ms\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    exited: (timeoutMs = 60_000) =>
      Promise.race([
        exit,
        new Promise<never>((_, reject) =>
          setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`bandsync ${args.join(' ')} did not exit within ${timeoutMs} ms\n${err}`));
          }, timeoutMs).unref(),
        ),
      ]),
  };
}
