// Damaged input is held, not guessed (issue 12 §6), for every source that
// decodes files: a folder of files, a Zepp export's per-workout files and a
// Gadgetbridge GPX track. What Garmin's SDK says about the corpus files
// (test/fixtures/corpus/expected.json) is the message the user is shown.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryWorkout } from '../../src/app/workout-actions.js';
import { runSync } from '../../src/sync/run.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { startWorld, type World } from '../helpers/world.js';
import { makeGadgetbridgeDb } from '../sources/gadgetbridge/make-db.js';
import { sportCsv } from '../sources/zepp-export/make-export.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
type SdkRead = { errors: string[]; sessions: { startTime: string; totalElapsedTime: number }[] };
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'corpus/expected.json'), 'utf8')) as {
  files: Record<string, { expected: { garmin_fitsdk: SdkRead } }>;
};
const sdk = (file: string) => expected.files[file]!.expected.garmin_fitsdk;
const CRC = sdk('activity-filecrc.fit'); // "FIT Runtime Error at byte 771 CRC error"
const EOF = sdk('activity-unexpected-eof.fit'); // "FIT Runtime Error end of stream at byte 768"

let w: World;
beforeEach(async () => {
  w = await startWorld();
});
afterEach(async () => {
  await w?.close();
});

async function records(accountId: string) {
  return w.app.store.listRecords({ destination: 'strava', accountId, limit: 100 });
}

