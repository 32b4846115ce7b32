// Soak: the real daemon (embedded database, real clock) against both
// simulators for a bounded time while new workouts keep appearing in the Zepp
// cloud. Reports memory over time (does it grow?), the latency from a workout
// appearing in the source to its activity on the Strava simulator (goal:
// within one poll interval + 10 s), and the CLI cold start of `status` on the
// embedded database (goal: under 1 s), both through the running daemon's local
// API and with the database opened by the CLI itself.
// Knobs: BANDSYNC_SOAK_SECONDS (default 240), BANDSYNC_SOAK_EVERY (seconds between new workouts, default 40).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from '../src/compose.js';
import { startDaemon } from '../src/daemon.js';
import { startZeppSimulator } from '../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../src/simulators/strava/index.js';
import { waitForOAuthCallback } from '../src/cli/oauth-callback.js';
import { silentLogger } from '../src/observability/logger.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const POLL_SECONDS = 60; // the smallest interval the config allows

interface MemorySample {
  atSeconds: number;
  rssMb: number;
  heapMb: number;
}

const mb = (n: number) => +(n / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Least-squares slope of heap use, MB per minute: ~0 when nothing leaks. */
function slopePerMinute(samples: readonly MemorySample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.atSeconds, 0) / n;
  const my = samples.reduce((s, p) => s + p.heapMb, 0) / n;
  const num = samples.reduce((s, p) => s + (p.atSeconds - mx) * (p.heapMb - my), 0);
  const den = samples.reduce((s, p) => s + (p.atSeconds - mx) ** 2, 0);
  return den === 0 ? 0 : +((num / den) * 60).toFixed(3);
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2);
}

/**
 * Median wall time of `bandsync status --json` in a fresh process (tsx launcher
 * included, as a user runs it). Spawned asynchronously: the daemon answering
 * it may live in this very process.
 */
async function coldStartStatus(
  dataDir: string,
  runs = 3,
): Promise<{ medianMs: number; runsMs: number[]; ok: boolean }> {
  const runsMs: number[] = [];
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const code = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [join(root, 'bin/bandsync.js'), 'status', '--json'], {
        env: { ...process.env, BANDSYNC_DATA_DIR: dataDir, BANDSYNC_CONFIG: '', BANDSYNC_LOG_LEVEL: 'error' },
        stdio: 'ignore',
      });
      child.on('close', done);
    });
    runsMs.push(Math.round(performance.now() - t0));
    ok &&= code === 0;
  }
  return { medianMs: percentile(runsMs, 50)!, runsMs, ok };
}

/**
 * New workouts appear every few seconds here, far more often than anyone
 * records them, so "it ended a minute ago" would make them overlap: runs
 * starting within 3 minutes of each other (or a whole number of hours apart)
 * are, rightly, one activity to bandsync's duplicate check, and the second is
 * never uploaded. So each starts after the previous one ended, away from any
 * whole-hour offset of the others, within the last 60 h (the source re-reads
 * three days behind the newest workout it knows). Latency is still measured
 * from the moment it appears in the cloud.
 */
