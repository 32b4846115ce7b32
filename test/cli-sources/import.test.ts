// `bandsync import` through the real CLI into the Strava simulator: a folder
// holding FIT, TCX, GPX, a gzipped FIT, a zip and a truncated FIT. Start
// times come from third-party tools (test/fixtures/corpus/expected.json:
// fitparse, lxml, gpxpy), not from bandsync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { FIXTURES, startCliWorld, type CliWorld } from './cli-world.js';

const CORPUS = path.resolve(FIXTURES, '../corpus');
// What Garmin's SDK reads from the truncated file (test/fixtures/corpus/expected.json, @garmin/fitsdk 21.217.0).
const EOF_SDK = (
  JSON.parse(readFileSync(path.join(CORPUS, 'expected.json'), 'utf8')) as {
    files: Record<
      string,
      { expected: { garmin_fitsdk: { errors: string[]; sessions: { startTime: string; totalElapsedTime: number }[] } } }
    >;
  }
).files['activity-unexpected-eof.fit']!.expected.garmin_fitsdk;
const EOF_SDK_ERROR = EOF_SDK.errors[0]!; // "FIT Runtime Error end of stream at byte 768"

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
  let heldId = '';

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

  it("uploads every good file once, names the truncated one with the decoder's message, holds it, and exits non-zero", async () => {
    const r = await w.cli(['import', folder]);
    expect(r.code, r.stderr).toBe(1);
    const starts = w.strava.control
      .activities()
      .map((a) => a.startMs)
      .sort();
    expect(starts).toEqual(Object.values(EXPECTED_STARTS).sort());
    expect(w.strava.control.uploads()).toHaveLength(5);
    // The damaged file, with its full path and what Garmin's SDK says about it, on its own line.
    const badLines = r.stdout.split('\n').filter((l) => l.includes('✗'));
    expect(badLines).toHaveLength(1);
    expect(badLines[0]).toContain(`${truncated}: damaged, held`);
    expect(badLines[0]).toContain(EOF_SDK_ERROR);
    expect(badLines[0]).toMatch(/bandsync retry --accept-damaged [0-9a-f-]{36}/);
    expect(r.stdout).toMatch(/Uploaded: 5\s.*Failed: 0\s.*Needs you: 1\b/);
    expect(r.stderr).toMatch(/1 file could not be imported or is held as damaged/);

    const status = await w.status();
    expect(status.workouts).toMatchObject({ synced: 5, needs_user: 1 });
  }, 300_000);

  it('a second import uploads nothing and keeps what is stored, still naming the held file', async () => {
    const r = await w.cli(['import', folder, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const [result] = JSON.parse(r.stdout) as {
      summary: { uploaded: number; failed: number };
      badFiles: string[];
      held: { id: string; file: string; problem: string }[];
    }[];
    expect(result!.summary.uploaded).toBe(0);
    expect(result!.badFiles).toHaveLength(1);
    expect(result!.badFiles[0]).toContain(truncated);
    heldId = result!.held[0]?.id ?? '';
    expect(result!.held).toEqual([
      { id: expect.any(String), file: truncated, problem: expect.stringContaining(EOF_SDK_ERROR) },
    ]);
    expect(w.strava.control.uploads()).toHaveLength(5);
    expect(w.strava.control.activities()).toHaveLength(5);
    expect((await w.status()).workouts).toMatchObject({ synced: 5, needs_user: 1 });
  }, 300_000);

  it('a stored workout whose file is later damaged stays stored and synced; the damage is reported', async () => {
    const fenix = path.join(folder, 'fenix.fit');
    const bytes = await readFile(fenix);
    await writeFile(fenix, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await w.cli(['import', folder]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ ${fenix}: damaged: truncated FIT file`);
    expect(r.stdout).toContain(`✗ ${truncated}: damaged, held`);
    expect(r.stdout).toMatch(/Uploaded: 0\s/);
    expect(w.strava.control.uploads()).toHaveLength(5);
    // The run Fenix workout is still stored whole and still synced, not replaced by the damaged file.
    expect((await w.status()).workouts).toMatchObject({ synced: 5, needs_user: 1 });
    await writeFile(fenix, bytes);
  }, 300_000);

  it('plain retry refuses the held file and says how; --accept-damaged sends what could be read, once', async () => {
    const one = { id: heldId };
    const refused = await w.cli(['retry', one.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(EOF_SDK_ERROR);
    expect(refused.stderr).toContain(`bandsync retry --accept-damaged ${one.id}`);

    const accepted = await w.cli(['retry', '--accept-damaged', one.id]);
    expect(accepted.code, accepted.stderr).toBe(0);
    const sync = await w.cli(['sync', '--all']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(w.strava.control.uploads()).toHaveLength(6);
    // What Strava got is what Garmin's SDK read from the cut file (expected.json), not something made up.
    const sent = w.strava.control.activities().find((a) => a.startMs === Date.parse(EOF_SDK.sessions[0]!.startTime));
    expect(sent?.elapsedSeconds).toBeCloseTo(EOF_SDK.sessions[0]!.totalElapsedTime, 0);
    expect((await w.status()).workouts).toMatchObject({ synced: 6 });
    const log = await w.cli(['log', one.id]);
    expect(log.stdout).toMatch(/accepted the damaged file/);

    // Nothing is held any more, so the import is clean; the accepted file is not sent again.
    const again = await w.cli(['import', folder]);
    expect(again.code, again.stdout).toBe(0);
    expect(w.strava.control.uploads()).toHaveLength(6);
  }, 300_000);
});