describe('damaged input is held for the user', () => {
  it('a FIT with a bad CRC: stored with its issues, held with the SDK message, sent only once accepted', async () => {
    const dir = path.join(w.dataDir, 'files');
    await mkdir(dir);
    await copyFile(path.join(FIXTURES, 'sources/activity-filecrc.fit'), path.join(dir, 'crc.fit'));
    const account = await w.app.accounts.connectPath('files', dir);

    const first = await syncAll(w.app.deps, { all: true, accountId: account.id });
    expect(first.needsUser).toBe(1);
    expect(first.uploaded).toBe(0);
    const [held] = await records(account.id);
    expect(held).toMatchObject({ state: 'needs_user', code: 'source_damaged' });
    expect(held!.lastError).toContain(CRC.errors[0]);
    const ledger = await w.app.store.listLedger({ workoutId: held!.workoutId, limit: 50 });
    expect(ledger.some((e) => e.event === 'issue' && e.reason.includes(CRC.errors[0]!))).toBe(true);
    expect(ledger.some((e) => e.toState === 'needs_user' && /retry --accept-damaged/.test(e.reason))).toBe(true);
    // Stored as read: the session the SDK found, not a stub.
    const stored = (await w.app.store.getWorkout(held!.workoutId))!.workout;
    expect(stored.startTime).toBe(CRC.sessions[0]!.startTime.replace('.000Z', 'Z'));
    expect(stored.damage).toContain(CRC.errors[0]);

    // Running again changes nothing; a plain retry refuses and names the way out.
    await syncAll(w.app.deps, { all: true, accountId: account.id });
    expect(w.strava.control.uploads()).toHaveLength(0);
    await expect(retryWorkout(w.app.deps, held!.workoutId)).rejects.toThrow(
      `retry --accept-damaged ${held!.workoutId}`,
    );

    await retryWorkout(w.app.deps, held!.workoutId, { acceptDamaged: true });
    const sent = await syncAll(w.app.deps, { all: true, accountId: account.id, wait: (t) => w.clock.wait(t) });
    expect(sent.uploaded).toBe(1);
    const [activity] = w.strava.control.activities();
    expect(activity!.startMs).toBe(Date.parse(CRC.sessions[0]!.startTime));
    expect(activity!.elapsedSeconds).toBeCloseTo(CRC.sessions[0]!.totalElapsedTime, 0);
    await syncAll(w.app.deps, { all: true, accountId: account.id });
    expect(w.strava.control.uploads()).toHaveLength(1);
  });

  it('a damaged workout a crash left in fetched is held by the planner, not uploaded', async () => {
    const dir = path.join(w.dataDir, 'files');
    await mkdir(dir);
    await copyFile(path.join(FIXTURES, 'sources/activity-unexpected-eof.fit'), path.join(dir, 'cut.fit'));
    const account = await w.app.accounts.connectPath('files', dir);
    await syncAll(w.app.deps, { all: true, accountId: account.id, dryRun: true });
    const [held] = await records(account.id);
    // As if the process died after opening the record and before holding it.
    await w.app.store.transition({
      workoutId: held!.workoutId,
      destination: 'strava',
      from: ['needs_user'],
      to: 'fetched',
      reason: 'test: the state a crash between two writes leaves',
      patch: { code: null, lastError: null },
    });
    const run = await runSync(w.app.deps, { accountId: account.id });
    expect(run.uploaded).toBe(0);
    expect(w.strava.control.uploads()).toHaveLength(0);
    const [after] = await records(account.id);
    expect(after).toMatchObject({ state: 'needs_user', code: 'source_damaged' });
    expect(after!.lastError).toContain(EOF.errors[0]);
  });

  it("a Zepp export's cut FIT file is held; the export's other workouts go up", async () => {
    const cut = new Uint8Array(await readFile(path.join(FIXTURES, 'sources/activity-unexpected-eof.fit')));
    const fenix = new Uint8Array(await readFile(path.join(FIXTURES, 'sources/garmin-fenix-5-run.fit')));
    const zipPath = path.join(w.dataDir, 'export.zip');
    await writeFile(
      zipPath,
      zipSync({
        'SPORT/SPORT_1.csv': strToU8(sportCsv([])),
        'WORKOUTS/cut.fit': cut,
        'WORKOUTS/fenix.fit': fenix,
      }),
    );
    const account = await w.app.accounts.connectPath('zepp-export', zipPath);
    const summary = await syncAll(w.app.deps, { all: true, accountId: account.id, wait: (t) => w.clock.wait(t) });
    expect(summary.uploaded).toBe(1);
    expect(summary.needsUser).toBe(1);
    const held = (await records(account.id)).filter((r) => r.state === 'needs_user');
    expect(held).toHaveLength(1);
    expect(held[0]!.code).toBe('source_damaged');
    expect(held[0]!.lastError).toContain(EOF.errors[0]);
    expect(w.strava.control.activities().map((a) => a.startMs)).toEqual([Date.parse('2017-06-11T14:34:09Z')]);
  });

  it('a Gadgetbridge workout whose GPX track cannot be read is held with the reason', async () => {
    const gpxDir = path.join(w.dataDir, 'gb-files');
    await mkdir(gpxDir);
    // Cut off mid-file, as a copy interrupted by the phone going to sleep.
    await writeFile(path.join(gpxDir, 'track.gpx'), '<gpx><trk><trkseg><trkpt lat="38.7" lon="-9.1"><time>2024');
    const start = Date.UTC(2024, 2, 3, 7, 0, 0);
    const dbPath = path.join(w.dataDir, 'Gadgetbridge.db');
    await writeFile(
      dbPath,
      await makeGadgetbridgeDb({
        devices: [{ id: 1, name: 'Amazfit Bip', manufacturer: 'Huami', identifier: 'x', type: 13 }],
        summaries: [
          { startMs: start, endMs: start + 1_800_000, kind: 0x10, deviceId: 1, gpxTrack: '/sdcard/track.gpx' },
        ],
        samples: [{ table: 'HUAMI_EXTENDED_ACTIVITY_SAMPLE', ts: start / 1000, deviceId: 1, hr: 97 }],
      }),
    );
    const account = await w.app.accounts.connectPath('gadgetbridge', dbPath, { gpxDir });
    await syncAll(w.app.deps, { all: true, accountId: account.id });
    const [held] = await records(account.id);
    expect(held).toMatchObject({ state: 'needs_user', code: 'source_damaged' });
    expect(held!.lastError).toMatch(/invalid XML/);
    expect(w.strava.control.uploads()).toHaveLength(0);
  });
});
