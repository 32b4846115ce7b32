// The inspect and convert commands on real files: plain and gzip input, the
// JSON fields of issue 8, a one-line error for unreadable files, and convert
// output that decodes back to the same workout.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { registerConvert } from '../../src/cli/commands/convert.js';
import { readWorkoutFile, registerInspect } from '../../src/cli/commands/inspect.js';
import { decodeFile, encodeFit } from '../../src/core/index.js';
import { corpusPath, expectedTable } from './corpus-files.js';
import { makeWorkout } from './workout-factory.js';

const dir = mkdtempSync(join(tmpdir(), 'bandsync-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function run(args: string[]): Promise<{ out: string; err: string }> {
  const program = new Command('bandsync').exitOverride();
  registerInspect(program);
  registerConvert(program);
  let out = '',
    err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return { out, err };
}

const FIELDS = [
  'sport',
  'startTime',
  'utcOffsetSeconds',
  'elapsedSeconds',
  'timerSeconds',
  'movingSeconds',
  'distanceMeters',
  'ascentMeters',
  'descentMeters',
  'avgHeartRate',
  'maxHeartRate',
  'avgCadence',
  'calories',
  'records',
  'laps',
  'lengths',
  'pauses',
  'device',
  'issues',
];

describe('bandsync inspect', () => {
  it.skipIf(!corpusPath('test.tcx'))(
    '--json prints every field of issue 8, from plain and gzip files alike',
    async () => {
      const src = corpusPath('test.tcx')!;
      const gz = join(dir, 'test.tcx.gz');
      writeFileSync(gz, gzipSync(readFileSync(src)));
      const plain = JSON.parse((await run(['inspect', src, '--json'])).out);
      const zipped = JSON.parse((await run(['inspect', gz, '--json'])).out);
      for (const f of FIELDS) expect(plain).toHaveProperty(f);
      expect(zipped).toEqual(plain);
      const x = expectedTable()['test.tcx']!.expected.tcx;
      expect(plain.records).toBe(x.trackpoints);
      expect(plain.laps).toBe(x.lap_count);
      expect(plain.calories).toBe(x.sum_Calories);
    },
  );

  it('prints a readable summary without --json', async () => {
    const f = join(dir, 'run.fit');
    const w = makeWorkout({ seconds: 300, pauses: [{ startOffset: 100, endOffset: 160 }] });
    writeFileSync(f, encodeFit(w));
    const { out } = await run(['inspect', f]);
    expect(out).toMatch(/Sport +running/);
    expect(out).toMatch(/Elapsed +0:05:00 +timer 0:04:00/);
    // A runner's cadence in steps/min: twice the strides/min the FIT stores.
    const strides = w.samples.cadence!.filter((v): v is number => v != null);
    const mean = strides.reduce((a, v) => a + v, 0) / strides.length;
    expect(out).toContain(`Cadence    avg ${2 * Math.round(mean)} spm`);
    expect(out).toMatch(/Distance +\d+\.\d\d km +\d+:\d\d \/km/);
    expect(out).toMatch(/Device +Amazfit Balance \(manufacturer 339/);
  });

  it('an unreadable file is one clear line, no stack', async () => {
    const junk = join(dir, 'junk.fit');
    writeFileSync(junk, 'hello, not a workout');
    await expect(readWorkoutFile(junk)).rejects.toThrow(/^cannot read .*junk\.fit: not a FIT file/);
    await expect(readWorkoutFile(join(dir, 'missing.gpx'))).rejects.toThrow(/no such file/);
    const badGz = join(dir, 'bad.gpx.gz');
    writeFileSync(badGz, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    await expect(readWorkoutFile(badGz)).rejects.toThrow(/gzip data is corrupt/);
    const e = await readWorkoutFile(junk).catch((x: Error) => x);
    expect((e as Error).message).not.toMatch(/\n/);
  });

  it('tries extra decoders (the Zepp JSON hook) before the built-in formats', async () => {
    const f = join(dir, 'zepp.json');
    writeFileSync(f, '{"summary":{},"detail":{}}');
    const w = makeWorkout({ seconds: 42 });
    const r = await readWorkoutFile(f, [(bytes) => (bytes[0] === 0x7b ? { ok: true, workout: w, issues: [] } : null)]);
    expect(r.workout.elapsedSeconds).toBe(42);
  });
});

describe('bandsync convert', () => {
  it.skipIf(!corpusPath('track-with-empty-segment.gpx'))('GPX → FIT → TCX keeps the points and times', async () => {
    const src = corpusPath('track-with-empty-segment.gpx')!;
    const fit = join(dir, 'track.fit');
    const tcx = join(dir, 'track.tcx');
    await run(['convert', src, '--to', 'fit', '-o', fit, '--device-name', 'Mi Band 8']);
    await run(['convert', fit, '--to', 'tcx', '-o', tcx]);
    const original = decodeFile(new Uint8Array(readFileSync(src)), 'x.gpx');
    const fromFit = decodeFile(new Uint8Array(readFileSync(fit)), 'track.fit');
    const fromTcx = decodeFile(new Uint8Array(readFileSync(tcx)), 'track.tcx');
    if (!original.ok || !fromFit.ok || !fromTcx.ok) throw new Error('decode failed');
    expect(fromFit.workout.device.name).toBe('Mi Band 8');
    expect(fromTcx.workout.device.name).toBe('Mi Band 8');
    expect(fromTcx.workout.samples.t).toEqual(original.workout.samples.t);
    expect(fromTcx.workout.startTime).toBe(original.workout.startTime);
  });

  it('rejects an unknown format', async () => {
    await expect(run(['convert', 'x.gpx', '--to', 'kml'])).rejects.toThrow(/--to must be one of fit, tcx, gpx/);
  });
});
