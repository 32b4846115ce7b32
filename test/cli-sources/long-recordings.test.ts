// Issue 13, "any length": a 48-hour 1 Hz recording (172,800 points) as GPX,
// TCX and FIT, generated here on disk (test/helpers/long-recording.ts, by
// hand, not by our encoders), goes through the real CLI: `inspect` prints the
// numbers the file holds, `convert` writes each format (the FIT read back by
// Garmin's SDK, TCX and GPX valid against the XSDs by xmllint), `import`
// uploads all three to the Strava simulator, and the dashboard shows each
// workout with downsampled charts. Expected numbers come from the generator
// (a straight route due north at 1.5 m/s), never from bandsync. Time and
// peak memory are measured by bench/long.ts, not here.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Decoder, Stream } from '@garmin/fitsdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, repoRoot, runCli } from '../helpers/cli.js';
import { LONG_POINTS, writeLongRecording, type LongFormat, type LongTruth } from '../helpers/long-recording.js';
import { startCli, startCliWorld, type CliWorld } from './cli-world.js';

const FORMATS: LongFormat[] = ['gpx', 'tcx', 'fit'];
// A loaded 2-core machine decodes a 55 MB TCX in tens of seconds; each command gets room.
const CLI_MS = 480_000;
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const SCHEMA: Record<'tcx' | 'gpx', string> = {
  tcx: 'tcx2-with-activityextension-v2.xsd',
  gpx: 'gpx11-with-trackpointextension-v1.xsd',
};

/** xmllint --stream validates without building the tree (the TCX is 55 MB). */
function validate(file: string, format: 'tcx' | 'gpx'): void {
  const schema = path.join(repoRoot, 'test/fixtures/schemas', SCHEMA[format]);
  try {
    execFileSync('xmllint', ['--noout', '--stream', '--schema', schema, file], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`xmllint rejected ${file}:\n${String((e as { stderr?: Buffer }).stderr ?? e).slice(0, 2000)}`);
  }
}

/** Occurrences of `needle` in a file, read in chunks. */
async function countIn(file: string, needle: string): Promise<number> {
  let count = 0;
  let carry = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string);
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
    carry = text.slice(Math.max(0, text.length - needle.length + 1));
    if (carry.includes(needle)) carry = '';
  }
  return count;
}

let world: CliWorld;
const inputs = new Map<LongFormat, { file: string; truth: LongTruth }>();
const inspected = new Map<LongFormat, Record<string, unknown>>();

beforeAll(async () => {
  world = await startCliWorld('long');
  const dir = path.join(world.dir, 'in');
  await mkdir(dir);
  // Three days apart, so the three are three workouts, not one seen three times.
  for (const [i, format] of FORMATS.entries()) {
    const file = path.join(dir, `ultra.${format}`);
    inputs.set(format, { file, truth: await writeLongRecording(file, format, Date.UTC(2026, 5, 1 + 3 * i, 6)) });
  }
}, 120_000);
afterAll(async () => world?.close());

