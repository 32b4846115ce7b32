// FIT encoder output checked by the Garmin SDK's own decoder (an independent
// reader), and our decoder's round trip checked field by field.
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { decodeFit, encodeFit, type Workout } from '../../src/core/index.js';
import { makePoolSwim, makeWorkout } from './workout-factory.js';

function sdkRead(bytes: Uint8Array) {
  const decoder = new Decoder(
    Stream.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer),
  );
  const integrity = decoder.checkIntegrity();
  const { messages, errors } = decoder.read();
  return { integrity, errors, messages };
}

const gpsRun = makeWorkout({
  seconds: 900,
  pauses: [
    { startOffset: 200, endOffset: 260 },
    { startOffset: 500, endOffset: 530, kind: 'auto' },
  ],
  utcOffsetSeconds: -18000,
  laps: [
    { startOffset: 0, elapsedSeconds: 400, timerSeconds: 340, trigger: 'distance', distanceMeters: 1000 },
    { startOffset: 400, elapsedSeconds: 500, timerSeconds: 470, trigger: 'session_end' },
  ],
});
const treadmill = makeWorkout({ gps: false, sport: 'treadmill', seconds: 1800, calories: 250 });
const pool = makePoolSwim(20, 25);

describe('encodeFit', () => {
  for (const [name, w] of [
    ['GPS run with pauses', gpsRun],
    ['treadmill without GPS', treadmill],
    ['pool swim with lengths', pool],
  ] as const) {
    it(`${name}: the Garmin SDK reads it with zero errors and a valid CRC`, () => {
      const { integrity, errors, messages } = sdkRead(encodeFit(w));
      expect(errors).toEqual([]);
      expect(integrity).toBe(true);
      const fileId = messages.fileIdMesgs![0]!;
      expect(fileId.type).toBe('activity');
      expect(fileId.manufacturer).toBe('zepp');
      expect(fileId.product).toBe(7930);
      const session = messages.sessionMesgs![0]!;
      const paused = w.pauses.reduce((s, p) => s + p.endOffset - p.startOffset, 0);
      expect(session.totalElapsedTime).toBe(w.elapsedSeconds);
      expect(session.totalTimerTime).toBe(w.elapsedSeconds - paused);
      expect(session.totalCalories).toBe(w.totals.calories);
      const hrs = w.samples.heartRate!.filter((v): v is number => v != null);
      expect(session.maxHeartRate).toBe(Math.max(...hrs));
      expect(session.avgHeartRate).toBe(Math.round(hrs.reduce((a, b) => a + b, 0) / hrs.length));
      expect(messages.recordMesgs!.length).toBe(w.samples.t.length);
      // session and activity come last, activity after session
      const activity = messages.activityMesgs![0]!;
      const start = Date.parse(w.startTime);
      expect((activity.timestamp as Date).getTime()).toBe(start + w.elapsedSeconds * 1000);
      expect(Number(activity.localTimestamp)).toBe(
        Math.round((start - Date.UTC(1989, 11, 31)) / 1000) + w.elapsedSeconds + w.utcOffsetSeconds,
      );
      expect(messages.lapMesgs!.length).toBe(Math.max(1, w.laps.length));
      for (const lap of messages.lapMesgs!) expect(lap.totalTimerTime).toBeTypeOf('number');
    });
  }

  it('writes timer stop/start events at each pause', () => {
    const { messages } = sdkRead(encodeFit(gpsRun));
    const timer = messages
      .eventMesgs!.filter((e) => e.event === 'timer')
      .map((e) => [e.eventType, ((e.timestamp as Date).getTime() - Date.parse(gpsRun.startTime)) / 1000]);
    expect(timer).toEqual([
      ['start', 0],
      ['stopAll', 200],
      ['start', 260],
      ['stopAll', 500],
      ['start', 530],
      ['stopAll', 900],
    ]);
  });

  it('writes GPS positions in semicircles and no position when the workout has none', () => {
    const gps = sdkRead(encodeFit(gpsRun)).messages.recordMesgs!;
    const lat0 = gpsRun.samples.lat![0]!;
    expect(Math.abs(((gps[0]!.positionLat as number) * 180) / 2 ** 31 - lat0)).toBeLessThan(1e-6);
    const indoor = sdkRead(encodeFit(treadmill)).messages.recordMesgs!;
    expect(indoor.every((r) => r.positionLat == null && typeof r.heartRate === 'number')).toBe(true);
  });

  it('pool swim: lengths, pool length and active length count', () => {
    const { messages } = sdkRead(encodeFit(pool));
    expect(messages.lengthMesgs!.length).toBe(pool.lengths.length);
    const session = messages.sessionMesgs![0]!;
    expect(session.poolLength).toBe(25);
    expect(session.numActiveLengths).toBe(pool.lengths.filter((l) => l.kind === 'active').length);
    expect(session.sport).toBe('swimming');
    expect(session.subSport).toBe('lapSwimming');
    expect(messages.lengthMesgs!.map((l) => l.totalStrokes ?? null)).toEqual(
      pool.lengths.map((l) => l.strokes ?? null),
    );
  });

  it('a workout with no samples at all (strength, totals only) still gives a valid activity with time, calories and HR', () => {
    const bare: Workout = {
      ...treadmill,
      sport: 'strength',
      samples: { t: [] },
      elapsedSeconds: 1500,
      totals: { calories: 180, avgHeartRate: 110, maxHeartRate: 150, timerSeconds: 1400 },
    };
    const { integrity, errors, messages } = sdkRead(encodeFit(bare));
    expect(errors).toEqual([]);
    expect(integrity).toBe(true);
    expect(messages.recordMesgs ?? []).toEqual([]);
    const session = messages.sessionMesgs![0]!;
    expect([session.sport, session.subSport]).toEqual(['training', 'strengthTraining']);
    expect([
      session.totalElapsedTime,
      session.totalTimerTime,
      session.totalCalories,
      session.avgHeartRate,
      session.maxHeartRate,
    ]).toEqual([1500, 1400, 180, 110, 150]);
    const back = decodeFit(encodeFit(bare));
    expect(back.ok && back.workout.startTime).toBe(bare.startTime);
  });

  it('uses the configured device name', () => {
    const { messages } = sdkRead(encodeFit(treadmill, { deviceName: 'Mi Band 8' }));
    expect(messages.fileIdMesgs![0]!.productName).toBe('Mi Band 8');
    expect(messages.deviceInfoMesgs![0]!.productName).toBe('Mi Band 8');
  });
});

