import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { createZeppExportSource } from '../../../src/sources/zepp-export/index.js';
import { BandsyncError } from '../../../src/sync/failures.js';
import type { Source, WorkoutRef } from '../../../src/sync/ports.js';
import { exportZip, sportCsv, type GenWorkout } from './make-export.js';

const RUN: GenWorkout = {
  type: 1,
  startUtcMs: Date.UTC(2025, 0, 10, 7, 30, 0),
  sportSeconds: 3157,
  distanceMeters: 9960,
  calories: 612,
};
const TREADMILL: GenWorkout = {
  type: 8,
  startUtcMs: Date.UTC(2025, 0, 12, 18, 5, 9),
  sportSeconds: 1800,
  distanceMeters: 5000,
  calories: 350,
};
const STRENGTH: GenWorkout = {
  type: 16,
  startUtcMs: Date.UTC(2024, 6, 1, 6, 0, 0),
  sportSeconds: 2400,
  distanceMeters: 0,
  calories: 210,
};
const SWIM: GenWorkout = {
  type: 14,
  startUtcMs: Date.UTC(2022, 5, 8, 10, 11, 51),
  sportSeconds: 1365,
  distanceMeters: 1000,
  calories: 280,
};
const UNKNOWN: GenWorkout = {
  type: 9999,
  startUtcMs: Date.UTC(2023, 2, 3, 12, 0, 0),
  sportSeconds: 600,
  distanceMeters: 0,
  calories: 40,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bandsync-zepp-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeZip(name: string, bytes: Uint8Array): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, bytes);
  return p;
}

async function all(source: Source, since?: string): Promise<WorkoutRef[]> {
  const refs: WorkoutRef[] = [];
  for await (const ref of source.list(since ? { since } : {})) refs.push(ref);
  return refs;
}

