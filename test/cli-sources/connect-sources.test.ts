// `bandsync connect zepp-export` (a password-protected export, as Zepp sends
// it) and `bandsync connect gadgetbridge` through the real CLI: both show as
// accounts in `status --json`, and `sync --all` sends each to the Strava
// simulator — the export's summary-only workouts as manual activities, whose
// raw POST /api/v3/activities fields are checked against the generated rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonOf } from '../helpers/cli.js';
import { sportCsv, type GenWorkout } from '../sources/zepp-export/make-export.js';
import { makeGadgetbridgeDb } from '../sources/gadgetbridge/make-db.js';
import { zipCryptoZip } from './zipcrypto-zip.js';
import { startCliWorld, type CliWorld } from './cli-world.js';

// China Standard Time has no daylight saving, so local times below are exact.
const TZ = 'Asia/Shanghai';
const OFFSET_S = 8 * 3600;
const PASSWORD = 'Zepp-Export-pw-9f3K';

// Zepp sport codes (notes/zepp-sources.md §1.6): 1 running, 6 walking, 8 treadmill.
const RUN: GenWorkout & { local: string; name: string; sportType: string; trainer: boolean } =
  { type: 1, startUtcMs: Date.UTC(2025, 3, 5, 23, 30, 0), sportSeconds: 3157, distanceMeters: 9960, calories: 612, local: '2025-04-06T07:30:00', name: 'Morning Run', sportType: 'Run', trainer: false };
const TREADMILL: typeof RUN =
  { type: 8, startUtcMs: Date.UTC(2025, 3, 8, 11, 0, 0), sportSeconds: 1820, distanceMeters: 4210, calories: 301, local: '2025-04-08T19:00:00', name: 'Evening Treadmill Run', sportType: 'Run', trainer: true };
const WALK: typeof RUN =
  { type: 6, startUtcMs: Date.UTC(2025, 3, 9, 6, 15, 0), sportSeconds: 2961, distanceMeters: 3571, calories: 180, local: '2025-04-09T14:15:00', name: 'Afternoon Walk', sportType: 'Walk', trainer: false };
const EXPORT_ROWS = [RUN, TREADMILL, WALK];

const GB_START = Date.UTC(2025, 4, 6, 6, 30, 0);
const GB_HR = Array.from({ length: 30 }, (_, i) => 110 + i);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...(await filesUnder(full)));
    else if (d.isFile()) out.push(full);
  }
  return out;
}

