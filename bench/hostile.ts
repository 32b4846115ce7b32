// Hostile files (issue 14's table), each run through the real CLI or the real
// dashboard as a child process: wall time, peak RSS of that process, exit code
// and the last line it printed. Every run is capped (RSS and time), so an old
// checkout can be measured too without taking the machine down:
//   BANDSYNC_BENCH_BIN=/path/to/other/bin/bandsync.js node bin/run-ts.js bench/hostile.ts
// The files are built on disk by test/helpers/hostile-files.ts and removed.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bigGpx,
  blankGpx,
  csvWithoutNewline,
  writeExpanded,
  writeGzip,
  writeZipBomb,
} from '../test/helpers/hostile-files.js';
import { makeGadgetbridgeDb } from '../test/sources/gadgetbridge/make-db.js';

const BIN = process.env.BANDSYNC_BENCH_BIN ?? fileURLToPath(new URL('../bin/bandsync.js', import.meta.url));
const RSS_CAP = Number(process.env.BANDSYNC_BENCH_RSS_CAP_MIB ?? 3072) * 1024 * 1024;
const TIME_CAP_MS = Number(process.env.BANDSYNC_BENCH_TIME_CAP_S ?? 120) * 1000;
const MB = 1_000_000;

export interface HostileRun {
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly exit: number | null;
  /** 'rss' or 'time' when the bench's cap killed it. */
  readonly killedBy?: 'rss' | 'time';
  readonly said: string;
}

async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Runs `bandsync args…`, sampling its RSS every 50 ms; `during` runs while it is up (the dashboard's upload). */
export async function measure(
  args: string[],
  env: Record<string, string>,
  during?: (stdout: () => string) => Promise<void>,
): Promise<HostileRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let peak = 0;
  let killedBy: HostileRun['killedBy'];
  const sampler = setInterval(() => {
    void rssOf(child.pid!).then((rss) => {
      peak = Math.max(peak, rss);
      if (rss > RSS_CAP && !killedBy) {
        killedBy = 'rss';
        child.kill('SIGKILL');
      }
    });
  }, 50);
  const timer = setTimeout(() => {
    killedBy ??= 'time';
    child.kill('SIGKILL');
  }, TIME_CAP_MS);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  if (during) {
    await during(() => out).catch((err: Error) => (out += `\n[bench] ${err.message}`));
    child.kill('SIGTERM');
  }
  const exit = await exited;
  clearInterval(sampler);
  clearTimeout(timer);
  const lines = out.trim().split('\n').filter(Boolean);
  return {
    seconds: +((performance.now() - started) / 1000).toFixed(2),
    peakRssMiB: Math.round(peak / 1024 / 1024),
    exit,
    ...(killedBy ? { killedBy } : {}),
    said: (lines.find((l) => /limit|error|refus|cannot|✗|FATAL|Maximum/i.test(l)) ?? lines.at(-1) ?? '').slice(0, 300),
  };
}

