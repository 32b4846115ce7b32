// HEARTRATE_AUTO rows (local wall-clock, per minute) joined into summary-only
// workouts: expected values are worked out by hand from the rows below.
import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { heartRateColumns, heartRateRow, joinHeartRate } from './heart-rate.js';
import { createZeppExportSource } from './source.js';
import { withFingerprint } from '../../core/workout/fingerprint.js';

const plus2h = () => 7200;

describe('HEARTRATE_AUTO rows', () => {
  it('finds the columns by name and turns local minutes into UTC minutes', () => {
    const c = heartRateColumns(['\uFEFFdate', 'time', 'heartRate'])!;
    expect(c).toEqual({ date: 0, time: 1, bpm: 2 });
    // 07:31 at UTC+2 is 05:31 UTC.
    expect(heartRateRow(['2025-01-10', '07:31', '121'], c, plus2h)).toEqual([
      Date.UTC(2025, 0, 10, 5, 31) / 60_000,
      121,
    ]);
    expect(heartRateRow(['2025-01-10', '07:31', '0'], c, plus2h)).toBeNull(); // no reading
    expect(heartRateRow(['2025-01-10', '07:31', '255'], c, plus2h)).toBeNull();
    expect(heartRateRow(['10/01/2025', '07:31', '121'], c, plus2h)).toBeNull();
    expect(heartRateColumns(['date', 'steps'])).toBeNull();
  });

  it('joins the minutes inside the workout only, at seconds from its start', () => {
    const workout = withFingerprint({
      sport: 'treadmill',
      startTime: '2025-01-10T05:30:30Z',
      utcOffsetSeconds: 7200,
      elapsedSeconds: 150,
      samples: { t: [] },
      pauses: [],
      laps: [],
      lengths: [],
      indoor: true,
      device: { manufacturer: 339, product: 0, name: 'x' },
      totals: {},
      source: { kind: 'zepp-export', id: '1', accountId: 'a' },
    });
    const m = (h: number, min: number) => Date.UTC(2025, 0, 10, h, min) / 60_000;
    // 05:30 is before the start (05:30:30); 05:31, 05:32, 05:33 are inside (ends 05:33:00); 05:34 is after.
    const index = new Map([
      [m(5, 30), 90],
      [m(5, 31), 100],
      [m(5, 32), 110],
      [m(5, 33), 120],
      [m(5, 34), 130],
    ]);
    expect(joinHeartRate(workout, index).samples).toEqual({ t: [30, 90, 150], heartRate: [100, 110, 120] });
    // One minute is not a curve: the workout stays summary-only.
    expect(joinHeartRate(workout, new Map([[m(5, 31), 100]])).samples).toEqual({ t: [] });
  });
});

describe('zepp-export source with HEARTRATE_AUTO', () => {
  it('gives a summary row the heart rate of its minutes; a row without any stays summary-only', async () => {
    const csv =
      '\uFEFFtype,startTime,sportTime(s),distance(m),calories(kcal)\n' +
      '8,2025-01-10 05:30:00+0000,180,500,30\n' +
      '1,2025-01-11 05:30:00+0000,180,600,30\n';
    const hr =
      '\uFEFFdate,time,heartRate\n2025-01-10,07:29,80\n2025-01-10,07:30,101\n2025-01-10,07:31,102\n2025-01-10,07:32,103\n2025-01-10,07:33,104\n2025-01-10,07:34,99\n';
    const dir = await mkdtemp(path.join(tmpdir(), 'bandsync-hr-'));
    const zipPath = path.join(dir, 'export.zip');
    await writeFile(
      zipPath,
      zipSync({ 'SPORT/SPORT_1.csv': strToU8(csv), 'HEARTRATE_AUTO/HEARTRATE_AUTO_1.csv': strToU8(hr) }),
    );
    const source = createZeppExportSource({ zipPath, accountId: 'a', utcOffsetSeconds: 7200 });
    const refs = [];
    for await (const ref of source.list({})) refs.push(ref);
    const treadmill = (await source.fetch(refs[0]!)).workout;
    expect(treadmill.samples).toEqual({ t: [0, 60, 120, 180], heartRate: [101, 102, 103, 104] });
    expect((await source.fetch(refs[1]!)).workout.samples).toEqual({ t: [] });
    // Without a list() first, a fetch reads the heart rate for its own window.
    const lone = await createZeppExportSource({ zipPath, accountId: 'a', utcOffsetSeconds: 7200 }).fetch(refs[0]!);
    expect(lone.workout.samples.heartRate).toEqual([101, 102, 103, 104]);
  });
});
