// Memory of the daemon with 10,000 stored workouts (issue 17): RSS of all its
// processes over time (VmRSS from /proc, sampled), idle, while 4 clients load
// dashboard pages, and `status` answered through it; beside it the floor, a
// bare script opening the same PGlite data dir with the same settings, so the
// gap between the two is what bandsync itself holds. The daemon three ways: as
// `bandsync daemon` alone, with the memory settings deploy/bandsync.service
// (and the Dockerfile) give it, and with those and BANDSYNC_LOW_MEMORY=1,
// whose dashboard latency shows what it costs. Then a backfill by the daemon
// (`daemon --all`, with the unit's settings) against simulators in a process
// of their own, so the series is the daemon's memory alone. Figures only:
// nothing here fails on a number.
// Knobs: BANDSYNC_BENCH_IDLE_S (default 30), BANDSYNC_BENCH_LOAD_S (default 20),
// BANDSYNC_BENCH_BACKFILL (workouts in the backfill, default 200: on the real
// clock the daemon's queue uploads about one workout every 2-4 s on this
// loaded 2-core machine, so 10,000 would take hours; the series shows whether
// RSS grows with the workouts done), BANDSYNC_BENCH_BACKFILL_TIMEOUT_S (default 720: the
// sampling stops then, finished or not), BANDSYNC_BENCH_MEMORY_ONLY=daemon|backfill,
// BANDSYNC_BENCH_MEMORY_DIR (a seeded data dir to reuse; seeded there when empty),
// BANDSYNC_BENCH_CLOCK_SCALE (the backfill on a clock that many times faster than the
// real one, the same in the daemon and the simulators: BANDSYNC_TEST_CLOCK=scaled:…, a
// test hook, src/clock.ts; Strava's processing and rate windows then pass that much
// faster, what the machine does does not; default 1, the real clock).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scaledClockEnv } from '../src/clock.js';
import { seedDataDir } from './seed-10k.js';
import { rssOfTree, stagePackage, timed } from './startup.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKOUTS = 10_000;
const IDLE_S = Number(process.env.BANDSYNC_BENCH_IDLE_S ?? 30);
const LOAD_S = Number(process.env.BANDSYNC_BENCH_LOAD_S ?? 20);
const BACKFILL = Number(process.env.BANDSYNC_BENCH_BACKFILL ?? 200);
/** The backfill stops being sampled after this long, finished or not (the result says which). */
const BACKFILL_TIMEOUT_S = Number(process.env.BANDSYNC_BENCH_BACKFILL_TIMEOUT_S ?? 720);
/** BANDSYNC_BENCH_MEMORY_ONLY=daemon|backfill: one part only. */
const ONLY = process.env.BANDSYNC_BENCH_MEMORY_ONLY;
const CLOCK_SCALE = Number(process.env.BANDSYNC_BENCH_CLOCK_SCALE ?? 1);

/**
 * The memory settings deploy/bandsync.service gives the daemon (malloc arenas, V8 heap growth,
 * V8's young generation): read at process start, so the unit and the
 * Dockerfile set them, not bandsync; the daemon is measured with and without.
 */
