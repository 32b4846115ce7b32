// Start-up and memory (issue 17), whole processes, as a user runs them:
//  - `bandsync --help` against a bare `node -e ""`;
//  - `bandsync inspect FILE --json` of a 5.6 KB and the 148 KB Edge 810 FIT
//    against a script doing the same with @sports-alliance/sports-lib;
//  - `bandsync status --json` without a daemon (data dir holding 120 workouts)
//    against a bare script opening the same PGlite data dir (as it is, and with
//    the V8 compiler setting status uses), and through a running daemon; peak RSS of each;
//  - `bandsync daemon` on that data dir: RSS of all its processes over time, idle
//    and while 4 clients load dashboard pages.
// Each comparison is a median of paired runs (A then B, N times), so load on
// the machine hits both sides alike; the ratio is median(B) / median(A).
// By default it measures the built package (dist/ staged with the launcher and
// no src/, i.e. what `npm install -g` runs); BANDSYNC_BENCH_BIN=/path/to/bin/bandsync.js
// measures another checkout (the "before" figures: the tsx launcher).
// Knobs: BANDSYNC_BENCH_PAIRS (default 7), BANDSYNC_BENCH_IDLE_S (default 30),
// BANDSYNC_BENCH_LOAD_S (the dashboard under load, default 20).
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAIRS = Number(process.env.BANDSYNC_BENCH_PAIRS ?? 7);
const IDLE_S = Number(process.env.BANDSYNC_BENCH_IDLE_S ?? 30);
const LOAD_S = Number(process.env.BANDSYNC_BENCH_LOAD_S ?? 20);
const SMALL = path.join(root, 'test/fixtures/corpus/garmin-fenix-5-run.fit');
const EDGE = path.join(root, 'test/fixtures/corpus/Edge810-Vector-2013-08-16-15-35-10.fit');
const execFileP = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const r3 = (x: number) => +x.toFixed(3);

interface Timed {
  seconds: number;
  peakRssMB: number;
  code: number | null;
}

/** Runs a command under /usr/bin/time for its peak RSS (the kernel's maxrss of that process). */
export async function timed(args: string[], env: Record<string, string> = {}): Promise<Timed> {
  const out = path.join(tmpdir(), `bandsync-bench-time-${process.pid}`);
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', out, process.execPath, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: 'ignore',
    });
    child.on('close', (c) => resolve(c));
  });
  const seconds = (performance.now() - started) / 1000;
  const kb = Number(/(\d+)\s*$/.exec(readFileSync(out, 'utf8'))?.[1] ?? 0);
  rmSync(out, { force: true });
  return { seconds, peakRssMB: Math.round(kb / 1024), code };
}

async function paired(a: () => Promise<Timed>, b: () => Promise<Timed>) {
  const as: Timed[] = [];
  const bs: Timed[] = [];
  for (let i = 0; i < PAIRS; i++) {
    as.push(await a());
    bs.push(await b());
  }
  const failed = [...as, ...bs].filter((t) => t.code !== 0).length;
  const ma = median(as.map((t) => t.seconds));
  const mb = median(bs.map((t) => t.seconds));
  return {
    yardstickSeconds: r3(ma),
    bandsyncSeconds: r3(mb),
    ratio: r3(mb / ma),
    yardstickPeakRssMB: median(as.map((t) => t.peakRssMB)),
    bandsyncPeakRssMB: median(bs.map((t) => t.peakRssMB)),
    pairs: PAIRS,
    ...(failed ? { failedRuns: failed } : {}),
  };
}

/** dist/ built into a copy with the launcher and no src/: what an installed package runs. */
export async function stagePackage(dir: string): Promise<string> {
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  for (const f of ['package.json', 'bin/bandsync.js']) cpSync(path.join(root, f), path.join(dir, f));
  await execFileP(process.execPath, [path.join(root, 'scripts/build.mjs'), '--outdir', path.join(dir, 'dist')]);
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return path.join(dir, 'bin/bandsync.js');
}

/** The yardsticks, written as scripts so each is a whole process like bandsync. */
function writeYardsticks(dir: string): { sportsLib: string; barePglite: string } {
  const req = createRequire(path.join(root, 'package.json'));
  const sportsLibUrl = pathToFileURL(req.resolve('@sports-alliance/sports-lib')).href;
  const pgliteUrl = pathToFileURL(req.resolve('@electric-sql/pglite')).href;
  const sportsLib = path.join(dir, 'sports-lib-inspect.mjs');
  writeFileSync(
    sportsLib,
    `import { readFileSync } from 'node:fs';
const { SportsLib } = await import(${JSON.stringify(sportsLibUrl)});
const b = readFileSync(process.argv[2]);
const e = await SportsLib.importFromFit(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const stat = (t) => e.getStat(t)?.getValue() ?? null;
process.stdout.write(JSON.stringify({ distance: stat('Distance'), duration: stat('Duration'), activities: e.getActivities().length }) + '\\n');
`,
  );
  const barePglite = path.join(dir, 'bare-pglite-open.mjs');
  writeFileSync(
    barePglite,
    `const { PGlite } = await import(${JSON.stringify(pgliteUrl)});
const pg = await PGlite.create(process.argv[2]);
await pg.query('select 1');
await pg.close();
`,
  );
  return { sportsLib, barePglite };
}

export async function rssOfTree(pid: number): Promise<{ rssMB: number; processes: number }> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of parents) if (pp === tree[i]) tree.push(p);
  let kb = 0;
  for (const p of tree) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return { rssMB: Math.round(kb / 1024), processes: tree.length };
}