/** Uploads the export zip through the dashboard's form, as a logged-in browser would (loopback: no password). */
async function uploadThroughDashboard(stdout: () => string, zipPath: string, extra: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline) {
    url = /bandsync dashboard: (\S+)/.exec(stdout())?.[1];
    if (!url) await new Promise((r) => setTimeout(r, 100));
  }
  if (!url) throw new Error('the dashboard did not start');
  const base = url.replace(/\/$/, '');
  const page = await fetch(`${base}/connect`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? /name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
  const form = new FormData();
  form.set('_csrf', csrf ?? '');
  form.set('file', new Blob([await readFile(zipPath)]), 'export.zip');
  const res = await fetch(`${base}/connect/export`, {
    method: 'POST',
    body: form,
    headers: { cookie, origin: base },
    redirect: 'manual',
  }).catch((err: Error) => ({ status: 0, headers: new Headers(), text: async () => err.message }));
  const location = res.headers.get('location') ?? '';
  const after = location ? await fetch(new URL(location, base), { headers: { cookie } }).then((r) => r.text()) : '';
  const flash = /class="flash[^"]*"[^>]*>([^<]+)/.exec(after)?.[1] ?? (await res.text()).slice(0, 200);
  extra.push(`HTTP ${res.status}: ${flash.trim()}`);
  // Still serving after the upload?
  const alive = await fetch(`${base}/healthz`).then(
    (r) => r.status,
    () => 0,
  );
  extra.push(alive ? 'dashboard still up' : 'dashboard process gone');
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bandsync-hostile-'));
  const results: Record<string, unknown> = { bin: BIN, capMiB: RSS_CAP / 1024 / 1024, capSeconds: TIME_CAP_MS / 1000 };
  const only = process.env.BANDSYNC_BENCH_ONLY?.split(',');
  const want = (name: string) => !only || only.includes(name);
  const dataDir = async (name: string) => {
    const d = path.join(dir, `data-${name}`);
    await mkdir(d);
    return { BANDSYNC_DATA_DIR: d, BANDSYNC_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') };
  };
  try {
    if (want('csvNoNewline') || want('dashboardUpload')) {
      const zip = path.join(dir, 'export.zip');
      const built = await writeZipBomb(zip, { content: csvWithoutNewline(1900 * MB), name: 'SPORT/SPORT_1.csv' });
      const file = { zipBytes: built.bytes, csvBytes: built.inflatedPerEntry };
      if (want('csvNoNewline'))
        results.csvNoNewline = { file, ...(await measure(['connect', 'zepp-export', zip], await dataDir('csv'))) };
      if (want('dashboardUpload')) {
        const extra: string[] = [];
        const r = await measure(['serve', '--port', '0'], await dataDir('upload'), (out) =>
          uploadThroughDashboard(out, zip, extra),
        );
        results.dashboardUpload = { file, ...r, outcome: extra };
      }
    }
    if (want('gzipBomb')) {
      const gz = path.join(dir, 'bomb.gpx.gz');
      const built = await writeGzip(gz, blankGpx(3000 * MB));
      results.gzipBomb = { file: built, ...(await measure(['inspect', gz], {})) };
      await rm(gz);
    }
    if (want('overlappingZip')) {
      const zip = path.join(dir, 'overlap.zip');
      const built = await writeZipBomb(zip, {
        content: blankGpx(60 * MB),
        name: 'w0000.gpx',
        records: 2000,
        alias: (i) => `w${String(i).padStart(4, '0')}.gpx`,
      });
      results.overlappingZip = {
        file: built,
        ...(await measure(['import', '--no-upload', zip], await dataDir('overlap'))),
      };
    }
    if (want('bigGpx') || want('gadgetbridgeGpx')) {
      const gpxDir = path.join(dir, 'gpx');
      await mkdir(gpxDir);
      const gpx = path.join(gpxDir, 'big.gpx');
      const bytes = await writeExpanded(gpx, bigGpx(247 * MB));
      if (want('bigGpx')) results.bigGpx = { file: { bytes }, ...(await measure(['inspect', gpx], {})) };
      if (want('gadgetbridgeGpx')) {
        const db = path.join(dir, 'Gadgetbridge.db');
        await writeFile(
          db,
          await makeGadgetbridgeDb({
            devices: [{ id: 1, name: 'Mi Band 5', manufacturer: 'Huami', identifier: 'AA:BB', type: 37 }],
            summaries: [
              {
                startMs: Date.parse('2024-05-01T07:00:00Z'),
                endMs: Date.parse('2024-05-01T08:00:00Z'),
                kind: 16,
                deviceId: 1,
                gpxTrack: '/storage/emulated/0/gadgetbridge/big.gpx',
              },
            ],
            samples: [],
          }),
        );
        const env = await dataDir('gb');
        const connect = await measure(['connect', 'gadgetbridge', db, '--gpx-dir', gpxDir], env);
        const sync = await measure(['sync', '--all', '--dry-run'], env);
        // The dry run stops at planning (no Strava here); the workout's failure is in the ledger.
        const log = await measure(['log'], env);
        results.gadgetbridgeGpx = { file: { bytes }, connect: connect.said, ...sync, outcome: log.said };
      }
      await rm(gpx);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