describe('connect zepp-export / gadgetbridge, status and sync (real CLI, Strava simulator on loopback)', () => {
  let w: CliWorld;
  let zipPath: string;
  let dbPath: string;

  beforeAll(async () => {
    w = await startCliWorld('cli-connect', { strava: { athleteUtcOffsetSeconds: OFFSET_S }, env: { TZ } });
    zipPath = path.join(w.dir, 'Zepp export.zip');
    const stamp = 1749047210565;
    await writeFile(zipPath, zipCryptoZip({
      [`SPORT/SPORT_${stamp}.csv`]: sportCsv(EXPORT_ROWS),
      [`USER/USER_${stamp}.csv`]: '\uFEFFuserId,gender,height,weight,nickName,avatar,birthday\n1234567890,0,180,75.0,runner,null,1990-01\n',
    }, PASSWORD));
    dbPath = path.join(w.dir, 'Gadgetbridge.db');
    await writeFile(dbPath, await makeGadgetbridgeDb({
      devices: [{ id: 1, name: 'Mi Smart Band 6', manufacturer: 'Huami', identifier: 'C8:0F:10:00:00:09', type: 26 }],
      summaries: [{ startMs: GB_START, endMs: GB_START + 1800_000, kind: 0x100 /* treadmill */, deviceId: 1, summaryData: JSON.stringify({ distanceMeters: 5000, caloriesBurnt: 350 }) }],
      samples: GB_HR.map((hr, i) => ({ table: 'HUAMI_EXTENDED_ACTIVITY_SAMPLE' as const, ts: GB_START / 1000 + i * 60, deviceId: 1, hr })),
    }));
  }, 300_000);
  afterAll(async () => { await w?.close(); });

  it('refuses the export without its password or with a wrong one, saying so without echoing it', async () => {
    const none = await w.cli(['connect', 'zepp-export', zipPath]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/password-protected/);
    expect(none.stderr).toMatch(/--password|BANDSYNC_EXPORT_PASSWORD/);

    const wrongGuess = 'not-the-Right-one-42';
    const wrong = await w.cli(['connect', 'zepp-export', zipPath, '--password', wrongGuess]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong password/);
    expect(wrong.stderr).toContain(zipPath);
    expect(wrong.stdout + wrong.stderr).not.toContain(wrongGuess);

    const status = await w.status();
    expect(status.accounts.map((a) => a.kind)).toEqual(['strava']);
  }, 300_000);

  it('connects both sources (password from the environment) and shows them in status --json', async () => {
    const ex = await w.cli(['connect', 'zepp-export', zipPath], { BANDSYNC_EXPORT_PASSWORD: PASSWORD });
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stdout + ex.stderr).not.toContain(PASSWORD);
    const gb = await w.cli(['connect', 'gadgetbridge', dbPath]);
    expect(gb.code, gb.stderr).toBe(0);

    const status = await w.status();
    const byKind = new Map(status.accounts.map((a) => [a.kind, a]));
    expect([...byKind.keys()].sort()).toEqual(['gadgetbridge', 'strava', 'zepp-export']);
    expect(byKind.get('zepp-export')).toMatchObject({ status: 'ok', label: expect.stringContaining(zipPath) });
    expect(byKind.get('gadgetbridge')).toMatchObject({ status: 'ok', label: expect.stringContaining(dbPath) });
    // The password is kept encrypted at rest: no file of the data dir holds it in clear.
    for (const file of await filesUnder(w.env.BANDSYNC_DATA_DIR!)) {
      expect((await readFile(file)).includes(Buffer.from(PASSWORD)), file).toBe(false);
    }
  }, 300_000);

  it('sync --all sends the export rows as manual activities and the Gadgetbridge run as a FIT with heart rate', async () => {
    const r = await w.cli(['sync', '--all', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(r)).toMatchObject({ uploaded: 4, failed: 0, duplicates: 0 });

    // Exactly the fields Strava's createActivity takes, as sent.
    const forms = [...w.strava.manualForms].sort((a, b) => (a.start_date_local! < b.start_date_local! ? -1 : 1));
    expect(forms).toHaveLength(EXPORT_ROWS.length);
    EXPORT_ROWS.forEach((row, i) => {
      const form = forms[i]!;
      expect(form.name).toBe(row.name);
      expect(form.sport_type).toBe(row.sportType);
      expect(form.start_date_local!.replace(' ', 'T').replace(/Z$/, '')).toBe(row.local);
      expect(Number(form.elapsed_time)).toBe(row.sportSeconds);
      expect(Number(form.distance)).toBe(row.distanceMeters);
      expect(['1', 'true'].includes(form.trainer ?? '')).toBe(row.trainer);
    });
    // And as the simulator understood them (start read in the athlete's zone).
    const manual = w.strava.control.activities().filter((a) => a.manual);
    expect(manual.map((a) => a.startMs).sort()).toEqual(EXPORT_ROWS.map((x) => x.startUtcMs).sort());
    expect(w.strava.control.uploads()).toHaveLength(1);

    const [gb] = w.strava.control.activities().filter((a) => !a.manual);
    expect(gb).toMatchObject({ startMs: GB_START, elapsedSeconds: 1800, trainer: true, sentHeartrate: true, sportType: 'Run', maxHeartrate: Math.max(...GB_HR) });

    expect(w.strava.control.activities()).toHaveLength(4);
  }, 300_000);
});
