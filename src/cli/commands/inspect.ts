// `bandsync inspect FILE [--json]`: decode one activity file and print its
// summary. Plain or gzip-compressed FIT/TCX/GPX; more decoders (a Zepp workout
// JSON) are plugged in by the composition root, because the CLI may not name
// adapters.
// The decoders, the archive reader and the config are loaded when the command
// runs, so registering it (every start, --help included) loads none of them.
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { DecodeResult } from '../../core/workout/types.js';
import type { InputLimits } from '../../core/limits.js';
import type { WorkoutSummary } from '../../core/metrics/summarize.js';
import { getConfigFile } from '../app.js';

/** Extra decoder: returns null when the bytes are not its format, so the next one is tried. */
export type ExtraDecoder = (bytes: Uint8Array, fileName: string, limits: InputLimits) => DecodeResult | null;

/** Reads, un-gzips and decodes a file within `limits`; throws an Error with one clear line when it cannot. */
export async function readWorkoutFile(
  path: string,
  extraDecoders: readonly ExtraDecoder[] = [],
  limits?: InputLimits,
): Promise<Extract<DecodeResult, { ok: true }>> {
  // The two archive modules it needs, not archive/index.js (which brings the zip reader).
  const [{ DEFAULT_LIMITS, decodeFile, sanitizeWorkout }, { maybeGunzip }, { readFileWithin }, { BandsyncError }] =
    await Promise.all([
      import('../../core/index.js'),
      import('../../archive/gzip.js'),
      import('../../archive/read-file.js'),
      import('../../sync/failures.js'),
    ]);
  limits ??= DEFAULT_LIMITS;
  let bytes: Uint8Array;
  let name: string;
  try {
    ({ bytes, name } = await maybeGunzip(await readFileWithin(path, { limits }), basename(path), path, limits));
  } catch (e) {
    if (!(e instanceof BandsyncError)) throw new Error(`cannot read ${path}: ${(e as Error).message}`);
    const reason = e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message;
    throw new Error(
      `cannot read ${path}: ${e.code === 'source_unavailable' ? 'no such file' : reason.replace(/^gzip data is damaged/, 'the gzip data is corrupt')}`,
    );
  }
  let decoded: DecodeResult | null = null;
  for (const decode of extraDecoders) decoded ??= decode(bytes, name, limits);
  const { workout, issues } = unwrap(decoded ?? decodeFile(bytes, name, limits), path);
  // The same value checks as a sync: impossible coordinates, times and numbers are dropped or refused.
  const checked = sanitizeWorkout(workout, { nowMs: Date.now() });
  if (!checked.ok) throw new Error(`cannot read ${path}: ${checked.reason}`);
  return { ok: true, workout: checked.workout, issues: [...issues, ...checked.issues] };
}

/** The limits of the config (file, environment) for the file-only commands, which open no database. */
export async function configuredLimits(): Promise<InputLimits> {
  const { loadConfig } = await import('../../config.js');
  return loadConfig({ configFile: getConfigFile() }).limits;
}

function unwrap(r: DecodeResult, path: string): Extract<DecodeResult, { ok: true }> {
  if (r.ok) return r;
  const error = r.error.startsWith(basename(path).replace(/\.gz$/i, ''))
    ? r.error.slice(r.error.indexOf(':') + 2)
    : r.error;
  throw new Error(`cannot read ${path}: ${error}`);
}

export async function formatSummary(s: WorkoutSummary): Promise<string> {
  const { formatDistance, formatSpeed } = await import('../../core/index.js');
  const hms = (sec: number) =>
    `${Math.floor(sec / 3600)}:${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}:${String(Math.round(sec % 60)).padStart(2, '0')}`;
  const n = (v: number | null, unit: string, digits = 0) => (v == null ? '—' : `${v.toFixed(digits)} ${unit}`);
  const offset = `${s.utcOffsetSeconds < 0 ? '-' : '+'}${hms(Math.abs(s.utcOffsetSeconds)).slice(0, -3)}`;
  const lines = [
    `Sport      ${s.sport}`,
    `Start      ${s.startTime} (UTC${offset})`,
    `Elapsed    ${hms(s.elapsedSeconds)}   timer ${hms(s.timerSeconds)}   moving ${hms(s.movingSeconds)}`,
    `Distance   ${formatDistance(s.sport, s.distanceMeters)}   ${formatSpeed(s.sport, s.avgSpeedMps)}`,
    `Elevation  +${n(s.ascentMeters, 'm')} / -${n(s.descentMeters, 'm')}`,
    `Heart rate avg ${n(s.avgHeartRate, 'bpm')}   max ${n(s.maxHeartRate, 'bpm')}`,
    `Cadence    avg ${n(s.avgCadence, s.cadenceUnit)}`,
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
      const { workout, issues } = await readWorkoutFile(file, extraDecoders, await configuredLimits());
      const { summarize } = await import('../../core/index.js');
      const summary = summarize(workout, issues);
      process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : `${await formatSummary(summary)}\n`);
    });
}

export function register(program: Command): void {
  registerInspect(program);
}