describe('zepp-export source', () => {
  it('declares that it has summaries only', () => {
    const s = createZeppExportSource({ zipPath: '/nowhere.zip', accountId: 'a' });
    expect(s.kind).toBe('zepp-export');
    expect(s.capabilities).toEqual({ hasGps: false, incrementalListing: false, rawSamples: false });
  });

  it('lists and maps every SPORT row of a standard export (BOM, null cells)', async () => {
    const zipPath = await writeZip('standard.zip', exportZip([sportCsv([RUN, TREADMILL, STRENGTH, SWIM])]));
    const source = createZeppExportSource({ zipPath, accountId: 'acc-1', utcOffsetSeconds: 3600 });
    const refs = await all(source);
    expect(refs.map((r) => r.startTime)).toEqual(
      [RUN, TREADMILL, STRENGTH, SWIM].map((w) => new Date(w.startUtcMs).toISOString()),
    );
    expect(refs.map((r) => r.sourceId)).toEqual(
      [RUN, TREADMILL, STRENGTH, SWIM].map((w) => String(w.startUtcMs / 1000)),
    );

    const run = (await source.fetch(refs[0]!)).workout;
    expect(run.sport).toBe('running');
    expect(run.rawSport).toBe('1');
    expect(run.startTime).toBe('2025-01-10T07:30:00Z');
    expect(run.utcOffsetSeconds).toBe(3600);
    expect(run.elapsedSeconds).toBe(3157);
    expect(run.samples.t).toEqual([]);
    expect(run.totals).toEqual({ distanceMeters: 9960, timerSeconds: 3157, calories: 612 });
    expect(run.indoor).toBe(false);
    expect(run.device.manufacturer).toBe(339);
    expect(run.source).toEqual({ kind: 'zepp-export', id: String(RUN.startUtcMs / 1000), accountId: 'acc-1' });
    expect(run.fingerprint).toMatch(/^[0-9a-f]{16}$/);

    const treadmill = (await source.fetch(refs[1]!)).workout;
    expect(treadmill.sport).toBe('treadmill');
    expect(treadmill.indoor).toBe(true);

    const strength = (await source.fetch(refs[2]!)).workout;
    expect(strength.totals.distanceMeters).toBeUndefined(); // "null" cell
    expect(strength.totals.calories).toBe(210);

    const swim = (await source.fetch(refs[3]!)).workout;
    expect(swim.sport).toBe('pool_swimming');
  });

  it('reads ;-separated, CRLF, quoted, reordered, uncompressed files the same way', async () => {
    const plain = await writeZip('plain.zip', exportZip([sportCsv([RUN, TREADMILL])]));
    const quirky = await writeZip(
      'quirky.zip',
      exportZip([sportCsv([RUN, TREADMILL], { separator: ';', crlf: true, shuffled: true })], { store: true }),
    );
    const a = createZeppExportSource({ zipPath: plain, accountId: 'x', utcOffsetSeconds: 0 });
    const b = createZeppExportSource({ zipPath: quirky, accountId: 'x', utcOffsetSeconds: 0 });
    const wa = await Promise.all((await all(a)).map(async (r) => (await a.fetch(r)).workout));
    const wb = await Promise.all((await all(b)).map(async (r) => (await b.fetch(r)).workout));
    expect(wb).toHaveLength(2);
    expect(wb).toEqual(wa);
  });

  it('honours the zone written in the time stamp', async () => {
    // The same instant written as local time with +0200: must land on the same UTC start.
    const zipPath = await writeZip('zoned.zip', exportZip([sportCsv([RUN], { zoneHours: 2 })]));
    const source = createZeppExportSource({ zipPath, accountId: 'x', utcOffsetSeconds: 7200 });
    const [ref] = await all(source);
    expect(ref!.startTime).toBe(new Date(RUN.startUtcMs).toISOString());
  });

  it('uses the machine time zone for the local offset when none is configured', async () => {
    const zipPath = await writeZip('sys.zip', exportZip([sportCsv([RUN, STRENGTH])]));
    const source = createZeppExportSource({ zipPath, accountId: 'x' });
    const refs = await all(source);
    for (const [i, w] of [RUN, STRENGTH].entries()) {
      const workout = (await source.fetch(refs[i]!)).workout;
      expect(workout.utcOffsetSeconds).toBe(-new Date(w.startUtcMs).getTimezoneOffset() * 60);
    }
  });

  it('keeps a workout once when two SPORT files repeat it, and filters by since', async () => {
    const zipPath = await writeZip('dup.zip', exportZip([sportCsv([RUN, TREADMILL]), sportCsv([TREADMILL, SWIM])]));
    const source = createZeppExportSource({ zipPath, accountId: 'x', utcOffsetSeconds: 0 });
    const refs = await all(source);
    expect(refs.map((r) => r.sourceId).sort()).toEqual(
      [RUN, TREADMILL, SWIM].map((w) => String(w.startUtcMs / 1000)).sort(),
    );
    const recent = await all(source, '2025-01-01T00:00:00Z');
    expect(recent.map((r) => r.sourceId).sort()).toEqual(
      [RUN, TREADMILL].map((w) => String(w.startUtcMs / 1000)).sort(),
    );
  });

  it('reports an unknown sport code as an issue and falls back safely', async () => {
    const zipPath = await writeZip('unknown.zip', exportZip([sportCsv([UNKNOWN])]));
    const source = createZeppExportSource({ zipPath, accountId: 'x', utcOffsetSeconds: 0 });
    const [ref] = await all(source);
    const { workout, issues } = await source.fetch(ref!);
    expect(workout.sport).toBe('other');
    expect(workout.rawSport).toBe('9999');
    expect(issues.map((i) => i.code)).toContain('sport_unknown');
  });

  it('derives distance from pace when the distance cell is empty, and converts km headers', async () => {
    const csv =
      '\uFEFFtype,startTime,sportTime(min),distance(km),avgPace(/km),calories(kcal)\n' +
      '1,2025-03-01 08:00:00+0000,30,5.5,null,300\n' +
      '1,2025-03-02 08:00:00+0000,30,null,360,300\n';
    const zipPath = await writeZip('units.zip', exportZip([csv]));
    const source = createZeppExportSource({ zipPath, accountId: 'x', utcOffsetSeconds: 0 });
    const refs = await all(source);
    const first = (await source.fetch(refs[0]!)).workout;
    expect(first.elapsedSeconds).toBe(1800);
    expect(first.totals.distanceMeters).toBe(5500);
    const second = await source.fetch(refs[1]!);
    expect(second.workout.totals.distanceMeters).toBe(5000); // 1800 s at 360 s/km
    expect(second.issues.map((i) => i.code)).toContain('distance_from_pace');
  });

  it('reports a bad row by itself and keeps the others', async () => {
    const csv =
      sportCsv([RUN]) +
      '1,not-a-date,100,null,null,null,null,10\n' +
      '6,2025-02-02 09:00:00+0000,-1,null,null,null,null,null\n';
    const zipPath = await writeZip('bad-row.zip', exportZip([csv]));
    const source = createZeppExportSource({ zipPath, accountId: 'x', utcOffsetSeconds: 0 });
    const refs = await all(source);
    expect(refs).toHaveLength(3);
    await expect(source.fetch(refs[0]!)).resolves.toBeTruthy();
    const bad = await source.fetch(refs[1]!).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BandsyncError);
    expect((bad as BandsyncError).code).toBe('source_file_invalid');
    expect((bad as BandsyncError).message).toContain('not-a-date');
    const noDuration = (await source.fetch(refs[2]!).catch((e: unknown) => e)) as BandsyncError;
    expect(noDuration.message).toMatch(/no duration/);
  });

  it('refuses a zip without SPORT files, a broken zip and a missing file with clear reasons', async () => {
    const noSport = await writeZip('nosport.zip', zipSync({ 'ACTIVITY/ACTIVITY_1.csv': strToU8('date,steps\n') }));
    await expect(all(createZeppExportSource({ zipPath: noSport, accountId: 'x' }))).rejects.toThrow(/no SPORT/);
    const full = exportZip([sportCsv([RUN])]);
    const truncated = await writeZip('truncated.zip', full.subarray(0, Math.floor(full.length / 2)));
    await expect(all(createZeppExportSource({ zipPath: truncated, accountId: 'x' }))).rejects.toThrow(
      /truncated\.zip: not a zip/,
    );
    await expect(
      all(createZeppExportSource({ zipPath: path.join(dir, 'missing.zip'), accountId: 'x' })),
    ).rejects.toMatchObject({ code: 'source_unavailable' });
  });

  it('rejects text that is neither UTF-8 nor UTF-16', async () => {
    const latin1 = Buffer.from(
      'type,startTime,sportTime(s),distance(m)\n1,2025-01-10 07:30:00+0000,60,100\n1,2025-01-11 07:30:00+0000,60,100\xE9\n',
      'latin1',
    );
    const zipPath = await writeZip('latin1.zip', zipSync({ 'SPORT/SPORT_1.csv': new Uint8Array(latin1) }));
    const err = (await all(createZeppExportSource({ zipPath, accountId: 'x' })).catch(
      (e: unknown) => e,
    )) as BandsyncError;
    expect(err.code).toBe('source_file_invalid');
    expect(err.message).toMatch(/not UTF-8/);
  });

  it('reads UTF-16 files saved by a spreadsheet', async () => {
    const text = '\uFEFF' + sportCsv([RUN], { bom: false, separator: ';' }).replace(/\n/g, '\r\n');
    const utf16 = Buffer.from(text, 'utf16le');
    const zipPath = await writeZip('utf16.zip', zipSync({ 'SPORT/SPORT_1.csv': new Uint8Array(utf16) }));
    const source = createZeppExportSource({ zipPath, accountId: 'x', utcOffsetSeconds: 0 });
    const [ref] = await all(source);
    expect((await source.fetch(ref!)).workout.totals.distanceMeters).toBe(RUN.distanceMeters);
  });

  it('rejects a handle that did not come from list()', async () => {
    const source = createZeppExportSource({ zipPath: '/x.zip', accountId: 'x' });
    await expect(
      source.fetch({ sourceId: '1', startTime: '2025-01-01T00:00:00Z', handle: { entry: 1 } }),
    ).rejects.toMatchObject({ code: 'source_file_invalid' });
  });
});

