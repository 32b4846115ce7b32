// Each source end to end into the Strava simulator through the real engine
// (composed app, embedded database, loopback HTTP), and one workout reaching
// bandsync from two sources going to Strava once, as its richer copy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { syncAll } from '../../src/sync/sync-all.js';
import { startWorld, type World } from '../helpers/world.js';
import { exportZip, sportCsv, type GenWorkout } from './zepp-export/make-export.js';
import { makeGadgetbridgeDb } from './gadgetbridge/make-db.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/sources');
// fitparse 1.2.0 (shared/corpus/expected.json): session start and distance of the Fenix 5 run; lxml: first TCX trackpoint.
const FENIX_START = Date.parse('2017-06-11T14:34:09Z');
const TCX_START = Date.parse('2012-12-26T21:29:53Z');

describe('sources end to end into the Strava simulator', () => {
  let world: World;
  let dir: string;
  beforeAll(async () => {
    world = await startWorld({ zepp: { seed: 3, workouts: 0, years: 1 } });
    dir = await mkdtemp(path.join(tmpdir(), 'bandsync-sources-e2e-'));
  }, 300_000);
  afterAll(async () => {
    await world?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const sync = () => syncAll(world.app.deps, { all: true, wait: (u) => world.clock.wait(u) });

  it('files: a folder of FIT/TCX uploads each workout once; a bad file fails alone', async () => {
    const folder = path.join(dir, 'files');
    await mkdir(path.join(folder, 'old'), { recursive: true });
    await copyFile(path.join(FIXTURES, 'garmin-fenix-5-run.fit'), path.join(folder, 'fenix.fit'));
    await copyFile(path.join(FIXTURES, 'test.tcx'), path.join(folder, 'old', 'run.tcx'));
    await writeFile(path.join(folder, 'broken.fit'), 'not a fit file at all');
    await world.app.accounts.connectPath('files', folder);
    await sync();
    const acts = world.strava.control.activities();
    expect(acts.map((a) => a.startMs).sort()).toEqual([TCX_START, FENIX_START].sort());
    expect(acts.every((a) => !a.manual && a.hasGps)).toBe(true);
    expect(world.strava.control.uploads()).toHaveLength(2);
    const failed = await world.app.store.listRecords({ destination: 'strava', states: ['failed'] });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.code).toBe('source_file_invalid');
    expect(failed[0]!.lastError).toContain('broken.fit');
    // A second run uploads nothing again.
    const again = await sync();
    expect(again.uploaded).toBe(0);
    expect(world.strava.control.uploads()).toHaveLength(2);
  }, 300_000);

  it('zepp-export: summaries become manual activities with the recorded time and distance', async () => {
    const walk: GenWorkout = {
      type: 6,
      startUtcMs: Date.UTC(2025, 3, 5, 16, 0, 0),
      sportSeconds: 2961,
      distanceMeters: 3571,
      calories: 180,
    };
    const zipPath = path.join(dir, 'export.zip');
    await writeFile(zipPath, exportZip([sportCsv([walk])]));
    const before = world.strava.control.activities().length;
    await world.app.accounts.connectPath('zepp-export', zipPath);
    await sync();
    const acts = world.strava.control.activities().slice(before);
    expect(acts).toHaveLength(1);
    expect(acts[0]).toMatchObject({ manual: true, elapsedSeconds: 2961, distanceMeters: 3571, hasGps: false });
    expect(acts[0]!.startMs).toBe(walk.startUtcMs);
  }, 300_000);

  it('gadgetbridge + zepp-export: the same treadmill run from both goes up once, as the copy with heart rate', async () => {
    const start = Date.UTC(2025, 4, 6, 6, 30, 0);
    const dbPath = path.join(dir, 'Gadgetbridge.db');
    await writeFile(
      dbPath,
      await makeGadgetbridgeDb({
        devices: [{ id: 1, name: 'Mi Smart Band 6', manufacturer: 'Huami', identifier: 'C8:0F:10:00:00:09', type: 26 }],
        summaries: [
          {
            startMs: start,
            endMs: start + 1800_000,
            kind: 0x100,
            deviceId: 1,
            summaryData: JSON.stringify({ distanceMeters: 5000, caloriesBurnt: 350 }),
          },
        ],
        samples: Array.from({ length: 30 }, (_, i) => ({
          table: 'HUAMI_EXTENDED_ACTIVITY_SAMPLE' as const,
          ts: start / 1000 + i * 60,
          deviceId: 1,
          hr: 110 + i,
        })),
      }),
    );
    // The vendor export lists the same run (same start, same duration, treadmill code 8).
    const zipPath = path.join(dir, 'export-2.zip');
    await writeFile(
      zipPath,
      exportZip([sportCsv([{ type: 8, startUtcMs: start, sportSeconds: 1800, distanceMeters: 5000, calories: 350 }])]),
    );
    const before = world.strava.control.activities().length;
    await world.app.accounts.connectPath('zepp-export', zipPath);
    await world.app.accounts.connectPath('gadgetbridge', dbPath);
    await sync();
    const acts = world.strava.control.activities().slice(before);
    expect(acts).toHaveLength(1);
    expect(acts[0]).toMatchObject({ manual: false, trainer: true, sentHeartrate: true, startMs: start });
    const skipped = await world.app.store.listRecords({ destination: 'strava', states: ['skipped'] });
    expect(skipped.map((r) => r.code)).toContain('same_as_other_source');
    // And again: still one.
    await sync();
    expect(world.strava.control.activities().slice(before)).toHaveLength(1);
  }, 300_000);
});