describe('a 48-hour 1 Hz recording through the real CLI', () => {
  it.each(FORMATS)(
    'inspect %s: every point, the declared totals (the track length for GPX)',
    async (format) => {
      const { file, truth } = inputs.get(format)!;
      const r = await runCli(['inspect', file, '--json'], world.env, { timeoutMs: CLI_MS });
      expect(r.code, r.stderr).toBe(0);
      const s = jsonOf(r);
      inspected.set(format, s);
      expect(s.records).toBe(LONG_POINTS);
      expect(s.startTime).toBe(new Date(truth.startMs).toISOString().replace('.000Z', 'Z'));
      expect(s.elapsedSeconds).toBe(truth.elapsedSeconds);
      expect(s.timerSeconds).toBe(truth.elapsedSeconds);
      expect(s.distanceMeters as number).toBeCloseTo(truth.distanceMeters, 1);
      expect(s.laps).toBe(truth.laps);
      expect(s.calories).toBe(truth.calories);
      expect(s.avgHeartRate).toBe(truth.avgHeartRate);
      expect(s.maxHeartRate).toBe(truth.maxHeartRate);
      expect(Math.abs((s.ascentMeters as number) - truth.ascentMeters)).toBeLessThan(truth.ascentMeters * 0.005);
      expect(r.stderr).not.toMatch(/stack|heap/i);
    },
    CLI_MS,
  );

  it.each(FORMATS)(
    'convert %s to FIT, TCX and GPX: Garmin reads every record and the distance, xmllint accepts the XML',
    async (format) => {
      const { file, truth } = inputs.get(format)!;
      for (const to of FORMATS) {
        const out = path.join(world.dir, `from-${format}.${to}`);
        const r = await runCli(['convert', file, '--to', to, '-o', out], world.env, { timeoutMs: CLI_MS });
        expect(r.code, `${format} → ${to}: ${r.stderr}`).toBe(0);
        if (to === 'fit') {
          const { messages, errors } = new Decoder(Stream.fromByteArray(await readFile(out))).read();
          expect(errors).toEqual([]);
          const records = messages.recordMesgs!;
          expect(records).toHaveLength(LONG_POINTS);
          const session = messages.sessionMesgs![0]!;
          expect(Number(session.totalElapsedTime)).toBeCloseTo(truth.elapsedSeconds, 0);
          expect(Number(session.totalTimerTime)).toBeCloseTo(truth.elapsedSeconds, 0);
          expect(Number(session.totalDistance)).toBeCloseTo(truth.distanceMeters, 1);
          expect(Number(records.at(-1)!.distance)).toBeCloseTo(truth.distanceMeters, 1);
          expect(session.maxHeartRate).toBe(truth.maxHeartRate);
        } else {
          if (hasXmllint) validate(out, to);
          expect(await countIn(out, to === 'tcx' ? '<Trackpoint>' : '<trkpt ')).toBe(LONG_POINTS);
        }
      }
    },
    3 * CLI_MS,
  );

  it(
    'import uploads all three to Strava, which shows their distance; the dashboard shows each with downsampled charts',
    async () => {
      const r = await runCli(['import', path.join(world.dir, 'in'), '--json'], world.env, { timeoutMs: CLI_MS });
      expect(r.code, r.stderr).toBe(0);
      const [result] = JSON.parse(r.stdout) as { summary: Record<string, unknown>; badFiles: string[] }[];
      expect(result!.badFiles).toEqual([]);
      expect(result!.summary).toMatchObject({ newWorkouts: 3, uploaded: 3, failed: 0 });
      const onStrava = world.strava.control
        .activities()
        .map((a) => [a.startMs, Math.round(a.distanceMeters)])
        .sort((a, b) => a[0]! - b[0]!);
      expect(onStrava).toEqual(
        FORMATS.map((f) => [inputs.get(f)!.truth.startMs, Math.round(inputs.get(f)!.truth.distanceMeters)]),
      );

      const serve = startCli(['serve', '--port', '0'], world.env);
      try {
        await serve.waitFor(/bandsync dashboard: (\S+)/, 'stdout', 180_000);
        const base = /bandsync dashboard: (\S+)/.exec(serve.stdout())![1]!.replace(/\/$/, '');
        const list = await (await fetch(`${base}/workouts`)).text();
        const ids = [...new Set([...list.matchAll(/href="\/workouts\/([0-9a-f-]{36})"/g)].map((m) => m[1]!))];
        expect(ids).toHaveLength(3);
        const distances: number[] = [];
        for (const id of ids) {
          const page = await fetch(`${base}/workouts/${id}`);
          expect(page.status).toBe(200);
          const html = await page.text();
          distances.push(Number(/data-band="distanceMeters" data-value="([^"]+)"/.exec(html)![1]));
          const data = (await (await fetch(`${base}/workouts/${id}/data.json`)).json()) as {
            t: number[];
            series: { key: string; values: unknown[] }[];
            track: [number, number][] | null;
          };
          // Downsampled: enough to draw, a few thousand values, not 172,800.
          expect(data.t.length).toBeGreaterThan(500);
          expect(data.t.length).toBeLessThanOrEqual(1500);
          expect(data.t.at(-1)).toBeGreaterThan(172_000);
          expect(data.series.map((l) => l.key)).toEqual(expect.arrayContaining(['heartRate', 'pace']));
          for (const line of data.series) expect(line.values, line.key).toHaveLength(data.t.length);
          expect(data.track!.length).toBeGreaterThan(1000);
          expect(data.track!.length).toBeLessThanOrEqual(4000);
        }
        // The Band column is what inspect printed for the same files.
        expect(distances.sort()).toEqual(FORMATS.map((f) => inspected.get(f)?.distanceMeters).sort());
      } finally {
        serve.child.kill('SIGTERM');
        await serve.exited();
      }
    },
    2 * CLI_MS,
  );
});
