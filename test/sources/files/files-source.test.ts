import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { BandsyncError } from '../../../src/sync/failures.js';
import type { Source, WorkoutRef } from '../../../src/sync/ports.js';
import { existsSync } from 'node:fs';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/sources');
const fixture = (name: string): string => path.join(FIXTURES, name);

// Independent values: fitparse 1.2.0 session of each file (shared/corpus/expected.json).
const FENIX = { start: '2017-06-11T14:34:09Z', elapsed: 56.887, distance: 157.56, records: 21 };
const VIVOACTIVE = { start: '2017-05-18T16:37:30Z', elapsed: 1707.308, records: 1641 };
// lxml read of test.tcx; gpxpy 1.5.0 of the GPX files (same expected.json).
const TCX = { start: '2012-12-26T21:29:53Z', trackpoints: 384 };
const WAHOO = { start: '2022-04-24T20:54:33Z', points: 3 };
const AMAZFIT = { start: '2018-05-14T09:54:12Z', duration: 2531, points: 1216 };
const GB_SAMPLE = { start: '2019-01-01T00:00:00Z', duration: 13, points: 14 };
// AGPL files are used in place (never copied): present only next to ../shared.
const SHARED_CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/files');
const haveShared = existsSync(path.join(SHARED_CORPUS, 'amazfit.gpx.gz'));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bandsync-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listAll(source: Source, since?: string): Promise<WorkoutRef[]> {
  const refs: WorkoutRef[] = [];
  for await (const ref of source.list(since ? { since } : {})) refs.push(ref);
  return refs;
}

async function fetchOrError(source: Source, ref: WorkoutRef) {
  try {
    return { ok: true as const, ...(await source.fetch(ref)) };
  } catch (err) {
    return { ok: false as const, error: err as BandsyncError };
  }
}

