// The Zepp / Mi Fit export as a WinZip-AES-encrypted zip (AE-2 as @zip.js/zip.js
// writes it, and AE-1), through the real zepp-export source and, at the end,
// through the composed app and its engine into the Strava simulator.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import { createZeppExportSource } from '../../../src/sources/zepp-export/index.js';
import type { BandsyncError } from '../../../src/sync/failures.js';
import type { FetchedWorkout, Source, WorkoutRef } from '../../../src/sync/ports.js';
import { syncAll } from '../../../src/sync/sync-all.js';
import { startWorld, type World } from '../../helpers/world.js';
import { tamper } from '../files/aes-zip.js';
import { exportZip, exportZipAes, sportCsv, type GenWorkout } from './make-export.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/sources');
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
const PASSWORD = 'Mi-Fit 4ever!';
// fitparse 1.2.0 / gpxpy 1.5.0 values of the fixtures (shared/corpus/expected.json).
const FENIX = { start: '2017-06-11T14:34:09Z', records: 21 };
const VIVOACTIVE = { start: '2017-05-18T16:37:30Z', records: 1641 };
const WAHOO = { start: '2022-04-24T20:54:33Z', points: 3 };

let dir: string;
let details: Record<string, Uint8Array>;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bandsync-zepp-export-aes-'));
  const fixture = async (name: string) => new Uint8Array(await readFile(path.join(FIXTURES, name)));
  details = {
    'WORKOUTS/fenix.fit': await fixture('garmin-fenix-5-run.fit'),
    'WORKOUTS/indoor.fit': await fixture('20170518-191602-1740899583.fit'),
    'WORKOUTS/wahoo.gpx': await fixture('wahoo_example.gpx'),
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function writeZip(bytes: Uint8Array): Promise<string> {
  const p = path.join(dir, `export-${n++}.zip`);
  await writeFile(p, bytes);
  return p;
}

async function all(source: Source): Promise<WorkoutRef[]> {
  const refs: WorkoutRef[] = [];
  for await (const ref of source.list({})) refs.push(ref);
  return refs;
}

/** Every listed workout fetched, or its error message. */
async function imported(
  zipPath: string,
  password?: string,
): Promise<{ refs: WorkoutRef[]; fetched: (FetchedWorkout | string)[] }> {
  const source = createZeppExportSource({
    zipPath,
    accountId: 'x',
    utcOffsetSeconds: 0,
    ...(password ? { password } : {}),
  });
  const refs = await all(source);
  const fetched: (FetchedWorkout | string)[] = [];
  for (const ref of refs) fetched.push(await source.fetch(ref).catch((e: unknown) => (e as Error).message));
  return { refs, fetched };
}

const failure = async (p: Promise<unknown>) =>
  (await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  )) as BandsyncError;

