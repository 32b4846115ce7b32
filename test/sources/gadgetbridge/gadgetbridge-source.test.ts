import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGadgetbridgeSource } from '../../../src/sources/gadgetbridge/index.js';
import type { BandsyncError } from '../../../src/sync/failures.js';
import type { Source, WorkoutRef } from '../../../src/sync/ports.js';
import { makeGadgetbridgeDb, type GbSample } from './make-db.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '../../fixtures/sources');
// Gadgetbridge's own GPX test sample is AGPL: used in place, never copied.
const GB_GPX = path.resolve(HERE, '../../../../shared/samples/zepp/gadgetbridge/gpx-exporter-test-SampleTrack.gpx');
const haveGbGpx = existsSync(GB_GPX);

// ActivityKind codes from Gadgetbridge model/ActivityKind.java.
const RUNNING = 0x10,
  TREADMILL = 0x100,
  SWIMMING = 0x40,
  STRENGTH = 0x200000,
  INDOOR_RUNNING = 0x040000b0;

const T0 = Date.UTC(2024, 2, 3, 7, 0, 0); // treadmill start (ms)
const treadmillHr: GbSample[] = Array.from({ length: 31 }, (_, i) => ({
  table: 'HUAMI_EXTENDED_ACTIVITY_SAMPLE',
  ts: T0 / 1000 + i * 60,
  deviceId: 1,
  hr: i === 5 ? 255 : i === 6 ? 0 : 100 + i,
}));