function nonOverlapping<W extends { elapsedSeconds: number }>(add: (at: Date) => W): () => W {
  const starts: number[] = [];
  let next = Date.now() - 60 * 3600_000;
  const nearWholeHours = (a: number, b: number) => {
    const off = (Math.abs(a - b) / 1000) % 3600;
    return Math.min(off, 3600 - off) <= 240;
  };
  return () => {
    let at = next;
    while (starts.some((s) => nearWholeHours(at, s))) at += 60_000;
    const w = add(new Date(at));
    starts.push(at);
    next = at + (w.elapsedSeconds + 300) * 1000;
    return w;
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const soakSeconds = Number(process.env.BANDSYNC_SOAK_SECONDS ?? 240);
  const everySeconds = Number(process.env.BANDSYNC_SOAK_EVERY ?? 40);
  const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-soak-'));
  const zepp = await startZeppSimulator({ seed: 7, workouts: 3 });
  const strava = await startStravaSimulator({});
  const addWorkout = nonOverlapping((at) => zepp.control.addWorkout('run', at));
  const memory: MemorySample[] = [];
  const latencies: number[] = [];
  const pending = new Map<number, number>(); // start time (ms) → when it appeared (ms)
  const started = performance.now();
  const app = await openApp({
    flags: {
      dataDir,
      zeppUrl: zepp.url,
      stravaUrl: strava.url,
      stravaClientId: strava.credentials.clientId,
      stravaClientSecret: strava.credentials.clientSecret,
      pollIntervalSeconds: POLL_SECONDS,
      port: 0,
    },
    logger: silentLogger,
  });
  let daemon: Awaited<ReturnType<typeof startDaemon>> | null = null;
  let coldViaDaemon: Awaited<ReturnType<typeof coldStartStatus>> | null = null;
  try {
    await app.accounts.connectZepp({
      email: zepp.credentials.email,
      password: zepp.credentials.password,
      baseUrl: zepp.url,
    });
    const { code, scope } = await waitForOAuthCallback(
      (redirectUri, state) => app.accounts.stravaAuthorizeUrl({ redirectUri, state }),
      (url) => {
        void fetch(url).catch(() => {});
      },
    );
    await app.accounts.connectStravaWithCode({ code, scope });
    daemon = await startDaemon(app, { port: 0, host: '127.0.0.1', all: true });

    const seen = new Set<number>();
    let nextAdd = performance.now() + everySeconds * 1000;
    let nextSample = 0;
    // Add workouts until the soak time is up, then give the last ones one poll interval + 15 s to arrive.
    const drainUntil = () => started + soakSeconds * 1000 + (pending.size > 0 ? (POLL_SECONDS + 15) * 1000 : 0);
    while (performance.now() < drainUntil()) {
      const adding = performance.now() - started < soakSeconds * 1000;
      const now = performance.now();
      if (now >= nextSample) {
        const m = process.memoryUsage();
        memory.push({ atSeconds: Math.round((now - started) / 1000), rssMb: mb(m.rss), heapMb: mb(m.heapUsed) });
        nextSample = now + 5000;
      }
      if (adding && now >= nextAdd) {
        const w = addWorkout();
        pending.set(Date.parse(w.startTime), performance.now());
        nextAdd = now + everySeconds * 1000;
      }
      for (const a of strava.control.activities()) {
        if (seen.has(a.id)) continue;
        seen.add(a.id);
        const appeared = pending.get(a.startMs);
        if (appeared !== undefined) {
          latencies.push((performance.now() - appeared) / 1000);
          pending.delete(a.startMs);
        }
      }
      await sleep(500);
    }
    // While the daemon runs, `status` asks its local API instead of opening the database.
    coldViaDaemon = await coldStartStatus(dataDir);
  } finally {
    await daemon?.close();
    await app.close();
    await Promise.all([zepp.close(), strava.close()]);
  }
  const cold = await coldStartStatus(dataDir);
  rmSync(dataDir, { recursive: true, force: true });

  const tail = memory.slice(Math.floor(memory.length / 3)); // after warm-up
  return {
    soakSeconds,
    pollIntervalSeconds: POLL_SECONDS,
    workoutsAdded: latencies.length + pending.size,
    workoutsReachedStrava: latencies.length,
    workoutsNotYetOnStrava: pending.size,
    latencySeconds: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: percentile(latencies, 100) },
    latencyGoalSeconds: POLL_SECONDS + 10,
    latencyWithinGoal: latencies.length > 0 && latencies.every((l) => l <= POLL_SECONDS + 10),
    memory: {
      samples: memory.length,
      rssMbFirst: memory[0]?.rssMb,
      rssMbLast: memory.at(-1)?.rssMb,
      rssMbMax: Math.max(...memory.map((m) => m.rssMb)),
      heapMbFirst: memory[0]?.heapMb,
      heapMbLast: memory.at(-1)?.heapMb,
      heapSlopeMbPerMinuteAfterWarmup: slopePerMinute(tail),
      series: memory.filter((_, i) => i % 6 === 0).map((m) => [m.atSeconds, m.rssMb, m.heapMb]),
    },
    statusColdStart: { goalMs: 1000, viaRunningDaemon: coldViaDaemon, databaseOpenedDirectly: cold },
  };
}
