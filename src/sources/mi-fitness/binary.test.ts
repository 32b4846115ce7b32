// Every binary layout the adapter decodes, on files the simulator builds byte
// by byte from the notes' layouts with its own writers (not this decoder's
// tables): what was written is what is read, field by field.
import { describe, expect, it } from 'vitest';
import { miFdsFiles as B } from '../../simulators/mi-fitness/index.js';
import { decodeGpsFile, decodeRecordFile, FdsFormatError } from './binary.js';
import { F } from './layouts.js';

const T0 = 1784453950;
const sec = (i: number, extra: Partial<B.Second> = {}): B.Second => ({
  hr: 120 + i,
  kcal: (i % 7) + 1,
  meters: 3 + (i % 3),
  km: i === 2,
  cadence: 170 + i,
  stride: 90 + i,
  pace: 300 + i,
  power: 200 + i,
  speed: 500 + i,
  resistance: 4,
  spo2: 95,
  stress: 20 + i,
  ...extra,
});
const segs: B.Segment[] = [
  { start: T0, seconds: [0, 1, 2, 3].map((i) => sec(i)) },
  { start: T0 + 64, seconds: [4, 5].map((i) => sec(i)) },
];
const col = (records: readonly ReadonlyMap<number, number>[], id: number) => records.map((r) => r.get(id));