describe('files source', () => {
  it('declares raw samples with GPS and no incremental listing', () => {
    expect(createFilesSource({ paths: [], accountId: 'a' }).capabilities).toEqual({
      hasGps: true,
      incrementalListing: false,
      rawSamples: true,
    });
  });

  it('walks a folder recursively, into .gz and .zip, and decodes real FIT files', async () => {
    const root = path.join(dir, 'walk');
    await mkdir(path.join(root, 'deeper/still'), { recursive: true });
    await copyFile(fixture('garmin-fenix-5-run.fit'), path.join(root, 'fenix.fit'));
    await writeFile(
      path.join(root, 'deeper/still/fenix.fit.gz'),
      gzipSync(await readFile(fixture('garmin-fenix-5-run.fit'))),
    );
    await writeFile(
      path.join(root, 'deeper/archive.zip'),
      zipSync({
        'watch/indoor.FIT': new Uint8Array(await readFile(fixture('20170518-191602-1740899583.fit'))),
        'watch/readme.txt': new TextEncoder().encode('not a workout'),
        '__MACOSX/watch/._indoor.FIT': new Uint8Array([0, 5, 22, 7]),
      }),
    );
    await writeFile(path.join(root, 'notes.txt'), 'ignored in folders');
    await writeFile(path.join(root, '.hidden.fit'), 'ignored');
    await writeFile(path.join(root, 'copying.fit.part'), 'ignored');
    await symlink(path.join(root, 'deeper'), path.join(root, 'loop-to-deeper')); // folder links are not followed

    const source = createFilesSource({ paths: [root], accountId: 'acc' });
    const refs = await listAll(source);
    expect(refs.map((r) => r.handle)).toEqual([
      { path: path.join(root, 'deeper/archive.zip'), entry: 'watch/indoor.FIT' },
      { path: path.join(root, 'deeper/still/fenix.fit.gz') },
      { path: path.join(root, 'fenix.fit') },
    ]);
    expect(refs[0]!.sourceId).toBe(`${path.join(root, 'deeper/archive.zip')}!watch/indoor.FIT`);

    const [indoor, gz, loose] = await Promise.all(refs.map((r) => source.fetch(r)));
    expect(loose!.workout.startTime).toBe(FENIX.start);
    expect(loose!.workout.elapsedSeconds).toBeCloseTo(FENIX.elapsed, 2);
    expect(loose!.workout.samples.t).toHaveLength(FENIX.records);
    expect(loose!.workout.source).toEqual({ kind: 'files', id: path.join(root, 'fenix.fit'), accountId: 'acc' });
    expect({ ...gz!.workout, source: null }).toEqual({ ...loose!.workout, source: null });
    expect(indoor!.workout.startTime).toBe(VIVOACTIVE.start);
    expect(indoor!.workout.elapsedSeconds).toBeCloseTo(VIVOACTIVE.elapsed, 2);
    expect(indoor!.workout.samples.t).toHaveLength(VIVOACTIVE.records);
  });

  it('reports each bad file with its path and reason, and the rest continues', async () => {
    const root = path.join(dir, 'bad');
    await mkdir(root, { recursive: true });
    const good = await readFile(fixture('garmin-fenix-5-run.fit'));
    await writeFile(path.join(root, 'a-good.fit'), good);
    await writeFile(path.join(root, 'b-truncated.fit'), good.subarray(0, 40));
    await writeFile(path.join(root, 'c-empty.fit'), '');
    await writeFile(path.join(root, 'd-garbage.fit'), Buffer.from('this is a text file, not FIT'));
    await writeFile(path.join(root, 'e-bad-gzip.fit.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    const fullZip = zipSync({ 'x.fit': new Uint8Array(good) });
    await writeFile(path.join(root, 'f-cut.zip'), fullZip.subarray(0, 60));
    await writeFile(path.join(root, 'g-good-too.fit'), good);

    const source = createFilesSource({ paths: [root, fixture('badcharacter.xml')], accountId: 'acc' });
    const refs = await listAll(source);
    const results = [];
    for (const ref of refs) results.push({ id: ref.sourceId, r: await fetchOrError(source, ref) });
    const ok = results.filter((x) => x.r.ok).map((x) => path.basename(x.id));
    expect(ok).toEqual(['a-good.fit', 'g-good-too.fit']);
    const bad = results.filter((x) => !x.r.ok);
    expect(bad).toHaveLength(6);
    for (const { id, r } of bad) {
      if (r.ok) continue;
      expect(r.error).toBeInstanceOf(BandsyncError);
      expect(r.error.code).toBe('source_file_invalid');
      expect(r.error.message.startsWith(id.split('!')[0]!)).toBe(true);
    }
    const reason = (name: string) => (bad.find((x) => x.id.endsWith(name))!.r as { error: Error }).error.message;
    expect(reason('c-empty.fit')).toMatch(/empty file/);
    expect(reason('e-bad-gzip.fit.gz')).toMatch(/gzip/);
    expect(reason('f-cut.zip')).toMatch(/not a zip|truncated/);
  });

  it('follows a symlink to a file', async () => {
    const root = path.join(dir, 'links');
    await mkdir(root, { recursive: true });
    await symlink(fixture('garmin-fenix-5-run.fit'), path.join(root, 'linked.fit'));
    const source = createFilesSource({ paths: [root], accountId: 'acc' });
    const [ref] = await listAll(source);
    expect((await source.fetch(ref!)).workout.startTime).toBe(FENIX.start);
  });

  it('gives a stable id and a revision that changes with the content; since skips older files', async () => {
    const root = path.join(dir, 'rev');
    await mkdir(root, { recursive: true });
    const file = path.join(root, 'run.fit');
    await copyFile(fixture('garmin-fenix-5-run.fit'), file);
    await utimes(file, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
    const source = createFilesSource({ paths: [root], accountId: 'acc' });
    const [before] = await listAll(source);
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.from([0])]));
    await utimes(file, new Date('2024-01-02T00:00:00Z'), new Date('2024-01-02T00:00:00Z'));
    const [after] = await listAll(source);
    expect(after!.sourceId).toBe(before!.sourceId);
    expect(after!.revision).not.toBe(before!.revision);
    expect(await listAll(source, '2024-01-03T00:00:00Z')).toEqual([]);
    expect(await listAll(source, '2024-01-01T12:00:00Z')).toHaveLength(1);
  });

  it('fails the listing clearly for a path that does not exist', async () => {
    const source = createFilesSource({ paths: [path.join(dir, 'nope')], accountId: 'acc' });
    await expect(listAll(source)).rejects.toMatchObject({ code: 'source_unavailable' });
  });

  it('refuses a handle it did not make', async () => {
    const source = createFilesSource({ paths: [dir], accountId: 'acc' });
    await expect(
      source.fetch({ sourceId: 'x', startTime: '2024-01-01T00:00:00Z', handle: { path: 42 } }),
    ).rejects.toMatchObject({ code: 'source_file_invalid' });
  });

  it('decodes real TCX and GPX files and rejects the ones that are not workouts', async () => {
    const root = path.join(dir, 'xml');
    await mkdir(root, { recursive: true });
    for (const f of ['test.tcx', 'wahoo_example.gpx', 'Mojstrovka.gpx']) await copyFile(fixture(f), path.join(root, f));
    const source = createFilesSource({ paths: [root, fixture('badcharacter.xml')], accountId: 'acc' });
    const refs = await listAll(source);
    const byName = new Map(refs.map((r) => [path.basename(r.sourceId), r]));
    const tcx = (await source.fetch(byName.get('test.tcx')!)).workout;
    expect(tcx.startTime).toBe(TCX.start);
    expect(tcx.samples.t).toHaveLength(TCX.trackpoints);
    expect(tcx.sport).toBe('running');
    const wahoo = (await source.fetch(byName.get('wahoo_example.gpx')!)).workout;
    expect(wahoo.startTime).toBe(WAHOO.start);
    expect(wahoo.samples.t).toHaveLength(WAHOO.points);
    // Every Mojstrovka point has the same (broken, 1901) time: no duration, so not a workout to upload.
    await expect(source.fetch(byName.get('Mojstrovka.gpx')!)).rejects.toThrow(/Mojstrovka\.gpx: not a workout/);
    const bad = (await source.fetch(byName.get('badcharacter.xml')!).catch((e: unknown) => e)) as BandsyncError;
    expect(bad.code).toBe('source_file_invalid');
    expect(bad.message).toMatch(/badcharacter\.xml: invalid XML/);
  });

  describe.skipIf(!haveShared)(
    'AGPL files in ../shared (skipped without ../shared/corpus: AGPL files are not copied into the repo)',
    () => {
      it('reads the Amazfit watch GPX through .gz and the Gadgetbridge sample GPX', async () => {
        const source = createFilesSource({
          paths: [
            path.join(SHARED_CORPUS, 'amazfit.gpx.gz'),
            path.join(SHARED_CORPUS, 'gpx-exporter-test-SampleTrack.gpx'),
          ],
          accountId: 'acc',
        });
        const [amazfitRef, gbRef] = await listAll(source);
        const amazfit = (await source.fetch(amazfitRef!)).workout;
        expect(amazfit.startTime).toBe(AMAZFIT.start);
        expect(amazfit.elapsedSeconds).toBe(AMAZFIT.duration);
        expect(amazfit.samples.t).toHaveLength(AMAZFIT.points);
        expect(amazfit.samples.heartRate?.filter((v) => v !== null).length).toBeGreaterThan(0);
        const gb = (await source.fetch(gbRef!)).workout;
        expect(gb.startTime).toBe(GB_SAMPLE.start);
        expect(gb.elapsedSeconds).toBe(GB_SAMPLE.duration);
        expect(gb.samples.t).toHaveLength(GB_SAMPLE.points);
      });
    },
  );
});
