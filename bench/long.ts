// 48-hour recordings (issue 13, "any length"): a 1 Hz recording of 172,800
// points as GPX, TCX and FIT (test/helpers/long-recording.ts writes them to
// disk in chunks), each through the real CLI as a child process: inspect,
// convert to FIT (the upload format) and import --no-upload (decode, checks,
// store). Wall time and peak RSS of that process (bench/hostile.ts's measure),
// with the machine's load average, since a busy machine stretches the times.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLongRecording, type LongFormat } from '../test/helpers/long-recording.js';
import { measure } from './hostile.js';

export async function run(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bandsync-long-'));
  const results: Record<string, unknown> = { points: 172_800, loadAverageBefore: loadavg().map((l) => +l.toFixed(1)) };
  try {
    for (const [i, format] of (['gpx', 'tcx', 'fit'] as LongFormat[]).entries()) {
      // Each file in its own folder, which import reads.
      const folder = path.join(dir, `in-${format}`);
      await mkdir(folder);
      const file = path.join(folder, `ultra.${format}`);
      await writeLongRecording(file, format, Date.UTC(2026, 5, 1 + 3 * i, 6));
      const data = path.join(dir, `data-${format}`);
      await mkdir(data);
      const env = { BANDSYNC_DATA_DIR: data, BANDSYNC_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') };
      const inspect = await measure(['inspect', file, '--json'], env);
      const convert = await measure(['convert', file, '--to', 'fit', '-o', path.join(dir, `${format}.fit`)], env);
      const imported = await measure(['import', '--no-upload', folder], env);
      const short = ({ seconds, peakRssMiB, exit, killedBy }: Awaited<ReturnType<typeof measure>>) => ({
        seconds,
        peakRssMiB,
        exit,
        ...(killedBy ? { killedBy } : {}),
      });
      results[format] = {
        fileBytes: (await stat(file)).size,
        inspect: short(inspect),
        convertToFit: short(convert),
        importNoUpload: short(imported),
      };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  results.loadAverageAfter = loadavg().map((l) => +l.toFixed(1));
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
