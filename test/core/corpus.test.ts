// Our decoders and metrics against values third-party tools computed for real
// files (expected.json): fitparse / Garmin SDK for FIT, gpxpy for GPX, lxml for
// TCX. Tolerances are the issue's: distance ±0.5 %, times ±1 s, counts exact.
import { describe, expect, it } from 'vitest';
import {
  corpusPath,
  decodeCorpus as decode,
  expectedTable,
  summarizeCorpus as ok,
  type Expected,
} from './corpus-files.js';

const table = expectedTable();

const within = (actual: number | null, expected: number, rel: number) =>
  expect(Math.abs((actual ?? NaN) - expected)).toBeLessThanOrEqual(Math.max(rel * Math.abs(expected), 1e-6));

const fitFiles = Object.entries(table).filter(([, v]) => v.kind === 'fit-activity');
describe('FIT corpus (fitparse + Garmin SDK reference values)', () => {
  for (const [name, entry] of fitFiles) {
    describe.skipIf(!corpusPath(name))(name, () => {
      const sdk = entry.expected.garmin_fitsdk;
      const fitparse = entry.expected.fitparse;
      const sessions = fitparse.sessions as Expected[];
      it('record count matches fitparse exactly (the Garmin SDK agrees where it reads the file whole)', () => {
        expect(ok(name).summary.records).toBe(fitparse.message_counts.record ?? 0);
      });
      it('session totals: elapsed/timer ±1 s, distance ±0.5 %, calories exact', () => {
        const { summary } = ok(name);
        const sum = (k: string) => sessions.reduce((a, s) => a + (s[k] ?? 0), 0);
        if (sessions.length === 1)
          expect(Math.abs(summary.elapsedSeconds - sessions[0]!.total_elapsed_time)).toBeLessThanOrEqual(1);
        expect(Math.abs(summary.timerSeconds - sum('total_timer_time'))).toBeLessThanOrEqual(1);
        if (sessions.some((s) => s.total_distance != null))
          within(summary.distanceMeters, sum('total_distance'), 0.005);
        if (sessions.some((s) => s.total_calories != null)) expect(summary.calories).toBe(sum('total_calories'));
        // fitparse leaves device-relative times (< 0x10000000) raw; the SDK converts them all.
        expect(Date.parse(summary.startTime)).toBe(Date.parse(sdk.sessions[0].startTime));
      });
      it('lap and length counts match', () => {
        const { summary } = ok(name);
        expect(summary.laps).toBe(fitparse.message_counts.lap ?? 0);
        expect(summary.lengths).toBe(fitparse.message_counts.length ?? 0);
      });
      it('positioned records match gpsbabel’s fit→gpx point count', () => {
        const { workout } = ok(name);
        const positioned = workout.samples.lat ? workout.samples.lat.filter((v) => v != null).length : 0;
        expect(positioned).toBe(entry.expected.gpsbabel_fit_to_gpx.trkpt_count ?? sdk.records_with_position);
      });
    });
  }
});

describe('broken FIT files: reported, never thrown', () => {
  for (const [name, entry] of Object.entries(table).filter(([, v]) => v.kind === 'fit-broken')) {
    it.skipIf(!corpusPath(name))(`${name}: integrity issue carrying the SDK's reason`, () => {
      const r = decode(name);
      const reason = String(entry.expected.garmin_fitsdk.errors[0]);
      const issues = r.issues.map((i) => `${i.code}: ${i.detail}`).join('\n');
      expect(issues).toContain('fit.integrity');
      expect(issues).toContain(reason.replace(/^FIT Runtime Error /, '').slice(0, 12));
    });
  }
});

const gpxFiles = Object.entries(table).filter(
  ([, v]) => v.expected.gpxpy?.parse_ok && v.expected.gpxpy.track_points > 0,
);
describe('GPX corpus (gpxpy reference values)', () => {
  for (const [name, entry] of gpxFiles) {
    it.skipIf(!corpusPath(name))(
      `${name}: points exact, distance ±0.5 %, duration and moving time ±1 s, climb ±1 %`,
      () => {
        const g = entry.expected.gpxpy;
        const { summary } = ok(name);
        expect(summary.records).toBe(g.track_points);
        within(summary.distanceMeters, g.length_2d_m, 0.005);
        expect(Math.abs(summary.elapsedSeconds - g.duration_s)).toBeLessThanOrEqual(1);
        expect(Math.abs(summary.movingSeconds - g.moving_data.moving_time_s)).toBeLessThanOrEqual(1);
        if (g.points_with_elevation > 0) {
          within(summary.ascentMeters, g.uphill_m, 0.01);
          within(summary.descentMeters, g.downhill_m, 0.01);
        }
        if (g.start_time) expect(Date.parse(summary.startTime)).toBe(Date.parse(g.start_time));
      },
    );
  }
  it.skipIf(!corpusPath('gpx_with_garmin_extension.gpx'))('a GPX with only a waypoint is a clear error', () => {
    const r = decode('gpx_with_garmin_extension.gpx');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/no usable workout.*no track/);
  });
  it.skipIf(!corpusPath('badcharacter.xml'))('malformed XML is a clear error with its line', () => {
    const r = decode('badcharacter.xml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/invalid XML at line 1/);
  });
});

describe('TCX corpus (values read with lxml)', () => {
  for (const [name, entry] of Object.entries(table).filter(([, v]) => v.kind === 'tcx-activity')) {
    it.skipIf(!corpusPath(name))(`${name}: trackpoints, laps, timer, distance, calories`, () => {
      const x = entry.expected.tcx;
      const { summary, workout } = ok(name);
      expect(summary.records).toBe(x.trackpoints);
      expect(summary.laps).toBe(x.lap_count);
      expect(Math.abs(summary.timerSeconds - x.sum_TotalTimeSeconds)).toBeLessThanOrEqual(1);
      // Lap starts are whole seconds, lap times hundredths: elapsed must still cover the timer time.
      expect(summary.elapsedSeconds).toBeGreaterThanOrEqual(summary.timerSeconds);
      within(summary.distanceMeters, x.last_trackpoint_DistanceMeters, 0.005);
      expect(summary.calories).toBe(x.sum_Calories);
      expect(Date.parse(summary.startTime)).toBe(Date.parse(x.laps[0].StartTime));
      expect(workout.samples.lat!.filter((v) => v != null).length).toBe(x.trackpoints_with_position);
      workout.laps.forEach((lap, i) => {
        const e = x.laps[i];
        expect(Math.abs(lap.timerSeconds - e.TotalTimeSeconds)).toBeLessThanOrEqual(1);
        within(lap.distanceMeters ?? null, e.DistanceMeters, 0.005);
        expect(lap.calories).toBe(e.Calories);
        expect(lap.avgHeartRate).toBe(e.AverageHeartRateBpm);
        expect(lap.maxHeartRate).toBe(e.MaximumHeartRateBpm);
        expect(Date.parse(workout.startTime) + lap.startOffset * 1000).toBe(Date.parse(e.StartTime));
      });
      const hrs = workout.samples.heartRate!.filter((v): v is number => v != null);
      expect(hrs.length).toBe(x.trackpoints_with_hr);
      if (x.trackpoint_hr_min_max) expect([Math.min(...hrs), Math.max(...hrs)]).toEqual(x.trackpoint_hr_min_max);
    });
  }
});

describe.skipIf(!corpusPath('ActivityDetailsDump1.txt'))('non-activity files', () => {
  it('a Huami raw dump is refused with a clear error', () => {
    const r = decode('ActivityDetailsDump1.txt');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/not a FIT, TCX or GPX file/);
  });
});
