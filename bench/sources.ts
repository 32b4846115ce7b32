// Sources benchmark: imports 10,000 generated workout files (GPX, FIT and
// gzipped GPX, spread over folders) and a zip of 2,000 entries through the
// files source exactly as the engine does (list everything, then fetch one by
// one, keeping nothing), plus a 10,000-row Zepp export. Reports files/second
// and the peak RSS while importing; everything lives in a temp dir, removed.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { encodeWorkout, withFingerprint, type Workout } from '../src/core/index.js';
import { createFilesSource } from '../src/sources/files/index.js';
import { createZeppExportSource } from '../src/sources/zepp-export/index.js';
import type { Source, WorkoutRef } from '../src/sync/ports.js';

const FILES = 10_000;
const ZIP_ENTRIES = 2_000;
const EXPORT_ROWS = 10_000;
const POINTS = 60;

function gpx(startMs: number): string {
  const pts: string[] = [];
  for (let i = 0; i < POINTS; i++) {
    const t = new Date(startMs + i * 1000).toISOString();
    pts.push(
      `<trkpt lat="${(50.6 + i * 1e-5).toFixed(6)}" lon="${(3.24 + i * 1e-5).toFixed(6)}"><ele>${30 + i * 0.1}</ele><time>${t}</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>${120 + (i % 30)}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="bench" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"><trk><type>running</type><trkseg>${pts.join('')}</trkseg></trk></gpx>`;
}

function fitBytes(startMs: number): Uint8Array {
  const t = Array.from({ length: POINTS }, (_, i) => i);
  const w: Workout = withFingerprint({
    sport: 'running',
    startTime: new Date(startMs).toISOString(),
    utcOffsetSeconds: 0,
    elapsedSeconds: POINTS - 1,
    samples: {
      t,
      heartRate: t.map((i) => 120 + (i % 30)),
      lat: t.map((i) => 50.6 + i * 1e-5),
      lon: t.map((i) => 3.24 + i * 1e-5),
    },
    pauses: [],
    laps: [],
    lengths: [],
    indoor: false,
    device: { manufacturer: 339, product: 0, name: 'bench' },
    totals: {},
    source: { kind: 'files', id: 'bench' },
  });
  return encodeWorkout(w, 'fit');
}

/** Lists, then fetches one by one, as the engine's discovery does; samples RSS all along. */
async function importAll(source: Source): Promise<{
  files: number;
  failed: number;
  samples: number;
  seconds: number;
  filesPerSecond: number;
  peakRssMiB: number;
  rssBeforeMiB: number;
}> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  const started = performance.now();
  const refs: WorkoutRef[] = [];
  for await (const ref of source.list({})) refs.push(ref);
  let failed = 0;
  let samples = 0;
  let workouts = 0;
  for (const ref of refs) {
    try {
      samples += (await source.fetch(ref)).workout.samples.t.length; // used, then dropped
      workouts++;
    } catch {
      failed++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (workouts === 0) throw new Error('bench imported nothing');
  const mib = (b: number) => +(b / 1024 / 1024).toFixed(1);
  return {
    files: refs.length,
    failed,
    samples,
    seconds: +seconds.toFixed(2),
    filesPerSecond: Math.round(refs.length / seconds),
    peakRssMiB: mib(peak),
    rssBeforeMiB: mib(rssBefore),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bandsync-bench-sources-'));
  try {
    const base = Date.UTC(2020, 0, 1, 6, 0, 0);
    const folder = path.join(dir, 'files');
    const fitTemplate = (i: number) => fitBytes(base + i * 86_400_000);
    for (let i = 0; i < FILES; i++) {
      const sub = path.join(folder, String(Math.floor(i / 500)).padStart(2, '0'));
      if (i % 500 === 0) await mkdir(sub, { recursive: true });
      const start = base + i * 3_600_000;
      if (i % 10 === 0) await writeFile(path.join(sub, `w${i}.fit`), fitTemplate(i));
      else if (i % 10 === 1) await writeFile(path.join(sub, `w${i}.gpx.gz`), gzipSync(gpx(start)));
      else await writeFile(path.join(sub, `w${i}.gpx`), gpx(start));
    }
    const zipEntries: Record<string, Uint8Array> = {};
    for (let i = 0; i < ZIP_ENTRIES; i++) zipEntries[`export/w${i}.gpx`] = strToU8(gpx(base + i * 3_600_000));
    const zipPath = path.join(dir, 'archive.zip');
    await writeFile(zipPath, zipSync(zipEntries));

    const rows = [
      '\uFEFFtype,startTime,sportTime(s),maxPace(/meter),minPace(/meter),distance(m),avgPace(/meter),calories(kcal)',
    ];
    for (let i = 0; i < EXPORT_ROWS; i++) {
      const d = new Date(base + i * 3_600_000)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '+0000');
      rows.push(`1,${d},1800,0.25,0.4,5000,0.36,300`);
    }
    const exportPath = path.join(dir, 'export.zip');
    await writeFile(exportPath, zipSync({ 'SPORT/SPORT_1.csv': strToU8(rows.join('\n') + '\n') }));

    const folderResult = await importAll(createFilesSource({ paths: [folder], accountId: 'bench' }));
    const zipResult = await importAll(createFilesSource({ paths: [zipPath], accountId: 'bench' }));
    const exportResult = await importAll(
      createZeppExportSource({ zipPath: exportPath, accountId: 'bench', utcOffsetSeconds: 0 }),
    );
    return {
      folder: { ...folderResult, mix: '80% GPX, 10% FIT, 10% GPX.gz, 60 points each, 20 subfolders' },
      zip: { ...zipResult, entries: ZIP_ENTRIES },
      zeppExport: { ...exportResult, rows: EXPORT_ROWS },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