async function daemonIdle(bin: string, dataDir: string) {
  const port = 20_000 + (process.pid % 10_000);
  const child = spawn(process.execPath, [bin, 'daemon', '--port', String(port)], {
    env: { ...process.env, BANDSYNC_DATA_DIR: dataDir, BANDSYNC_LOG_LEVEL: 'error', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const started = performance.now();
  try {
    while (!/dashboard: http/.test(out)) {
      if (child.exitCode !== null) throw new Error(`daemon exited: ${out.slice(-500)}`);
      if (performance.now() - started > 120_000) throw new Error('daemon did not start in 120 s');
      await sleep(100);
    }
    const readySeconds = r3((performance.now() - started) / 1000);
    const series: { atSeconds: number; rssMB: number; processes: number }[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < IDLE_S * 1000) {
      series.push({ atSeconds: Math.round((performance.now() - t0) / 1000), ...(await rssOfTree(child.pid!)) });
      await sleep(2000);
    }
    // The dashboard under load: 4 clients requesting the overview, the workout
    // list, the log and one workout's page (map, charts) for LOAD_S seconds.
    const base = `http://127.0.0.1:${port}`;
    const listHtml = await (await fetch(`${base}/workouts`)).text();
    const workoutPath = /href="(\/workouts\/[^"/?]+)"/.exec(listHtml)?.[1];
    const paths = ['/', '/workouts', '/log', ...(workoutPath ? [workoutPath, `${workoutPath}/data.json`] : [])];
    const latencies: number[] = [];
    let errors = 0;
    const loadSeries: { atSeconds: number; rssMB: number; processes: number }[] = [];
    const t1 = performance.now();
    const until = t1 + LOAD_S * 1000;
    const client = async (k: number) => {
      for (let i = k; performance.now() < until; i++) {
        const t = performance.now();
        const res = await fetch(base + paths[i % paths.length]!).catch(() => null);
        if (!res || !res.ok) errors++;
        await res?.arrayBuffer().catch(() => undefined);
        latencies.push(performance.now() - t);
      }
    };
    const sampler = (async () => {
      while (performance.now() < until) {
        loadSeries.push({ atSeconds: Math.round((performance.now() - t1) / 1000), ...(await rssOfTree(child.pid!)) });
        await sleep(1000);
      }
    })();
    await Promise.all([client(0), client(1), client(2), client(3), sampler]);
    const dashboardUnderLoad = {
      seconds: LOAD_S,
      requests: latencies.length,
      errors,
      medianMs: Math.round(median(latencies)),
      paths,
      maxRssMB: Math.max(...loadSeries.map((x) => x.rssMB)),
      series: loadSeries,
    };

    // `status` answered by the running daemon (its local API), whole process.
    const viaDaemon: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const t = await timed([bin, 'status', '--json'], { BANDSYNC_DATA_DIR: dataDir });
      if (t.code === 0) viaDaemon.push(t.seconds);
    }
    const last = series.slice(Math.floor(series.length / 2));
    return {
      readySeconds,
      idleRssMB: median(last.map((s) => s.rssMB)),
      maxRssMB: Math.max(...series.map((s) => s.rssMB)),
      processes: Math.max(...series.map((s) => s.processes)),
      series,
      dashboardUnderLoad,
      statusThroughDaemonSeconds: viaDaemon.length ? r3(median(viaDaemon)) : null,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const work = mkdtempSync(path.join(tmpdir(), 'bandsync-bench-startup-'));
  try {
    const bin = process.env.BANDSYNC_BENCH_BIN ?? (await stagePackage(path.join(work, 'package')));
    const { sportsLib, barePglite } = writeYardsticks(work);
    const result: Record<string, unknown> = { bin: process.env.BANDSYNC_BENCH_BIN ? bin : 'built package (dist/)' };

    result.help = await paired(
      () => timed(['-e', '']),
      () => timed([bin, '--help']),
    );
    result.inspectSmall = {
      bytes: readFileSync(SMALL).length,
      ...(await paired(
        () => timed([sportsLib, SMALL]),
        () => timed([bin, 'inspect', SMALL, '--json']),
      )),
    };
    result.inspectEdge810 = {
      bytes: readFileSync(EDGE).length,
      ...(await paired(
        () => timed([sportsLib, EDGE]),
        () => timed([bin, 'inspect', EDGE, '--json']),
      )),
    };

    // 120 workouts stored (the demo's backfill), then status with no daemon.
    const dataDir = path.join(work, 'data');
    const demo = await timed([bin, 'demo', '--workouts', '120', '--json', '--data-dir', dataDir]);
    if (demo.code !== 0 || !existsSync(path.join(dataDir, 'db'))) throw new Error('demo --workouts 120 failed');
    result.demo120 = { seconds: r3(demo.seconds), peakRssMB: demo.peakRssMB };
    result.status = await paired(
      () => timed([barePglite, path.join(dataDir, 'db')]),
      () => timed([bin, 'status', '--json'], { BANDSYNC_DATA_DIR: dataDir }),
    );
    // status compiles PostgreSQL's WebAssembly with V8's baseline compiler only
    // (db-pglite.ts baselineWasmOnly); against a bare open doing the same, the
    // ratio is what bandsync itself adds (modules, config, its queries).
    result.statusSameCompiler = await paired(
      () => timed(['--liftoff-only', barePglite, path.join(dataDir, 'db')]),
      () => timed([bin, 'status', '--json'], { BANDSYNC_DATA_DIR: dataDir }),
    );
    result.daemon = await daemonIdle(bin, dataDir);
    // The same bench run on the commit before issue 17 (kept in the results folder), for the comparison.
    const before = path.join(root, 'bench/results/startup-before.json');
    if (!process.env.BANDSYNC_BENCH_BIN && existsSync(before)) result.before = JSON.parse(readFileSync(before, 'utf8'));
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await run(), null, 2));
}