describe('record files (fileType 0)', () => {
  it('proto 22 v8 (outdoor step): segments, HR, distance, km marker, cadence, pace, stride; absent and dropped fields', () => {
    const d = decodeRecordFile(
      B.stepRecordsV8(T0, 28, segs, { absent: new Set(['landing']), notKept: new Set(['f56']) }),
      22,
    );
    expect(d.header).toMatchObject({ timestamp: T0, timezone: 28, version: 8, typeByte: 128 + (22 << 2) });
    expect(d.segments.map((s) => [s.startTime, s.records.length])).toEqual([
      [T0, 4],
      [T0 + 64, 2],
    ]);
    const all = d.segments.flatMap((s) => s.records);
    expect(col(all, F.hr)).toEqual([120, 121, 122, 123, 124, 125]);
    expect(col(all, F.distance)).toEqual([3, 4, 5, 3, 4, 5]);
    expect(col(all, F.calories)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(col(all, F.integerKm)).toEqual([0, 0, 1, 0, 0, 0]);
    expect(col(all, F.cadence)).toEqual([170, 171, 172, 173, 174, 175]);
    expect(col(all, F.pace)).toEqual([300, 301, 302, 303, 304, 305]);
    expect(col(all, F.stride)).toEqual([90, 91, 92, 93, 94, 95]);
    expect(col(all, F.runningPower)).toEqual([200, 201, 202, 203, 204, 205]);
    expect(all.every((r) => !r.has(F.landingImpact) && !r.has(56))).toBe(true);
    expect(d.problems).toEqual([]);
  });

  it('proto 1 v2 (older outdoor run)', () => {
    const d = decodeRecordFile(B.outdoorRecordsV2(1, T0, 32, segs), 1);
    const all = d.segments.flatMap((s) => s.records);
    expect(col(all, F.hr)).toEqual([120, 121, 122, 123, 124, 125]);
    expect(col(all, F.integerKm)).toEqual([0, 0, 1, 0, 0, 0]);
    expect(col(all, F.distance)).toEqual([3, 4, 5, 3, 4, 5]);
  });

  it('proto 23 v5 (outdoor no-step cycling): speed and cycle cadence', () => {
    const d = decodeRecordFile(B.noStepRecordsV5(T0, 8, segs), 23);
    const all = d.segments.flatMap((s) => s.records);
    expect(col(all, F.speed)).toEqual([500, 501, 502, 503, 504, 505]);
    expect(col(all, F.cycleCadence)).toEqual([170, 171, 172, 173, 174, 175]);
    expect(col(all, F.distance)).toEqual([3, 4, 5, 3, 4, 5]);
  });

  it('proto 6 v2 (older outdoor bike): whole calories byte, km marker', () => {
    const d = decodeRecordFile(B.outdoorBikeRecordsV2(T0, 8, segs), 6);
    const all = d.segments.flatMap((s) => s.records);
    expect(col(all, F.calories)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(col(all, F.integerKm)).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('proto 3 v2 (indoor run): no pause-init bytes', () => {
    const d = decodeRecordFile(B.indoorRunRecordsV2(T0, 8, segs), 3);
    expect(d.segments.map((s) => s.startTime)).toEqual([T0, T0 + 64]);
    expect(col(d.segments[1]!.records, F.hr)).toEqual([124, 125]);
  });

  it('proto 7 v6 (indoor bike, four-dimension) and v1 (one-dimension)', () => {
    const v6 = decodeRecordFile(B.indoorBikeRecordsV6(T0, 8, segs), 7).segments.flatMap((s) => s.records);
    expect(col(v6, F.power)).toEqual([200, 201, 202, 203, 204, 205]);
    expect(col(v6, F.cycleCadence)).toEqual([170, 171, 172, 173, 174, 175]);
    expect(col(v6, F.resistance)).toEqual([4, 4, 4, 4, 4, 4]);
    const v1 = decodeRecordFile(B.indoorBikeRecordsV1(T0, 8, segs), 7).segments.flatMap((s) => s.records);
    expect(col(v1, F.hr)).toEqual([120, 121, 122, 123, 124, 125]);
    expect(col(v1, F.calories)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('proto 8 v5 and v2 (free training)', () => {
    const v5 = decodeRecordFile(B.freeTrainingRecordsV5(8, T0, 8, segs), 8).segments.flatMap((s) => s.records);
    expect(col(v5, F.hr)).toEqual([120, 121, 122, 123, 124, 125]);
    expect(col(v5, F.stress)).toEqual([20, 21, 22, 23, 24, 25]);
    expect(col(v5, F.spo2)).toEqual([95, 95, 95, 95, 95, 95]);
    const v2 = decodeRecordFile(B.freeTrainingRecordsV2(12, T0, 8, segs), 12).segments.flatMap((s) => s.records);
    expect(col(v2, F.hr)).toEqual([120, 121, 122, 123, 124, 125]);
  });

  it('proto 9 v3 (pool swim): one record per length, rests carry only the common fields', () => {
    const lengths: B.SwimLength[] = [
      { type: 0, end: T0 + 30, meters: 25, strokes: 14, kcal: 3 },
      { type: 0, end: T0 + 61, meters: 25, strokes: 15, kcal: 3 },
      { type: 1, end: T0 + 90, meters: 0, strokes: 0, kcal: 0 },
      { type: 0, end: T0 + 122, meters: 25, strokes: 16, kcal: 4 },
    ];
    const d = decodeRecordFile(B.swimRecordsV3(9, T0, 8, [{ start: T0, lengths }]), 9);
    const recs = d.segments[0]!.records;
    expect(col(recs, F.swimType)).toEqual([0, 0, 1, 0]);
    expect(col(recs, F.endTime)).toEqual([T0 + 30, T0 + 61, T0 + 90, T0 + 122]);
    expect(col(recs, F.strokeCount)).toEqual([14, 15, undefined, 16]);
    expect(col(recs, F.distance)).toEqual([25, 25, undefined, 25]);
    expect(d.problems).toEqual([]);
  });

  it('a truncated file decodes what it holds and says what is missing; unknown families are refused', () => {
    const full = B.indoorRunRecordsV2(T0, 8, segs);
    const d = decodeRecordFile(full.subarray(0, full.length - 2), 3);
    expect(d.problems.join(' ')).toMatch(/announces 2 records; the file ends after 1/);
    expect(() => decodeRecordFile(full, 99)).toThrow(FdsFormatError);
    expect(() => decodeRecordFile(B.stepRecordsV8(T0, 8, segs), 22).segments).not.toThrow();
  });
});

describe('GPS files (fileType 2)', () => {
  const fixes: B.GpsFix[] = [
    { time: T0 + 1, lat: 52.520008, lon: 13.404954, altitude: 34.5, speed: 3.2 },
    { time: T0 + 3, lat: 52.52003, lon: 13.40501, altitude: 35, speed: 3.4 },
  ];
  it('v4: count, position (f32), altitude, speed from the high 12 bits', () => {
    const d = decodeGpsFile(B.gpsFileV4(T0, 8, 22, fixes));
    expect(d.points.map((p) => p.time)).toEqual([T0 + 1, T0 + 3]);
    expect(d.points[0]!.lat).toBeCloseTo(52.520008, 5);
    expect(d.points[0]!.lon).toBeCloseTo(13.404954, 5);
    expect(d.points.map((p) => p.altitude)).toEqual([34.5, 35]);
    expect(d.points.map((p) => p.speed)).toEqual([3.2, 3.4]);
    expect(d.problems).toEqual([]);
  });
  it('v1: time and position only, no count', () => {
    const d = decodeGpsFile(B.gpsFileV1(T0, 8, 1, fixes));
    expect(d.points).toHaveLength(2);
    expect(d.points[1]).not.toHaveProperty('altitude');
    expect(d.points[1]!.lat).toBeCloseTo(52.52003, 5);
  });
});
