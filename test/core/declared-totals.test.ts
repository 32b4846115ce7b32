// Declared totals win (issue 13): checked against what the devices stored in
// the corpus files (read by fitparse and lxml, expected.json), and against FIT
// files written here with Garmin's own SDK encoder whose session and records
// disagree. The FIT we write is read back with Garmin's decoder, never ours.
import { Decoder, Encoder, Profile, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { decodeFit, encodeFit, summarize, type Workout } from '../../src/core/index.js';
import { corpusPath, expectedTable, summarizeCorpus, type Expected } from './corpus-files.js';

const table = expectedTable();
const close = (actual: number | null | undefined, expected: number, tolerance: number) =>
  expect(Math.abs((actual ?? NaN) - expected)).toBeLessThanOrEqual(tolerance);
const lastValue = (values: readonly (number | null)[] | undefined) => values?.filter((v) => v != null).at(-1);

describe('corpus FIT files: the session and lap messages are the numbers (fitparse, expected.json)', () => {
  for (const [name, entry] of Object.entries(table).filter(([, v]) => v.kind === 'fit-activity')) {
    it.skipIf(!corpusPath(name))(name, () => {
      const { summary, workout, issues } = summarizeCorpus(name);
      const fp = entry.expected.fitparse;
      const sessions = fp.sessions as Expected[];
      const total = (k: string) => sessions.reduce((a, s) => a + (s[k] ?? 0), 0);
      const declared = (k: string) => sessions.some((s) => s[k] != null);
      close(summary.distanceMeters, total('total_distance'), 0.005);
      close(summary.timerSeconds, total('total_timer_time'), 0.005);
      close(summary.movingSeconds, total('total_timer_time'), 0.005);
      expect(summary.calories).toBe(total('total_calories'));
      if (declared('max_heart_rate'))
        expect(summary.maxHeartRate).toBe(Math.max(...sessions.map((s) => s.max_heart_rate)));
      if (sessions.length === 1) {
        const s = sessions[0]!;
        if (s.avg_heart_rate != null) expect(summary.avgHeartRate).toBe(s.avg_heart_rate);
        // FIT counts a runner's strides per minute; people read steps: twice as many.
        if (s.avg_cadence != null) expect(summary.avgCadence).toBe(s.avg_cadence * (s.sport === 'running' ? 2 : 1));
      } else {
        const weighted =
          total('total_timer_time') && sessions.reduce((a, s) => a + s.avg_heart_rate * s.total_timer_time, 0);
        expect(summary.avgHeartRate).toBe(Math.round(weighted / total('total_timer_time')));
      }
      if (declared('total_ascent')) expect(summary.ascentMeters).toBe(total('total_ascent'));
      if (declared('total_descent')) expect(summary.descentMeters).toBe(total('total_descent'));

      // The stream ends at the session's distance; what the records said is kept in the issue.
      const recordEnd = fp.last_record_distance_m as number | null;
      const streamEnd = lastValue(workout.samples.distance);
      if (streamEnd != null && recordEnd != null) {
        // Under half a metre apart is rounding: the stream is left as recorded; beyond, it ends at the session's.
        const rounding = Math.abs(recordEnd - total('total_distance')) <= 0.5;
        close(streamEnd, rounding ? recordEnd : total('total_distance'), 0.005);
        if (!rounding)
          expect(issues.find((i) => i.code === 'distance_rescaled')?.detail).toContain(
            `from stream ${Number(recordEnd.toFixed(2))} m`,
          );
      }
      // Laps: as the file declares them (timer exact, distance within 0.1 %), adding up to the session.
      (fp.laps as Expected[]).forEach((e, i) => {
        const lap = workout.laps[i]!;
        close(lap.timerSeconds, e.total_timer_time, 0.005);
        if (e.total_distance != null) close(lap.distanceMeters, e.total_distance, e.total_distance * 0.001 + 0.01);
      });
      if (workout.laps.every((l) => l.distanceMeters != null))
        close(
          workout.laps.reduce((a, l) => a + l.distanceMeters!, 0),
          total('total_distance'),
          0.5, // a rounding difference (Edge810's laps: 1 cm) is left alone
        );
    });
  }
});

describe('corpus TCX files: the laps declare the totals (lxml, expected.json)', () => {
  for (const [name, entry] of Object.entries(table).filter(([, v]) => v.kind === 'tcx-activity')) {
    it.skipIf(!corpusPath(name))(name, () => {
      const { summary, workout, issues } = summarizeCorpus(name);
      const x = entry.expected.tcx;
      const laps = x.laps as Expected[];
      close(summary.distanceMeters, x.sum_DistanceMeters, 0.001);
      close(summary.timerSeconds, x.sum_TotalTimeSeconds, 0.001);
      expect(summary.calories).toBe(x.sum_Calories);
      expect(summary.maxHeartRate).toBe(Math.max(...laps.map((l) => l.MaximumHeartRateBpm)));
      const weighted = laps.reduce((a, l) => a + l.AverageHeartRateBpm * l.TotalTimeSeconds, 0);
      expect(summary.avgHeartRate).toBe(Math.round(weighted / x.sum_TotalTimeSeconds));
      close(lastValue(workout.samples.distance), x.sum_DistanceMeters, 0.001);
      if (Math.abs(x.last_trackpoint_DistanceMeters - x.sum_DistanceMeters) > 0.5)
        expect(issues.find((i) => i.code === 'distance_rescaled')?.detail).toContain(
          `from stream ${Number(x.last_trackpoint_DistanceMeters.toFixed(2))} m`,
        );
    });
  }
});

// ---- FIT files written with Garmin's SDK whose session and records disagree ----

const START = Date.UTC(2024, 4, 4, 6, 30);

interface Spec {
  readonly sessionMeters: number;
  readonly recordMeters: number;
  readonly lapMeters?: readonly number[];
}

/** A 600 s run: records every second to `recordMeters`, a session (and laps) declaring other numbers. */
function sdkFit(spec: Spec): Uint8Array {
  const enc = new Encoder();
  const put = (m: Record<string, unknown>) => enc.writeMesg(m as never);
  const at = (s: number) => new Date(START + s * 1000);
  put({ mesgNum: Profile.MesgNum.FILE_ID, type: 'activity', manufacturer: 'zepp', product: 7, timeCreated: at(0) });
  put({ mesgNum: Profile.MesgNum.EVENT, timestamp: at(0), event: 'timer', eventType: 'start' });
  for (let s = 0; s <= 600; s++)
    put({
      mesgNum: Profile.MesgNum.RECORD,
      timestamp: at(s),
      distance: (spec.recordMeters * s) / 600,
      heartRate: 140,
      cadence: 80,
      altitude: 100 + (s % 20),
    });
  put({ mesgNum: Profile.MesgNum.EVENT, timestamp: at(600), event: 'timer', eventType: 'stopAll' });
  const laps = spec.lapMeters ?? [spec.sessionMeters];
  laps.forEach((d, i) => {
    const from = (600 / laps.length) * i;
    put({
      mesgNum: Profile.MesgNum.LAP,
      messageIndex: i,
      timestamp: at(from + 600 / laps.length),
      startTime: at(from),
      totalElapsedTime: 600 / laps.length,
      totalTimerTime: 600 / laps.length,
      totalDistance: d,
      event: 'lap',
      eventType: 'stop',
    });
  });
  put({
    mesgNum: Profile.MesgNum.SESSION,
    messageIndex: 0,
    timestamp: at(600),
    startTime: at(0),
    sport: 'running',
    totalElapsedTime: 600,
    totalTimerTime: 598,
    totalDistance: spec.sessionMeters,
    totalCalories: 77,
    avgHeartRate: 150,
    maxHeartRate: 171,
    avgCadence: 78,
    totalAscent: 12,
    totalDescent: 11,
    numLaps: laps.length,
    event: 'session',
    eventType: 'stop',
  });
  put({ mesgNum: Profile.MesgNum.ACTIVITY, timestamp: at(600), numSessions: 1, totalTimerTime: 598 });
  return enc.close();
}

function ours(bytes: Uint8Array): { workout: Workout; codes: string[]; detail: (code: string) => string } {
  const r = decodeFit(bytes);
  if (!r.ok) throw new Error(r.error);
  return {
    workout: r.workout,
    codes: r.issues.map((i) => i.code),
    detail: (code) => r.issues.find((i) => i.code === code)?.detail ?? '',
  };
}

/** What Garmin's decoder reads in the FIT we would send Strava. */
function garmin(bytes: Uint8Array) {
  const { messages, errors } = new Decoder(Stream.fromByteArray(bytes)).read();
  expect(errors).toEqual([]);
  const records = messages.recordMesgs ?? [];
  return {
    session: messages.sessionMesgs![0]!,
    laps: messages.lapMesgs ?? [],
    lastDistance: records
      .map((r) => r.distance)
      .filter((d): d is number => typeof d === 'number')
      .at(-1),
  };
}

describe('a FIT whose session and records disagree (written with Garmin’s encoder)', () => {
  it('session 963.65 m, records 956.03 m: inspect says 963.65, the stream is scaled to end there, both kept', () => {
    const { workout, codes, detail } = ours(sdkFit({ sessionMeters: 963.65, recordMeters: 956.03 }));
    const s = summarize(workout);
    expect(s.distanceMeters).toBe(963.65);
    expect(lastValue(workout.samples.distance)).toBe(963.65);
    expect(codes).toEqual(['distance_rescaled']);
    expect(detail('distance_rescaled')).toBe(
      'declared 963.65 m, from stream 956.03 m, ratio 1.0080: the distance stream was scaled to end at the declared distance',
    );
    // Every other declared total wins over the records too (they say 140 bpm, 80 rpm, 19 m climbs).
    expect([s.timerSeconds, s.movingSeconds, s.calories]).toEqual([598, 598, 77]);
    expect([s.avgHeartRate, s.maxHeartRate, s.ascentMeters, s.descentMeters]).toEqual([150, 171, 12, 11]);
    expect([s.avgCadence, s.cadenceUnit]).toEqual([156, 'spm']);
  });

  it('the FIT we send carries the session’s numbers in its session, lap and records (Garmin’s decoder)', () => {
    const { workout } = ours(sdkFit({ sessionMeters: 963.65, recordMeters: 956.03 }));
    const back = garmin(encodeFit(workout));
    expect(back.session.totalDistance).toBe(963.65);
    expect(back.lastDistance).toBe(963.65);
    expect(back.laps.map((l) => l.totalDistance)).toEqual([963.65]);
    expect([back.session.totalTimerTime, back.session.totalCalories]).toEqual([598, 77]);
    expect([back.session.avgHeartRate, back.session.maxHeartRate, back.session.avgCadence]).toEqual([150, 171, 78]);
    expect([back.session.totalAscent, back.session.totalDescent]).toEqual([12, 11]);
  });

  it('laps that do not add up to the session are scaled to; the FIT’s laps add up', () => {
    const { workout, codes, detail } = ours(
      sdkFit({ sessionMeters: 963.65, recordMeters: 963.65, lapMeters: [480, 470] }),
    );
    expect(codes).toEqual(['lap_distances_rescaled']);
    expect(detail('lap_distances_rescaled')).toContain('declared 963.65 m, from laps 950 m, ratio 1.0144');
    const laps = workout.laps.map((l) => l.distanceMeters!);
    expect(laps[0]! / laps[1]!).toBeCloseTo(480 / 470, 9);
    const back = garmin(encodeFit(workout));
    expect(back.laps.reduce((a, l) => a + Number(l.totalDistance), 0)).toBeCloseTo(963.65, 1);
  });

  it('over 15 % apart: the session still wins, the stream is left as measured, and the difference is reported', () => {
    const { workout, codes, detail } = ours(sdkFit({ sessionMeters: 1200, recordMeters: 956.03 }));
    expect(summarize(workout).distanceMeters).toBe(1200);
    expect(lastValue(workout.samples.distance)).toBe(956.03);
    expect(codes).toContain('distance_not_rescaled');
    expect(detail('distance_not_rescaled')).toContain('declared 1200 m, from stream 956.03 m, ratio 1.2552');
    expect(garmin(encodeFit(workout)).session.totalDistance).toBe(1200);
  });

  it('agreeing numbers change nothing and report nothing', () => {
    const { workout, codes } = ours(sdkFit({ sessionMeters: 963.65, recordMeters: 963.65 }));
    expect(codes).toEqual([]);
    expect(lastValue(workout.samples.distance)).toBe(963.65);
    expect(workout.samples.distance![300]).toBeCloseTo(963.65 / 2, 2);
  });
});
