// `bandsync import` through the real CLI into the Strava simulator: a folder
// holding FIT, TCX, GPX, a gzipped FIT, a zip and a truncated FIT. Start
// times come from third-party tools (test/fixtures/corpus/expected.json:
// fitparse, lxml, gpxpy), not from bandsync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { FIXTURES, startCliWorld, type CliWorld } from './cli-world.js';

const CORPUS = path.resolve(FIXTURES, '../corpus');
const EXPECTED_STARTS = {
  fenixFit: Date.parse('2017-06-11T14:34:09Z'), // fitparse session start_time
  rowingFitGz: Date.parse('2017-05-18T16:37:30Z'), // fitparse session start_time
  tcx: Date.parse('2012-12-26T21:29:53Z'), // lxml first trackpoint
  wahooGpx: Date.parse('2022-04-24T20:54:33Z'), // gpxpy start_time
  supTcxInZip: Date.parse('2022-07-16T16:08:25Z'), // lxml first trackpoint
};

describe('bandsync import (real CLI, Strava simulator on loopback)', () => {
  let w: CliWorld;
  let folder: string;
  let truncated: string;

  beforeAll(async () => {
    w = await startCliWorld('cli-import');
    folder = path.join(w.dir, 'workouts');
    await mkdir(path.join(folder, 'old', 'tcx'), { recursive: true });
    await copyFile(path.join(FIXTURES, 'garmin-fenix-5-run.fit'), path.join(folder, 'fenix.fit'));
    await copyFile(path.join(FIXTURES, 'test.tcx'), path.join(folder, 'old', 'tcx', 'run.tcx'));
    await copyFile(path.join(FIXTURES, 'wahoo_example.gpx'), path.join(folder, 'wahoo.gpx'));
    await writeFile(
      path.join(folder, 'rowing.fit.gz'),
      gzipSync(await readFile(path.join(FIXTURES, '20170518-191602-1740899583.fit'))),
    );
    await writeFile(
      path.join(folder, 'bundle.zip'),
      zipSync({ 'paddle/sup.tcx': new Uint8Array(await readFile(path.join(CORPUS, 'sup_activity_1.tcx'))) }),
    );
    truncated = path.join(folder, 'truncated.fit');
    await copyFile(path.join(FIXTURES, 'activity-unexpected-eof.fit'), truncated);
  }, 300_000);
  afterAll(async () => {
    await w?.close();
  });

  it('uploads every good file once, names the truncated one with its reason, and exits non-zero', async () => {
    const r = await w.cli(['import', folder]);
    expect(r.code, r.stderr).toBe(1);
    const starts = w.strava.control
      .activities()
      .map((a) => a.startMs)
      .sort();
    expect(starts).toEqual(Object.values(EXPECTED_STARTS).sort());
    expect(w.strava.control.uploads()).toHaveLength(5);
    // The bad file, with its full path and why it was refused, on its own line; the summary counts it.
    const badLines = r.stdout.split('\n').filter((l) => l.includes('✗'));
    expect(badLines).toHaveLength(1);
    expect(badLines[0]).toContain(`${truncated}: `);
    expect(badLines[0]!.length).toBeGreaterThan(`  ✗ ${truncated}: `.length + 5);
    expect(r.stdout).toMatch(/Uploaded: 5\s.*Failed: 1\b/);
    expect(r.stderr).toMatch(/1 file could not be imported/);

    const status = await w.status();
    expect(status.workouts).toMatchObject({ synced: 5, failed: 1 });
  }, 300_000);

  it('a second import uploads nothing and keeps what is stored, still naming the bad file', async () => {
    const r = await w.cli(['import', folder, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const [result] = JSON.parse(r.stdout) as { summary: { uploaded: number; failed: number }; badFiles: string[] }[];
    expect(result!.summary.uploaded).toBe(0);
    expect(result!.badFiles).toHaveLength(1);
    expect(result!.badFiles[0]).toContain(truncated);
    expect(w.strava.control.uploads()).toHaveLength(5);
    expect(w.strava.control.activities()).toHaveLength(5);
    expect((await w.status()).workouts).toMatchObject({ synced: 5, failed: 1 });
  }, 300_000);

  it('a stored workout whose file is later damaged stays stored and synced; the damage is reported', async () => {
    const fenix = path.join(folder, 'fenix.fit');
    const bytes = await readFile(fenix);
    await writeFile(fenix, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await w.cli(['import', folder]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ ${fenix}: truncated`);
    expect(r.stdout).toContain(`✗ ${truncated}: `);
    expect(r.stdout).toMatch(/Uploaded: 0\s.*Failed: 1\b/);
    expect(w.strava.control.uploads()).toHaveLength(5);
    // The run Fenix workout is still stored whole and still synced, not replaced by the damaged file.
    expect((await w.status()).workouts).toMatchObject({ synced: 5, failed: 1 });
  }, 300_000);
});
