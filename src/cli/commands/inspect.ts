// `bandsync inspect FILE [--json]`: decode one activity file and print its
// summary. Plain or gzip-compressed FIT/TCX/GPX; more decoders (a Zepp workout
// JSON) are plugged in by the composition root, because the CLI may not name
// adapters.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { decodeFile, isGzip, summarize, type DecodeResult, type WorkoutSummary } from '../../core/index.js';

/** Extra decoder: returns null when the bytes are not its format, so the next one is tried. */
export type ExtraDecoder = (bytes: Uint8Array, fileName: string) => DecodeResult | null;

/** Reads, un-gzips and decodes a file; throws an Error with one clear line when it cannot. */
export async function readWorkoutFile(
  path: string,
  extraDecoders: readonly ExtraDecoder[] = [],
): Promise<Extract<DecodeResult, { ok: true }>> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`,
    );
  }
  let name = basename(path);
  if (isGzip(bytes)) {
    try {
      bytes = new Uint8Array(gunzipSync(bytes));
    } catch (e) {
      throw new Error(`cannot read ${path}: the gzip data is corrupt (${(e as Error).message})`);
    }
    name = name.replace(/\.gz$/i, '');
  }
  for (const decode of extraDecoders) {
    const r = decode(bytes, name);
    if (r) return unwrap(r, path);
  }
  return unwrap(decodeFile(bytes, name), path);
}

function unwrap(r: DecodeResult, path: string): Extract<DecodeResult, { ok: true }> {
  if (r.ok) return r;
  const error = r.error.startsWith(basename(path).replace(/\.gz$/i, ''))
    ? r.error.slice(r.error.indexOf(':') + 2)
    : r.error;
  throw new Error(`cannot read ${path}: ${error}`);
}

export function formatSummary(s: WorkoutSummary): string {
  const hms = (sec: number) =>
    `${Math.floor(sec / 3600)}:${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}:${String(Math.round(sec % 60)).padStart(2, '0')}`;
  const n = (v: number | null, unit: string, digits = 0) => (v == null ? '—' : `${v.toFixed(digits)} ${unit}`);
  const offset = `${s.utcOffsetSeconds < 0 ? '-' : '+'}${hms(Math.abs(s.utcOffsetSeconds)).slice(0, -3)}`;
  const lines = [
    `Sport      ${s.sport}`,
    `Start      ${s.startTime} (UTC${offset})`,
    `Elapsed    ${hms(s.elapsedSeconds)}   timer ${hms(s.timerSeconds)}   moving ${hms(s.movingSeconds)}`,
    `Distance   ${s.distanceMeters == null ? '—' : `${(s.distanceMeters / 1000).toFixed(2)} km`}`,
    `Elevation  +${n(s.ascentMeters, 'm')} / -${n(s.descentMeters, 'm')}`,
    `Heart rate avg ${n(s.avgHeartRate, 'bpm')}   max ${n(s.maxHeartRate, 'bpm')}`,
    `Cadence    avg ${n(s.avgCadence, 'rpm')}`,
    `Calories   ${n(s.calories, 'kcal')}`,
    `Records    ${s.records}   laps ${s.laps}   lengths ${s.lengths}   pauses ${s.pauses}`,
    `Device     ${s.device.name} (manufacturer ${s.device.manufacturer}, product ${s.device.product})`,
  ];
  for (const i of s.issues) lines.push(`Issue      ${i.code} at ${i.path}: ${i.detail}`);
  return lines.join('\n');
}

export function registerInspect(program: Command, extraDecoders: readonly ExtraDecoder[] = []): void {
  program
    .command('inspect')
    .description('Decode a FIT, TCX or GPX file (plain or .gz) and print its summary')
    .argument('<file>', 'activity file')
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { workout, issues } = await readWorkoutFile(file, extraDecoders);
      const summary = summarize(workout, issues);
      process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
    });
}

export function register(program: Command): void {
  registerInspect(program);
}
