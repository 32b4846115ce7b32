// `bandsync connect zepp-export` (a password-protected export, as Zepp sends
// it) and `bandsync connect gadgetbridge` through the real CLI: both show as
// accounts in `status --json`, and `sync --all` sends each to the Strava
// simulator — the export's summary-only workouts as manual activities, whose
// raw POST /api/v3/activities fields are checked against the generated rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { Decoder, Stream } from '@garmin/fitsdk';
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
const RUN: GenWorkout & { local: string; name: string; sportType: string; trainer: boolean } = {
  type: 1,
  startUtcMs: Date.UTC(2025, 3, 5, 23, 30, 0),
  sportSeconds: 3157,
  distanceMeters: 9960,
  calories: 612,
  local: '2025-04-06T07:30:00',
  name: 'Morning Run',
  sportType: 'Run',
  trainer: false,
};
const TREADMILL: typeof RUN = {
  type: 8,
  startUtcMs: Date.UTC(2025, 3, 8, 11, 0, 0),
  sportSeconds: 1820,
  distanceMeters: 4210,
  calories: 301,
  local: '2025-04-08T19:00:00',
  name: 'Evening Treadmill Run',
  sportType: 'Run',
  trainer: true,
};
const WALK: typeof RUN = {
  type: 6,
  startUtcMs: Date.UTC(2025, 3, 9, 6, 15, 0),
  sportSeconds: 2961,
  distanceMeters: 3571,
  calories: 180,
  local: '2025-04-09T14:15:00',
  name: 'Afternoon Walk',
  sportType: 'Walk',
  trainer: false,
};
const EXPORT_ROWS = [RUN, TREADMILL, WALK];
const MANUAL_ROWS = [RUN, WALK];

// All-day heart rate (HEARTRATE_AUTO: local wall-clock, per minute) from 18:55 to 19:35 on the treadmill's day:
// the treadmill (19:00:00–19:30:20 local) gets 19:00…19:30, the 31 minutes inside it, and uploads as a FIT.
const HR_MINUTES = Array.from({ length: 41 }, (_, i) => ({
  hh: 18 + Math.floor((55 + i) / 60),
  mm: (55 + i) % 60,
  bpm: 100 + ((i * 7) % 50),
}));
const HR_INSIDE = HR_MINUTES.filter((m) => m.hh === 19 && m.mm <= 30);
const hrCsv =
  '\uFEFFdate,time,heartRate\n' +
  HR_MINUTES.map((m) => `2025-04-08,${String(m.hh).padStart(2, '0')}:${String(m.mm).padStart(2, '0')},${m.bpm}`).join(
    '\n',
  ) +
  '\n';

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
    await writeFile(
      zipPath,
      zipCryptoZip(
        {
          [`SPORT/SPORT_${stamp}.csv`]: sportCsv(EXPORT_ROWS),
          [`HEARTRATE_AUTO/HEARTRATE_AUTO_${stamp}.csv`]: hrCsv,
          [`USER/USER_${stamp}.csv`]:
            '\uFEFFuserId,gender,height,weight,nickName,avatar,birthday\n1234567890,0,180,75.0,runner,null,1990-01\n',
        },
        PASSWORD,
      ),
    );
    dbPath = path.join(w.dir, 'Gadgetbridge.db');
    await writeFile(
      dbPath,
      await makeGadgetbridgeDb({
        devices: [{ id: 1, name: 'Mi Smart Band 6', manufacturer: 'Huami', identifier: 'C8:0F:10:00:00:09', type: 26 }],
        summaries: [
          {
            startMs: GB_START,
            endMs: GB_START + 1800_000,
            kind: 0x100 /* treadmill */,
            deviceId: 1,
            summaryData: JSON.stringify({ distanceMeters: 5000, caloriesBurnt: 350 }),
          },
        ],
        samples: GB_HR.map((hr, i) => ({
          table: 'HUAMI_EXTENDED_ACTIVITY_SAMPLE' as const,
          ts: GB_START / 1000 + i * 60,
          deviceId: 1,
          hr,
        })),
      }),
    );
  }, 300_000);
  afterAll(async () => {
    await w?.close();
  });

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

  it('sync --all sends summary-only export rows as manual activities, the one with all-day HR and the Gadgetbridge run as FIT with heart rate', async () => {
    const r = await w.cli(['sync', '--all', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(r)).toMatchObject({ uploaded: 4, failed: 0, duplicates: 0 });

    // Exactly the fields Strava's createActivity takes, as sent.
    const forms = [...w.strava.manualForms].sort((a, b) => (a.start_date_local! < b.start_date_local! ? -1 : 1));
    expect(forms).toHaveLength(MANUAL_ROWS.length);
    MANUAL_ROWS.forEach((row, i) => {
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
    expect(manual.map((a) => a.startMs).sort()).toEqual(MANUAL_ROWS.map((x) => x.startUtcMs).sort());
    expect(w.strava.control.uploads()).toHaveLength(2);

    // The treadmill: a FIT whose heart rate, decoded with the Garmin SDK, is the export's minute by minute.
    const files = w.strava.control.activities().filter((a) => !a.manual);
    const tm = files.find((a) => a.startMs === TREADMILL.startUtcMs);
    expect(tm).toMatchObject({
      elapsedSeconds: TREADMILL.sportSeconds,
      trainer: true,
      sentHeartrate: true,
      sportType: 'Run',
      name: TREADMILL.name,
    });
    const upload = w.strava.control.uploads().find((u) => u.uploadId === tm!.uploadId)!;
    const { messages, errors } = new Decoder(Stream.fromByteArray(Array.from(upload.bytes))).read({
      convertDateTimesToDates: true,
    });
    expect(errors).toEqual([]);
    const hrByLocalMinute = new Map(
      (messages.recordMesgs ?? [])
        .filter((r) => r.heartRate !== undefined)
        .map((r) => {
          const local = new Date((r.timestamp as Date).getTime() + OFFSET_S * 1000);
          return [`${local.getUTCHours()}:${local.getUTCMinutes()}`, r.heartRate as number] as const;
        }),
    );
    for (const m of HR_INSIDE) expect(hrByLocalMinute.get(`${m.hh}:${m.mm}`), `${m.hh}:${m.mm}`).toBe(m.bpm);
    expect(hrByLocalMinute.has('18:59')).toBe(false);
    expect(hrByLocalMinute.has('19:31')).toBe(false);

    const gb = files.find((a) => a.startMs === GB_START);
    expect(gb).toMatchObject({
      startMs: GB_START,
      elapsedSeconds: 1800,
      trainer: true,
      sentHeartrate: true,
      sportType: 'Run',
      maxHeartrate: Math.max(...GB_HR),
    });

    expect(w.strava.control.activities()).toHaveLength(4);
  }, 300_000);
});