let dir: string;
let dbPath: string;
let gpxDir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bandsync-gb-'));
  gpxDir = path.join(dir, 'files');
  await mkdir(gpxDir);
  dbPath = path.join(dir, 'Gadgetbridge.db');
  await writeFile(
    dbPath,
    await makeGadgetbridgeDb({
      devices: [
        {
          id: 1,
          name: 'Amazfit Bip',
          manufacturer: 'Huami',
          identifier: 'C8:0F:10:00:00:01',
          type: 13,
          alias: 'My Bip',
        },
        { id: 2, name: 'Pebble Time', manufacturer: 'Pebble', identifier: 'B0:B4:48:00:00:02', type: 2 },
        { id: 3, name: 'Mi Smart Band 5', manufacturer: 'Huami', identifier: 'C8:0F:10:00:00:03', type: 25 },
      ],
      summaries: [
        // Treadmill, no GPS: heart rate must come from the sample table.
        {
          id: 10,
          name: 'Morning treadmill',
          startMs: T0,
          endMs: T0 + 30 * 60_000,
          kind: TREADMILL,
          deviceId: 1,
          summaryData: JSON.stringify({
            distanceMeters: { value: 5012.5, unit: 'meters' },
            activeSeconds: { value: 1790, unit: 'seconds' },
            caloriesBurnt: { value: 321, unit: 'calories_unit' },
            averageHR: { value: 128, unit: 'bpm' },
            maxHR: { value: 151, unit: 'bpm' },
          }),
        },
        // Old-style SUMMARY_DATA with plain numbers; GPX path from the phone.
        {
          id: 11,
          startMs: Date.UTC(2019, 0, 1, 0, 0, 0),
          endMs: Date.UTC(2019, 0, 1, 0, 0, 13),
          kind: RUNNING,
          deviceId: 1,
          gpxTrack:
            '/storage/emulated/0/Android/data/nodomain.freeyourgadget.gadgetbridge/files/gadgetbridge-track-2019-01-01T00_00_00.gpx',
          summaryData: JSON.stringify({ distanceMeters: 54.4, activeSeconds: 13 }),
        },
        // Another device's workout: not a Huami band.
        {
          id: 12,
          startMs: Date.UTC(2024, 2, 4, 7, 0, 0),
          endMs: Date.UTC(2024, 2, 4, 7, 20, 0),
          kind: RUNNING,
          deviceId: 2,
        },
        // New-style kind code, summary JSON nulled as newer versions do, HR in the old Mi Band table.
        {
          id: 13,
          startMs: Date.UTC(2024, 5, 1, 18, 0, 0),
          endMs: Date.UTC(2024, 5, 1, 18, 10, 0),
          kind: INDOOR_RUNNING,
          deviceId: 3,
          summaryData: null,
        },
        // A GPX path that tries to leave the folder, and a swim and a strength session without samples.
        {
          id: 14,
          startMs: Date.UTC(2024, 6, 1, 9, 0, 0),
          endMs: Date.UTC(2024, 6, 1, 9, 40, 0),
          kind: SWIMMING,
          deviceId: 3,
          gpxTrack: '../../etc/passwd',
        },
        {
          id: 15,
          startMs: Date.UTC(2024, 6, 2, 9, 0, 0),
          endMs: Date.UTC(2024, 6, 2, 9, 30, 0),
          kind: STRENGTH,
          deviceId: 3,
          summaryData: '{not json',
        },
        {
          id: 16,
          startMs: Date.UTC(2024, 6, 3, 9, 0, 0),
          endMs: Date.UTC(2024, 6, 3, 9, 30, 0),
          kind: 0x7777,
          deviceId: 3,
        },
      ],
      samples: [
        ...treadmillHr,
        { table: 'HUAMI_EXTENDED_ACTIVITY_SAMPLE', ts: T0 / 1000 - 60, deviceId: 1, hr: 70 }, // before the workout
        { table: 'HUAMI_EXTENDED_ACTIVITY_SAMPLE', ts: T0 / 1000 + 120, deviceId: 2, hr: 180 }, // other device
        { table: 'MI_BAND_ACTIVITY_SAMPLE', ts: Date.UTC(2024, 5, 1, 18, 5, 0) / 1000, deviceId: 3, hr: 140 },
      ],
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listAll(source: Source, since?: string): Promise<WorkoutRef[]> {
  const refs: WorkoutRef[] = [];
  for await (const ref of source.list(since ? { since } : {})) refs.push(ref);
  return refs;
}

describe('gadgetbridge source', () => {
  it('lists Huami/Zepp workouts only, oldest first, with stable ids', async () => {
    const source = createGadgetbridgeSource({ dbPath, accountId: 'gb' });
    const refs = await listAll(source);
    expect(refs.map((r) => (r.handle as { id: number }).id)).toEqual([11, 10, 13, 14, 15, 16]);
    expect(refs[1]!.sourceId).toBe(`${T0 / 1000}-1`);
    expect(refs[1]!.startTime).toBe(new Date(T0).toISOString());
    expect((await listAll(source, '2024-06-01T00:00:00Z')).length).toBe(4);
    const everything = createGadgetbridgeSource({ dbPath, accountId: 'gb', allDevices: true });
    expect((await listAll(everything)).length).toBe(7);
    source.close();
    everything.close();
  });

  it('joins per-minute heart rate for a treadmill run without GPS, skipping the no-reading markers', async () => {
    const source = createGadgetbridgeSource({ dbPath, accountId: 'gb', utcOffsetSeconds: 3600 });
    const ref = (await listAll(source)).find((r) => (r.handle as { id: number }).id === 10)!;
    const { workout } = await source.fetch(ref);
    const valid = treadmillHr.filter((s) => s.hr > 0 && s.hr < 255);
    expect(workout.sport).toBe('treadmill');
    expect(workout.indoor).toBe(true);
    expect(workout.name).toBe('Morning treadmill');
    expect(workout.startTime).toBe('2024-03-03T07:00:00Z');
    expect(workout.elapsedSeconds).toBe(1800);
    expect(workout.utcOffsetSeconds).toBe(3600);
    expect(workout.samples.t).toEqual(valid.map((s) => s.ts - T0 / 1000));
    expect(workout.samples.heartRate).toEqual(valid.map((s) => s.hr));
    expect(workout.samples.lat).toBeUndefined();
    expect(workout.totals).toEqual({
      distanceMeters: 5012.5,
      timerSeconds: 1790,
      calories: 321,
      avgHeartRate: 128,
      maxHeartRate: 151,
    });
    expect(workout.device).toEqual({ manufacturer: 339, product: 0, name: 'My Bip' });
    expect(workout.source).toEqual({ kind: 'gadgetbridge', id: ref.sourceId, accountId: 'gb' });
    source.close();
  });

  it('maps new kind codes, reads the old sample table, and reports unknown kinds and bad summaries', async () => {
    const source = createGadgetbridgeSource({ dbPath, gpxDir, accountId: 'gb', utcOffsetSeconds: 0 });
    const refs = new Map((await listAll(source)).map((r) => [(r.handle as { id: number }).id, r]));
    const indoor = (await source.fetch(refs.get(13)!)).workout;
    expect(indoor.sport).toBe('treadmill');
    expect(indoor.samples.heartRate).toEqual([140]);
    expect(indoor.samples.t).toEqual([300]);
    expect(indoor.totals).toEqual({});
    expect(indoor.device.name).toBe('Mi Smart Band 5');

    const swim = await source.fetch(refs.get(14)!);
    expect(swim.workout.sport).toBe('pool_swimming');
    expect(swim.workout.samples.t).toEqual([]);
    expect(swim.issues.map((i) => i.code)).toEqual(['gpx_missing']); // never read ../../etc/passwd

    const strength = await source.fetch(refs.get(15)!);
    expect(strength.workout.sport).toBe('strength');
    expect(strength.issues.map((i) => i.code)).toContain('summary_unreadable');

    const unknown = await source.fetch(refs.get(16)!);
    expect(unknown.workout.sport).toBe('other');
    expect(unknown.workout.rawSport).toBe(String(0x7777));
    expect(unknown.issues.map((i) => i.code)).toContain('sport_unknown');
    source.close();
  });

  it('never modifies the database file', async () => {
    const before = await stat(dbPath);
    const bytes = await readFile(dbPath);
    const source = createGadgetbridgeSource({ dbPath, gpxDir, accountId: 'gb' });
    for (const ref of await listAll(source)) await source.fetch(ref);
    source.close();
    const after = await stat(dbPath);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.size).toBe(before.size);
    expect(Buffer.compare(await readFile(dbPath), bytes)).toBe(0);
    expect(existsSync(`${dbPath}-journal`)).toBe(false);
  });

  it('re-reads the database when a newer export replaces it', async () => {
    const p = path.join(dir, 'replaced.db');
    await writeFile(
      p,
      await makeGadgetbridgeDb({
        devices: [{ id: 1, name: 'Amazfit GTR', manufacturer: 'Huami', identifier: 'x', type: 19 }],
        summaries: [{ startMs: T0, endMs: T0 + 60_000, kind: RUNNING, deviceId: 1 }],
        samples: [],
      }),
    );
    const source = createGadgetbridgeSource({ dbPath: p, accountId: 'gb' });
    expect(await listAll(source)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(
      p,
      await makeGadgetbridgeDb({
        devices: [{ id: 1, name: 'Amazfit GTR', manufacturer: 'Huami', identifier: 'x', type: 19 }],
        summaries: [
          { startMs: T0, endMs: T0 + 60_000, kind: RUNNING, deviceId: 1 },
          { startMs: T0 + 86_400_000, endMs: T0 + 86_460_000, kind: RUNNING, deviceId: 1 },
        ],
        samples: [],
      }),
    );
    expect(await listAll(source)).toHaveLength(2);
    source.close();
  });

  it('refuses files that are not Gadgetbridge databases, with the reason', async () => {
    const notDb = path.join(dir, 'not.db');
    await copyFile(path.join(FIXTURES, 'garmin-fenix-5-run.fit'), notDb);
    const e1 = (await listAll(createGadgetbridgeSource({ dbPath: notDb, accountId: 'gb' })).catch(
      (e: unknown) => e,
    )) as BandsyncError;
    expect(e1.code).toBe('source_file_invalid');
    expect(e1.message).toMatch(/not an SQLite database/);
    const otherDb = path.join(dir, 'other.db');
    const initSqlJs = (await import('sql.js')).default;
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.exec('CREATE TABLE notes (x TEXT)');
    await writeFile(otherDb, db.export());
    db.close();
    await expect(listAll(createGadgetbridgeSource({ dbPath: otherDb, accountId: 'gb' }))).rejects.toThrow(
      /no BASE_ACTIVITY_SUMMARY/,
    );
    await expect(
      listAll(createGadgetbridgeSource({ dbPath: path.join(dir, 'missing.db'), accountId: 'gb' })),
    ).rejects.toMatchObject({ code: 'source_unavailable' });
  });

  describe.skipIf(!haveGbGpx)(
    'with the GPX Gadgetbridge wrote (AGPL sample used in place; skipped without ../shared/samples)',
    () => {
      it('takes the track from the GPX named in GPX_TRACK, resolved inside gpxDir, and adds band heart rate', async () => {
        await copyFile(GB_GPX, path.join(gpxDir, 'gadgetbridge-track-2019-01-01T00_00_00.gpx'));
        const p = path.join(dir, 'with-gpx.db');
        const start = Date.UTC(2019, 0, 1, 0, 0, 0);
        await writeFile(
          p,
          await makeGadgetbridgeDb({
            devices: [{ id: 1, name: 'Amazfit Bip', manufacturer: 'Huami', identifier: 'x', type: 13 }],
            summaries: [
              {
                startMs: start,
                endMs: start + 13_000,
                kind: RUNNING,
                deviceId: 1,
                gpxTrack: '/storage/emulated/0/x/gadgetbridge-track-2019-01-01T00_00_00.gpx',
                summaryData: JSON.stringify({ distanceMeters: 54.4 }),
              },
            ],
            samples: [{ table: 'HUAMI_EXTENDED_ACTIVITY_SAMPLE', ts: start / 1000, deviceId: 1, hr: 97 }],
          }),
        );
        const source = createGadgetbridgeSource({ dbPath: p, gpxDir, accountId: 'gb' });
        const [ref] = await listAll(source);
        const { workout, issues } = await source.fetch(ref!);
        // gpxpy 1.5.0 on this file: 14 points, first (44.152462, -68.200293), no heart rate in the file.
        expect(workout.samples.t).toHaveLength(14);
        expect(workout.samples.lat?.[0]).toBeCloseTo(44.152462, 6);
        expect(workout.samples.lon?.[0]).toBeCloseTo(-68.200293, 6);
        expect(workout.sport).toBe('running');
        expect(workout.samples.heartRate?.every((v) => v === 97)).toBe(true);
        expect(issues.map((i) => i.code)).toContain('hr_from_samples');
        source.close();
      });
    },
  );

  it('keeps the heart rate of a GPX written with the post-2024 gpxtpx namespace (www8.garmin.com …v2.xsd)', async () => {
    // Gadgetbridge's GPXExporter since 6474a6092 binds gpxtpx to this non-standard URI (notes/zepp-sources.md §3.3).
    const start = Date.UTC(2024, 9, 20, 17, 0, 0);
    const points = Array.from(
      { length: 5 },
      (_, i) =>
        `<trkpt lat="${(48.1 + i * 1e-4).toFixed(6)}" lon="11.500000"><ele>520</ele><time>${new Date(start + i * 1000).toISOString()}</time>` +
        `<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>${130 + i}</gpxtpx:hr><gpxtpx:cad>80</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>`,
    ).join('');
    const gpx =
      `<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="Gadgetbridge 0.81.0" xmlns="http://www.topografix.com/GPX/1/1" ` +
      `xmlns:gpxtpx="https://www8.garmin.com/xmlschemas/TrackPointExtensionv2.xsd"><metadata><time>2024-10-21T08:00:00+02:00</time></metadata>` +
      `<trk><trkseg>${points}</trkseg></trk></gpx>`;
    const newDir = path.join(dir, 'gpx-v2');
    await mkdir(newDir, { recursive: true });
    await writeFile(path.join(newDir, 'gadgetbridge-track-2024-10-20T19_00_00.gpx'), gpx);
    const p = path.join(dir, 'gpx-v2.db');
    await writeFile(
      p,
      await makeGadgetbridgeDb({
        devices: [{ id: 1, name: 'Amazfit Balance', manufacturer: 'Huami', identifier: 'x', type: 300 }],
        summaries: [
          {
            startMs: start,
            endMs: start + 4000,
            kind: RUNNING,
            deviceId: 1,
            gpxTrack: 'gadgetbridge-track-2024-10-20T19_00_00.gpx',
          },
        ],
        samples: [{ table: 'HUAMI_EXTENDED_ACTIVITY_SAMPLE', ts: start / 1000, deviceId: 1, hr: 60 }],
      }),
    );
    const source = createGadgetbridgeSource({ dbPath: p, gpxDir: newDir, accountId: 'gb' });
    const [ref] = await listAll(source);
    const { workout, issues } = await source.fetch(ref!);
    expect(workout.samples.heartRate).toEqual([130, 131, 132, 133, 134]);
    expect(workout.samples.lat?.[4]).toBeCloseTo(48.1004, 6);
    expect(issues.map((i) => i.code)).not.toContain('hr_from_samples');
    source.close();
  });
});