function unitMemoryEnv(): Record<string, string> {
  const unit = readFileSync(path.join(root, 'deploy/bandsync.service'), 'utf8');
  const env: Record<string, string> = {};
  for (const m of unit.matchAll(/^Environment=((?:MALLOC_|NODE_OPTIONS|BANDSYNC_HEAP_)[A-Z_]*)=(.*)$/gm))
    env[m[1]!] = m[2]!;
  return env;
}
/** The daemon's low-memory mode (store/db-pglite.ts): WebAssembly compiled by V8's baseline compiler only. */
const LOW = { BANDSYNC_LOW_MEMORY: '1' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
type Sample = { atSeconds: number; rssMB: number; processes: number };

/** Samples the process tree of `pid` every `everyMs` until `until()` is true. */
async function sample(pid: number, everyMs: number, until: () => boolean): Promise<Sample[]> {
  const out: Sample[] = [];
  const t0 = performance.now();
  while (!until()) {
    out.push({ atSeconds: Math.round((performance.now() - t0) / 1000), ...(await rssOfTree(pid)) });
    await sleep(everyMs);
  }
  return out;
}

/** A bare script opening the data dir: PGlite's defaults, or the product's settings (built db-pglite.js). */
function writeFloorScript(dir: string, pkg: string): string {
  const script = path.join(dir, 'floor.mjs');
  const pgliteUrl = pathToFileURL(path.join(root, 'node_modules/@electric-sql/pglite/dist/index.js')).href;
  const ours = pathToFileURL(path.join(pkg, 'dist/store/db-pglite.js')).href;
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
const { PGlite } = await import(${JSON.stringify(pgliteUrl)});
let options = {};
if (process.argv[3] === 'product') {
  const m = await import(${JSON.stringify(ours)});
  m.baselineWasmOnly();
  options = m.pgliteOptions();
}
const pg = await PGlite.create(process.argv[2], options);
await pg.query('select count(*) from bandsync.workouts');
await new Promise((r) => setTimeout(r, 2000));
const s = readFileSync('/proc/self/status', 'utf8');
const mb = (k) => Math.round(Number(new RegExp(k + ':\\\\s+(\\\\d+)').exec(s)[1]) / 1024);
process.stdout.write(JSON.stringify({ rssMB: mb('VmRSS'), peakRssMB: mb('VmHWM') }));
await pg.close();
`,
  );
  return script;
}

function floor(script: string, db: string, settings: 'defaults' | 'product', env: Record<string, string> = {}) {
  return new Promise<{ rssMB: number; peakRssMB: number }>((resolve, reject) => {
    const child = spawn(process.execPath, [script, db, settings], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`floor script: ${code}`))));
  });
}

async function daemon(bin: string, dataDir: string, extraEnv: Record<string, string> = {}) {
  const port = 30_000 + (process.pid % 10_000);
  const child = spawn(process.execPath, [bin, 'daemon', '--port', String(port)], {
    // No real Zepp host: the seeded account's polls fail fast on a closed loopback port.
    env: {
      ...process.env,
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_LOG_LEVEL: 'error',
      BANDSYNC_ZEPP_URL: 'http://127.0.0.1:9',
      NO_COLOR: '1',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const started = performance.now();
  try {
    while (!/dashboard: http/.test(out)) {
      if (child.exitCode !== null) throw new Error(`daemon exited: ${out.slice(-500)}`);
      if (performance.now() - started > 180_000) throw new Error('daemon did not start in 180 s');
      await sleep(100);
    }
    const readySeconds = +((performance.now() - started) / 1000).toFixed(2);
    const idleUntil = performance.now() + IDLE_S * 1000;
    const idle = await sample(child.pid!, 2000, () => performance.now() > idleUntil);

    const base = `http://127.0.0.1:${port}`;
    const listHtml = await (await fetch(`${base}/workouts`)).text();
    const workoutPath = /href="(\/workouts\/[^"/?]+)"/.exec(listHtml)?.[1];
    const paths = [
      '/',
      '/workouts',
      '/workouts?page=40',
      '/log',
      ...(workoutPath ? [workoutPath, `${workoutPath}/data.json`] : []),
    ];
    const latencies: number[] = [];
    let errors = 0;
    const until = performance.now() + LOAD_S * 1000;
    const client = async (k: number) => {
      for (let i = k; performance.now() < until; i++) {
        const t = performance.now();
        const res = await fetch(base + paths[i % paths.length]!).catch(() => null);
        if (!res || !res.ok) errors++;
        await res?.arrayBuffer().catch(() => undefined);
        latencies.push(performance.now() - t);
      }
    };
    const [load] = await Promise.all([
      sample(child.pid!, 1000, () => performance.now() > until),
      client(0),
      client(1),
      client(2),
      client(3),
    ]);
    const afterUntil = performance.now() + 10_000;
    const afterLoad = await sample(child.pid!, 2000, () => performance.now() > afterUntil);

    const status: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = await timed([bin, 'status', '--json'], { BANDSYNC_DATA_DIR: dataDir });
      if (t.code === 0) status.push(t.seconds);
    }
    const stat = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssValues = (xs: Sample[]) => xs.map((x) => x.rssMB);
    return {
      readySeconds,
      idle: { medianRssMB: median(rssValues(idle)), maxRssMB: Math.max(...rssValues(idle)), series: idle },
      dashboardUnderLoad: {
        seconds: LOAD_S,
        clients: 4,
        paths,
        requests: latencies.length,
        errors,
        medianMs: Math.round(median(latencies)),
        maxRssMB: Math.max(...rssValues(load)),
        series: load,
      },
      afterLoad: { medianRssMB: median(rssValues(afterLoad)), series: afterLoad },
      peakRssMB: Math.round(Number(/VmHWM:\s+(\d+)/.exec(stat)?.[1] ?? 0) / 1024),
      processes: Math.max(...[...idle, ...load].map((s) => s.processes)),
      statusThroughDaemonSeconds: +median(status).toFixed(3),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
}

/**
 * A backfill of BACKFILL workouts by the daemon (`daemon --all`), its process
 * tree sampled every second: the simulators run in a process of their own
 * (bench/memory-sims.ts) so only the daemon's memory is counted, with raised
 * Strava limits told to both sides, so the run is bound by the machine, not by
 * rate windows.
 */