describe('password-protected export (ZipCrypto, made with Info-ZIP: test/fixtures/sources/README.md)', () => {
  const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/sources');
  for (const name of ['zepp-export-zipcrypto.zip', 'zepp-export-zipcrypto-stored.zip']) {
    it(`opens ${name} with the password, and says so without it or with a wrong one`, async () => {
      const zipPath = path.join(FIXTURES, name);
      const source = createZeppExportSource({ zipPath, accountId: 'x', utcOffsetSeconds: 0, password: 's3cret-pw' });
      const refs = await all(source);
      expect(refs.map((r) => r.sourceId)).toEqual([RUN, TREADMILL].map((w) => String(w.startUtcMs / 1000)));
      expect((await source.fetch(refs[0]!)).workout.totals).toEqual({
        distanceMeters: 9960,
        timerSeconds: 3157,
        calories: 612,
      });
      await expect(all(createZeppExportSource({ zipPath, accountId: 'x' }))).rejects.toThrow(/password-protected/);
      const wrong = (await all(createZeppExportSource({ zipPath, accountId: 'x', password: 'nope' })).catch(
        (e: unknown) => e,
      )) as BandsyncError;
      expect(wrong.code).toBe('source_password');
      expect(wrong.message).toMatch(/wrong password/);
      expect(wrong.message).not.toContain('nope');
    });
  }
});

