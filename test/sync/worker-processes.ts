// Shared set-up of the tests that run real `bandsync worker` processes on one
// PostgreSQL schema: each worker talks to Strava through its own counting
// proxy (so a test sees which process sent what), its output is kept for the
// failure message, and start-up waits until every one says it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

export interface WorkerProcesses {
  readonly children: ChildProcess[];
  readonly proxies: CountingProxy[];
  /** Each worker's stdout and stderr, interleaved. */
  readonly outputs: string[];
  /** POST /api/v3/uploads sent through each worker's proxy. */
  uploadsPerWorker(): number[];
  /** Strava requests of any kind sent through each worker's proxy. */
  requestsPerWorker(): number[];
  /** The tail of every worker's output, for an assertion's message. */
  tail(chars?: number): string;
  /** SIGTERM to every worker still running. */
  stop(): void;
  /** SIGKILL to what still runs, then the proxies closed. */
  close(): Promise<void>;
}

/**
 * Starts `count` `bandsync worker` processes with `env` (DATABASE_URL, schema,
 * Strava credentials, ...), each with BANDSYNC_STRAVA_URL pointing at its own
 * counting proxy in front of `stravaUrl`; resolves once all say "bandsync started".
 */
export async function startWorkers(
  count: number,
  env: Record<string, string>,
  stravaUrl: string,
  readyTimeoutMs = 120_000,
): Promise<WorkerProcesses> {
  const children: ChildProcess[] = [];
  const proxies: CountingProxy[] = [];
  const outputs: string[] = [];
  const workers: WorkerProcesses = {
    children,
    proxies,
    outputs,
    uploadsPerWorker: () => proxies.map((p) => p.seen.filter((s) => s === 'POST /api/v3/uploads').length),
    requestsPerWorker: () => proxies.map((p) => p.seen.length),
    tail: (chars = 4000) => outputs.join('\n---\n').slice(-chars),
    stop: () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    },
    close: async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
  try {
    for (let i = 0; i < count; i++) {
      const proxy = await startCountingProxy(stravaUrl);
      proxies.push(proxy);
      const child = spawn(process.execPath, [join(repoRoot, 'bin/bandsync.js'), 'worker'], {
        env: { ...process.env, ...env, BANDSYNC_STRAVA_URL: proxy.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      outputs[i] = '';
      child.stdout!.on('data', (d: Buffer) => (outputs[i] += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (outputs[i] += d.toString()));
      children.push(child);
    }
    const readyBy = Date.now() + readyTimeoutMs;
    while (!outputs.every((o) => o.includes('bandsync started')) && Date.now() < readyBy) {
      const dead = children.findIndex((w) => w.exitCode !== null);
      if (dead >= 0) throw new Error(`worker ${dead} exited (${children[dead]!.exitCode}):\n${outputs[dead]}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const started = outputs.filter((o) => o.includes('bandsync started')).length;
    if (started !== count) throw new Error(`${started} of ${count} workers started:\n${workers.tail()}`);
    return workers;
  } catch (err) {
    await workers.close();
    throw err;
  }
}