describe('stroke rate', () => {
  it("rowing: the stroke-rate stream goes into the records' cadence, as rowing devices write it", () => {
    const base = makeWorkout({ sport: 'indoor_rowing', gps: false, seconds: 120 });
    const strokeRate = base.samples.t.map((t) => (t < 10 ? null : 20 + (t % 9) + 0.4));
    const bytes = encodeFit({ ...base, samples: { ...base.samples, cadence: undefined, strokeRate } });
    const { errors, messages } = sdkRead(bytes);
    expect(errors).toEqual([]);
    const records = messages.recordMesgs!;
    expect(records).toHaveLength(base.samples.t.length);
    records.forEach((r, i) => expect(r.cadence).toBe(strokeRate[i] == null ? undefined : Math.round(strokeRate[i]!)));
  });

  it('pool swim: each active length carries its stroke rate (strokes per minute of timer time)', () => {
    const { messages } = sdkRead(encodeFit(pool));
    const lengths = messages.lengthMesgs!;
    expect(lengths).toHaveLength(pool.lengths.length);
    lengths.forEach((m, i) => {
      const l = pool.lengths[i]!;
      expect(m.avgSwimmingCadence).toBe(
        l.strokes == null ? undefined : Math.round((l.strokes / l.elapsedSeconds) * 60),
      );
    });
    expect(lengths.some((m) => typeof m.avgSwimmingCadence === 'number' && m.avgSwimmingCadence > 20)).toBe(true);
  });
});

describe('decodeFit', () => {
  function roundTrip(w: Workout) {
    const r = decodeFit(encodeFit(w));
    if (!r.ok) throw new Error(r.error);
    expect(r.issues).toEqual([]);
    return r.workout;
  }

  it('round-trips a GPS run: samples, pauses, laps, offset, device', () => {
    const back = roundTrip(gpsRun);
    expect(back.startTime).toBe(gpsRun.startTime);
    expect(back.utcOffsetSeconds).toBe(-18000);
    expect(back.samples.t).toEqual(gpsRun.samples.t);
    expect(back.samples.heartRate).toEqual(gpsRun.samples.heartRate);
    back.samples.lat!.forEach((v, i) => expect(Math.abs(v! - gpsRun.samples.lat![i]!)).toBeLessThan(1e-6));
    back.samples.altitude!.forEach((v, i) =>
      expect(Math.abs(v! - gpsRun.samples.altitude![i]!)).toBeLessThanOrEqual(0.1 + 1e-9),
    );
    expect(back.pauses).toEqual(gpsRun.pauses.map((p) => ({ ...p, kind: p.kind ?? 'manual' })));
    expect(back.laps.map((l) => [l.startOffset, l.elapsedSeconds, l.timerSeconds, l.trigger])).toEqual(
      gpsRun.laps.map((l) => [l.startOffset, l.elapsedSeconds, l.timerSeconds, l.trigger]),
    );
    expect(back.device).toEqual(gpsRun.device);
    expect(back.sport).toBe('running');
    expect(back.fingerprint).toBe(gpsRun.fingerprint);
  });

  it('round-trips a pool swim with lengths and strokes', () => {
    const back = roundTrip(pool);
    expect(back.sport).toBe('pool_swimming');
    expect(back.poolLengthMeters).toBe(25);
    expect(back.lengths).toEqual(pool.lengths.map((l) => ({ ...l, strokes: l.strokes, stroke: l.stroke })));
  });

  it('returns a clear error for bytes that are not FIT, without throwing', () => {
    const r = decodeFit(new TextEncoder().encode('<gpx></gpx>'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/not a FIT file/);
    const empty = decodeFit(new Uint8Array(0));
    expect(empty.ok).toBe(false);
  });

  it('reports a truncated file as an issue or an error, never a throw', () => {
    const bytes = encodeFit(gpsRun);
    const r = decodeFit(bytes.slice(0, Math.floor(bytes.length / 2)));
    if (r.ok) expect(r.issues.map((i) => i.code)).toContain('fit.integrity');
    else expect(r.error).toBeTruthy();
  });
});