describe('per-workout files inside the export', () => {
  it('lists FIT/TCX/GPX entries as workouts with samples, twin of their summary row; a broken one fails alone', async () => {
    const FIX = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/sources');
    const { readFile } = await import('node:fs/promises');
    const fenix = new Uint8Array(await readFile(path.join(FIX, 'garmin-fenix-5-run.fit')));
    // fitparse: the Fenix run starts 2017-06-11T14:34:09Z and lasts 56.887 s; the summary row says the same.
    const row: GenWorkout = {
      type: 1,
      startUtcMs: Date.parse('2017-06-11T14:34:09Z'),
      sportSeconds: 57,
      distanceMeters: 158,
      calories: 5,
    };
    const zip = zipSync({
      'SPORT/SPORT_1.csv': strToU8(sportCsv([row])),
      'WORKOUTS/2017-06-11-run.fit': fenix,
      'WORKOUTS/broken.gpx': strToU8('<gpx><trk><trkseg><trkpt lat="1" lon="2">'),
    });
    const zipPath = await writeZip('with-details.zip', zip);
    const source = createZeppExportSource({ zipPath, accountId: 'x', utcOffsetSeconds: 0 });
    const refs = await all(source);
    expect(refs.map((r) => r.sourceId)).toEqual([
      String(row.startUtcMs / 1000),
      'file:WORKOUTS/2017-06-11-run.fit',
      'file:WORKOUTS/broken.gpx',
    ]);
    expect(refs[1]!.startTime).toBe('2017-06-11T14:34:09.000Z');
    const summary = (await source.fetch(refs[0]!)).workout;
    const detail = (await source.fetch(refs[1]!)).workout;
    expect(detail.samples.t).toHaveLength(21);
    expect(detail.source).toEqual({ kind: 'zepp-export', id: 'file:WORKOUTS/2017-06-11-run.fit', accountId: 'x' });
    expect(detail.fingerprint).toBe(summary.fingerprint); // the engine keeps one: the file, which is richer
    const bad = (await source.fetch(refs[2]!).catch((e: unknown) => e)) as BandsyncError;
    expect(bad.code).toBe('source_file_invalid');
    expect(bad.message).toContain('broken.gpx');
  });
});