async function backfill(bin: string, dataDir: string, extraEnv: Record<string, string> = {}) {
  mkdirSync(dataDir, { recursive: true });
  // One clock for both processes (the simulators pass it on in the env they print).
  const clock = CLOCK_SCALE === 1 ? null : { scale: CLOCK_SCALE, simEpoch: new Date(), realEpochMs: Date.now() };
  const sims = spawn(
    process.execPath,
    [path.join(root, 'bin/run-ts.js'), path.join(root, 'bench/memory-sims.ts'), dataDir, String(BACKFILL)],
    {
      env: { ...process.env, ...(clock ? { BANDSYNC_TEST_CLOCK: scaledClockEnv(clock) } : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let activities = 0;
  let simEnv: Record<string, string> | null = null;
  let buffered = '';
  sims.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, nl)) as { env?: Record<string, string>; activities?: number };
      buffered = buffered.slice(nl + 1);
      if (line.env) simEnv = line.env;
      if (line.activities !== undefined) activities = line.activities;
    }
  });
  try {
    while (!simEnv) {
      if (sims.exitCode !== null) throw new Error(`simulators exited ${sims.exitCode}`);
      await sleep(200);
    }
    const port = 40_000 + (process.pid % 10_000);
    const started = performance.now();
    const child = spawn(process.execPath, [bin, 'daemon', '--all', '--port', String(port)], {
      env: {
        ...process.env,
        ...(simEnv as Record<string, string>),
        BANDSYNC_LOG_LEVEL: 'error',
        NO_COLOR: '1',
        ...extraEnv,
        // BANDSYNC_BENCH_DAEMON_NODE_OPTIONS: more for the backfill daemon's NODE_OPTIONS (--trace-gc, a --require to look inside).
        NODE_OPTIONS: [
          extraEnv.NODE_OPTIONS ?? process.env.NODE_OPTIONS,
          process.env.BANDSYNC_BENCH_DAEMON_NODE_OPTIONS,
        ]
          .filter(Boolean)
          .join(' '),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const series: (Sample & { onStrava: number })[] = [];
    let done = false;
    while (!done && performance.now() - started < BACKFILL_TIMEOUT_S * 1000) {
      if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode} during the backfill`);
      const atSeconds = Math.round((performance.now() - started) / 1000);
      series.push({ atSeconds, ...(await rssOfTree(child.pid!)), onStrava: activities });
      done = activities >= BACKFILL;
      await sleep(1000);
    }
    const seconds = +((performance.now() - started) / 1000).toFixed(1);
    const stat = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    const step = Math.max(1, Math.ceil(series.length / 60)); // at most ~60 points in the results file
    return {
      workouts: BACKFILL,
      clock: clock
        ? { scale: clock.scale, simEpoch: clock.simEpoch.toISOString(), note: 'BANDSYNC_TEST_CLOCK=scaled' }
        : 'real',
      // As told to both sides (the simulators' env; the Strava simulator has the same).
      stravaLimits: Object.fromEntries(
        Object.entries(simEnv as unknown as Record<string, string>).filter(
          ([k]) => k.startsWith('BANDSYNC_STRAVA_') && k.includes('LIMIT'),
        ),
      ),
      onStrava: activities,
      finished: done,
      seconds,
      maxRssMB: Math.max(...series.map((s) => s.rssMB)),
      peakRssMB: Math.round(Number(/VmHWM:\s+(\d+)/.exec(stat)?.[1] ?? 0) / 1024),
      processes: Math.max(...series.map((s) => s.processes)),
      series: series.filter((_, i) => i % step === 0),
    };
  } finally {
    sims.kill('SIGTERM');
    await new Promise((r) => (sims.exitCode !== null ? r(null) : sims.once('close', r)));
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const work = mkdtempSync(path.join(tmpdir(), 'bandsync-bench-memory-'));
  try {
    const pkg = path.join(work, 'package');
    const bin = await stagePackage(pkg);
    const deployed = unitMemoryEnv();
    const result: Record<string, unknown> = {};
    if (ONLY !== 'backfill') {
      // The seeded 10,000 workouts are the idle and dashboard parts' (the backfill starts empty).
      const kept = process.env.BANDSYNC_BENCH_MEMORY_DIR;
      const dataDir = path.join(work, 'data');
      let seedSeconds: number | null = null;
      if (kept && existsSync(path.join(kept, 'db'))) cpSync(kept, dataDir, { recursive: true });
      else {
        seedSeconds = (await seedDataDir(dataDir, WORKOUTS)).seconds;
        if (kept) cpSync(dataDir, kept, { recursive: true });
      }
      const script = writeFloorScript(work, pkg);
      const db = path.join(dataDir, 'db');
      Object.assign(result, { workouts: WORKOUTS, seedSeconds });
      result.floor = {
        note: 'a bare script opening the same data dir and counting the workouts, RSS after 2 s',
        pgliteDefaults: await floor(script, db, 'defaults'),
        sameSettings: await floor(script, db, 'product'),
        sameSettingsLowMemory: await floor(script, db, 'product', LOW),
      };
      result.daemon = await daemon(bin, dataDir);
      result.daemonAsDeployed = { env: deployed, ...(await daemon(bin, dataDir, deployed)) };
      result.daemonLowMemory = {
        env: { ...deployed, ...LOW },
        ...(await daemon(bin, dataDir, { ...deployed, ...LOW })),
      };
    }
    // The default count's result is `backfill`; another count's is `backfill<N>` (e.g. backfill10000).
    if (ONLY !== 'daemon')
      result[BACKFILL === 200 ? 'backfill' : `backfill${BACKFILL}`] = {
        env: deployed,
        ...(await backfill(bin, path.join(work, 'backfill'), deployed)),
      };
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await run(), null, 2));
}
