// Runs `bandsync sync --all` as a child process and kills it with SIGKILL a
// seeded random moment after it starts uploading, `times` times: the crash
// drill of the backfill tests (F2). Returns how many runs were killed
// mid-work (a run that finished first was not).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

/** Small seeded PRNG (mulberry32) so the kill moments are the same every run. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function killSyncWhileUploading(options: {
  readonly env: Record<string, string>;
  /** Uploads the Strava simulator has received so far. */
  readonly uploads: () => number;
  readonly times: number;
  readonly random: () => number;
  /** Kill at most this long after the first upload of the run (plus `minDelayMs`). */
  readonly maxDelayMs: number;
  readonly minDelayMs?: number;
}): Promise<number> {
  let killed = 0;
  for (let i = 0; i < options.times; i++) {
    const before = options.uploads();
    const child = spawn(process.execPath, [join(repoRoot, 'bin/bandsync.js'), 'sync', '--all', '--json'], {
      env: { ...process.env, ...options.env },
      stdio: 'ignore',
    });
    // Wait until the process is uploading (or done), then kill it a random moment later.
    const deadline = Date.now() + 300_000;
    while (options.uploads() === before && child.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) =>
      setTimeout(r, (options.minDelayMs ?? 0) + Math.floor(options.random() * options.maxDelayMs)),
    );
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      killed++;
    }
    await new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
  }
  return killed;
}