describe('AES-encrypted Zepp export', () => {
  for (const strength of [1, 2, 3] as const) {
    for (const store of [true, false]) {
      it(`AES-${64 + 64 * strength} ${store ? 'stored' : 'deflated'}: the same workouts as the plain export, with the password`, async () => {
        const csv = [sportCsv([RUN, TREADMILL])];
        const plain = await imported(await writeZip(zipSync({ ...unzipSync(exportZip(csv)), ...details })));
        const aes = await imported(
          await writeZip(await exportZipAes(csv, { password: PASSWORD, strength, store }, details)),
          PASSWORD,
        );
        // Same listing; only the revision of the files differs, as AE-2 stores no CRC (revision = size and time).
        const noRevision = (refs: WorkoutRef[]) => refs.map(({ revision: _, ...ref }) => ref);
        expect(noRevision(aes.refs)).toEqual(noRevision(plain.refs));
        expect(aes.fetched).toEqual(plain.fetched);
        // And they are the workouts: the summary rows, the files with their samples.
        expect(aes.refs.map((r) => r.sourceId)).toEqual([
          ...[RUN, TREADMILL].map((w) => String(w.startUtcMs / 1000)),
          'file:WORKOUTS/fenix.fit',
          'file:WORKOUTS/indoor.fit',
          'file:WORKOUTS/wahoo.gpx',
        ]);
        const [run, , fenix, indoor, wahoo] = aes.fetched as FetchedWorkout[];
        expect(run!.workout.totals).toEqual({ distanceMeters: 9960, timerSeconds: 3157, calories: 612 });
        expect(run!.issues.map((i) => i.code)).not.toContain('heart_rate_unreadable'); // HEARTRATE_AUTO (AES too) was read
        expect([fenix!.workout.startTime, fenix!.workout.samples.t.length]).toEqual([FENIX.start, FENIX.records]);
        expect([indoor!.workout.startTime, indoor!.workout.samples.t.length]).toEqual([
          VIVOACTIVE.start,
          VIVOACTIVE.records,
        ]);
        expect([wahoo!.workout.startTime, wahoo!.workout.samples.t.length]).toEqual([WAHOO.start, WAHOO.points]);
      });
    }
  }

  it('AE-1 (CRC kept) opens the same way', async () => {
    const csv = [sportCsv([RUN, TREADMILL])];
    const plain = await imported(await writeZip(zipSync({ ...unzipSync(exportZip(csv)), ...details })));
    const aes = await imported(
      await writeZip(await exportZipAes(csv, { password: PASSWORD, strength: 1, ae1: true }, details)),
      PASSWORD,
    );
    expect(aes.fetched).toEqual(plain.fetched);
  });

  it('says so without the password or with a wrong one, as for ZipCrypto, never echoing it', async () => {
    const zipPath = await writeZip(await exportZipAes([sportCsv([RUN])], { password: PASSWORD, strength: 2 }));
    await expect(all(createZeppExportSource({ zipPath, accountId: 'x' }))).rejects.toThrow(/password-protected/);
    const guess = 'mi-fit 4ever!';
    const wrong = await failure(all(createZeppExportSource({ zipPath, accountId: 'x', password: guess })));
    expect(wrong.code).toBe('source_password');
    expect(wrong.message).toMatch(/^.*: SPORT\/SPORT_\d+\.csv: wrong password$/);
    expect(wrong.message).not.toContain(guess);
    expect(wrong.message).not.toContain(PASSWORD);
  });

  it('a tampered byte in one file fails that file alone with "damaged or wrong password"; the rest imports', async () => {
    const zip = await exportZipAes([sportCsv([RUN, TREADMILL])], { password: PASSWORD, strength: 3 }, details);
    const { refs, fetched } = await imported(
      await writeZip(await tamper(zip, 'WORKOUTS/indoor.fit', 'ciphertext')),
      PASSWORD,
    );
    expect(refs.map((r) => r.sourceId)).toHaveLength(5);
    const failed = fetched.filter((f): f is string => typeof f === 'string');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(
      /: WORKOUTS\/indoor\.fit: damaged or wrong password \(its AES authentication code does not match its data\)$/,
    );
    expect(failed[0]).not.toContain(PASSWORD);
    const ok = fetched.filter((f): f is FetchedWorkout => typeof f !== 'string');
    expect(ok.map((f) => f.workout.source.id)).toEqual([
      String(RUN.startUtcMs / 1000),
      String(TREADMILL.startUtcMs / 1000),
      'file:WORKOUTS/fenix.fit',
      'file:WORKOUTS/wahoo.gpx',
    ]);
  });

  it('a tampered SPORT file fails the listing with the same reason, as any unreadable SPORT file does', async () => {
    const zip = await exportZipAes([sportCsv([RUN, TREADMILL])], { password: PASSWORD, strength: 1, store: true });
    const zipPath = await writeZip(await tamper(zip, 'SPORT/SPORT_1749047210565.csv', 'code'));
    const err = await failure(all(createZeppExportSource({ zipPath, accountId: 'x', password: PASSWORD })));
    expect(err.code).toBe('source_file_invalid');
    expect(err.message).toMatch(/SPORT_1749047210565\.csv: damaged or wrong password/);
  });
});

describe('AES-encrypted Zepp export through the app (connect, sync, Strava simulator)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ zepp: { seed: 5, workouts: 0, years: 1 } });
  }, 300_000);
  afterAll(async () => {
    await world?.close();
  });

  it('a wrong password is refused at connect and nothing is stored; the right one imports the workouts', async () => {
    const zipPath = await writeZip(
      await exportZipAes(
        [sportCsv([RUN, TREADMILL])],
        { password: PASSWORD, strength: 3 },
        { 'WORKOUTS/fenix.fit': details['WORKOUTS/fenix.fit']! },
      ),
    );
    const guess = 'Mi-Fit 4ever?';
    const wrong = await failure(world.app.accounts.connectPath('zepp-export', zipPath, {}, { password: guess }));
    expect(wrong.message).toMatch(/wrong password$/);
    expect(wrong.message).not.toContain(guess);
    expect((await world.app.store.listAccounts()).map((a) => a.kind)).not.toContain('zepp-export');
    expect(await world.app.store.listRecords({ destination: 'strava' })).toEqual([]);

    await world.app.accounts.connectPath('zepp-export', zipPath, {}, { password: PASSWORD });
    await syncAll(world.app.deps, { all: true, wait: (u) => world.clock.wait(u) });
    const acts = world.strava.control.activities();
    expect(acts.map((a) => a.startMs).sort()).toEqual(
      [Date.parse(FENIX.start), RUN.startUtcMs, TREADMILL.startUtcMs].sort(),
    );
    expect(acts.find((a) => a.startMs === Date.parse(FENIX.start))).toMatchObject({ manual: false, hasGps: true });
    expect(acts.find((a) => a.startMs === RUN.startUtcMs)).toMatchObject({
      elapsedSeconds: 3157,
      distanceMeters: 9960,
    });
  }, 300_000);
});
