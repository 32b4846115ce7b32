// The Zepp decoder on every real payload (test/fixtures/zepp, Apache-2.0).
//
// Expected values were obtained independently of our TypeScript code:
//  (a) a 30-line Python script that hand-decodes the delta format exactly as
//      notes/zepp-sources.md §1.5 describes it (split on ';', drop empty
//      entries, cumulative sums of `time`, `longitude_latitude` /1e8 latitude
//      first, cumulative `heart_rate` with "" → 1 s, sums of `distance` and
//      gait step deltas, pause start − trackid), run on 2026-11-25; and
//  (b) the summaries' own totals where the band computed them (dis, total_step,
//      min/max_heart_rate, run_time, end_time − trackid), which the public
//      decoders also use (H3llK33p3r FitConverter).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSeries, decodeZeppWorkout, detailSchema } from '../../src/sources/zepp-cloud/index.js';

const dir = path.resolve(import.meta.dirname, '../fixtures/zepp');
const load = (name: string) => ({
  summary: JSON.parse(readFileSync(path.join(dir, `${name}_summary.json`), 'utf8')) as unknown,
  detail: JSON.parse(readFileSync(path.join(dir, `${name}_detail.json`), 'utf8')) as unknown,
});
const decode = (name: string) => {
  const r = decodeZeppWorkout(load(name));
  if (!r.ok) throw new Error(r.error);
  return r;
};
const values = (a: readonly (number | null)[] | undefined): number[] =>
  (a ?? []).filter((v): v is number => v !== null);

describe('real run 1698569116 (Zepp Life, Mi Band, 2023)', () => {
  const { workout: w, issues } = decode('run_1698569116');
  const raw = decodeSeries(detailSchema.parse(load('run_1698569116').detail));

  it('decodes every GPS point with latitude first and ×1e8 deltas (script: 1517 points, t 0…3154)', () => {
    expect(raw.gps.t).toHaveLength(1517);
    expect(raw.gps.t[0]).toBe(0);
    expect(raw.gps.t.at(-1)).toBe(3154);
    expect(raw.gps.lat[0]).toBeCloseTo(50.61465833, 8);
    expect(raw.gps.lon[0]).toBeCloseTo(3.242065, 8);
    expect(raw.gps.lat.at(-1)).toBeCloseTo(50.61308634, 8);
    expect(raw.gps.lon.at(-1)).toBeCloseTo(3.24034785, 8);
    // Two points share t=0 (time starts "0;0;"): 1516 distinct seconds carry a position.
    expect(values(w.samples.lat)).toHaveLength(1516);
  });

  it('treats -2000000 as missing altitude (script: 9 leading, then 27…43 m)', () => {
    expect(raw.gps.altitude.filter((a) => a === null)).toHaveLength(9);
    expect(Math.min(...values(raw.gps.altitude))).toBe(27);
    expect(Math.max(...values(raw.gps.altitude))).toBe(43);
  });

  it('heart rate: 3105 cumulative entries from t=1 to t=3157, 81…184 bpm (= summary min/max)', () => {
    expect(raw.heartRate.t).toHaveLength(3105);
    expect(raw.heartRate.t[0]).toBe(1);
    expect(raw.heartRate.t.at(-1)).toBe(3157);
    expect(Math.min(...values(w.samples.heartRate))).toBe(81);
    expect(Math.max(...values(w.samples.heartRate))).toBe(184);
  });

  it('distance deltas sum to the summary dis (9960 m) and steps to total_step (8996)', () => {
    expect(values(w.samples.distance).at(-1)).toBe(9960);
    expect(raw.gait.columns[0]!.at(-1)).toBe(8996);
    expect(w.totals.distanceMeters).toBe(9960);
    expect(w.totals.steps).toBe(8996);
  });

  it('start, elapsed, no pauses, km splits as laps, device and sport', () => {
    expect(w.startTime).toBe('2023-10-29T08:45:16Z'); // trackid 1698569116
    expect(w.elapsedSeconds).toBe(3157); // end_time − trackid
    expect(w.pauses).toEqual([]);
    expect(w.sport).toBe('running');
    expect(w.rawSport).toBe('1');
    expect(w.device.manufacturer).toBe(339);
    expect(w.device.product).toBe(411); // source run.411.huami.com
    // kilo_pace has 10 complete km (first: 327 s, second 322 s) + the last 0.96 km to the end.
    expect(w.laps.slice(0, 2).map((l) => [l.startOffset, l.elapsedSeconds])).toEqual([
      [0, 327],
      [327, 322],
    ]);
    expect(w.laps.at(-1)!.startOffset + w.laps.at(-1)!.elapsedSeconds).toBe(3157);
    // The km splits leave 1 s between some laps (327 + 322 = 649, the next starts at 650): the
    // distance run in those seconds is shared out so the laps add up to the band's 9960 m.
    expect(issues.map((i) => i.code)).toEqual(['lap_distances_rescaled']);
    expect(w.laps.reduce((a, l) => a + l.distanceMeters!, 0)).toBeCloseTo(9960, 6);
  });

  it('every sample time is unique and increasing', () => {
    const t = w.samples.t;
    expect(t.filter((v, i) => i > 0 && v <= t[i - 1]!)).toEqual([]);
  });
});

describe('real pool swim 1654683111 (2022)', () => {
  const { workout: w, issues } = decode('swimming_1654683111');

  it('keeps the three type-1 pauses (ZeppBridge drops them): 735+2, 781+5, 1345+4', () => {
    expect(w.pauses.map((p) => [p.startOffset, p.endOffset - p.startOffset])).toEqual([
      [735, 2],
      [781, 5],
      [1345, 4],
    ]);
  });

  it('has no GPS and no heart rate (every HR value is 0 = no reading; summary avg 0.0)', () => {
    expect(w.samples.lat).toBeUndefined();
    expect(w.samples.heartRate).toBeUndefined();
    expect(w.indoor).toBe(true);
    expect(w.sport).toBe('pool_swimming');
    expect(w.poolLengthMeters).toBe(25);
  });

  it('laps from the 21-field lap rows: 0+319 s and 328+706 s (end field 5 minus duration field 1)', () => {
    expect(w.laps.slice(0, 2).map((l) => [l.startOffset, l.elapsedSeconds])).toEqual([
      [0, 319],
      [328, 706],
    ]);
  });

  it('recovers pool lengths from the distance series: 39 crossings of 25 m, and the 40th the summary counts (total_trips 40, dis 1000) from the last 23 m', () => {
    const raw = decodeSeries(detailSchema.parse(load('swimming_1654683111').detail));
    expect(raw.distance.columns[0]!.at(-1)).toBe(998);
    expect(w.lengths).toHaveLength(40);
    expect(w.lengths.length * 25).toBe(1000); // the summary's dis
    const last = w.lengths.at(-1)!,
      before = w.lengths.at(-2)!;
    expect(last.startOffset).toBe(before.startOffset + before.elapsedSeconds);
    expect(last.elapsedSeconds).toBeGreaterThan(0);
    // The stream ends at the summary's 1000 m, and the laps (with a 9 s gap between them) add up to it.
    expect(values(w.samples.distance).at(-1)).toBe(1000);
    expect(w.laps.reduce((a, l) => a + l.distanceMeters!, 0)).toBeCloseTo(1000, 6);
    expect(issues.map((i) => i.code)).toEqual([
      'zepp_last_length_inferred',
      'distance_rescaled',
      'lap_distances_rescaled',
    ]);
  });

  it('stroke rate from stroke_speed (strokes/s ×60)', () => {
    expect(Math.max(...values(w.samples.strokeRate))).toBeGreaterThan(10);
  });
});

describe('real walk 1542558074 (Mi Fit, 2018)', () => {
  const { workout: w, issues } = decode('walk_1542558074');
  const raw = decodeSeries(detailSchema.parse(load('walk_1542558074').detail));

  it('GPS: 566 points from t=1 to t=2921; first 28.02128128, -16.63307136', () => {
    expect(raw.gps.t).toHaveLength(566);
    expect(raw.gps.t[0]).toBe(1);
    expect(raw.gps.t.at(-1)).toBe(2921);
    expect(raw.gps.lat[0]).toBeCloseTo(28.02128128, 8);
    expect(raw.gps.lon[0]).toBeCloseTo(-16.63307136, 8);
    expect(raw.gps.lat.at(-1)).toBeCloseTo(28.01925944, 8);
  });

  it('"gaode" provider but outside China: coordinates unchanged by the GCJ-02 correction', () => {
    expect(values(w.samples.lat)[0]).toBeCloseTo(28.02128128, 8);
  });

  it('empty HR time deltas count as 1 s: 1620 entries, t 11…2930, 82…150 bpm', () => {
    expect(raw.heartRate.t).toHaveLength(1620);
    expect(raw.heartRate.t[0]).toBe(11);
    expect(raw.heartRate.t.at(-1)).toBe(2930);
    expect(Math.min(...values(w.samples.heartRate))).toBe(82);
    expect(Math.max(...values(w.samples.heartRate))).toBe(150);
  });

  it('six auto pauses (type 3) and moving time = run_time 2846 = 2961 − 115 paused… as the band counted', () => {
    expect(w.pauses.map((p) => [p.startOffset, p.endOffset - p.startOffset])).toEqual([
      [1608, 6],
      [1636, 2],
      [2226, 47],
      [2812, 22],
      [2895, 12],
      [2935, 24],
    ]);
    expect(w.pauses.every((p) => p.kind === 'auto')).toBe(true);
    expect(w.elapsedSeconds).toBe(2961);
    expect(w.totals.timerSeconds).toBe(2846);
  });

  it('absolute altitude in cm (37.31…113.45 m) and distance deltas sum to 3312 (summary dis 3571 differs)', () => {
    expect(Math.min(...values(raw.gps.altitude))).toBe(37.31);
    expect(Math.max(...values(raw.gps.altitude))).toBe(113.45);
    expect(raw.distance.columns[0]!.at(-1)).toBe(3312);
    expect(w.totals.distanceMeters).toBe(3571);
  });

  it("the band's 3571 m wins: the stream is scaled by 3571/3312 to end there, the laps add up to it, both numbers kept", () => {
    const d = values(w.samples.distance);
    expect(d.at(-1)).toBe(3571);
    const rawD = raw.distance.columns[0]!;
    // A point halfway keeps its share of the way: scaled by the same ratio.
    const mid = Math.floor(rawD.length / 2);
    const at = w.samples.t.indexOf(raw.distance.t[mid]!);
    expect(w.samples.distance![at]).toBeCloseTo((rawD[mid]! * 3571) / 3312, 6);
    expect(w.laps.reduce((a, l) => a + l.distanceMeters!, 0)).toBeCloseTo(3571, 6);
    const rescaled = issues.find((i) => i.code === 'distance_rescaled')!;
    expect(rescaled.detail).toContain('declared 3571 m');
    expect(rescaled.detail).toContain('from stream 3312 m');
    expect(rescaled.detail).toContain('ratio 1.0782');
  });

  it('air pressure: first absolute then deltas (99925 → 100616 Pa over 1414 entries)', () => {
    expect(raw.airPressure.t).toHaveLength(1414);
    expect(raw.airPressure.columns[0]![0]).toBe(99925);
    expect(raw.airPressure.columns[0]!.at(-1)).toBe(100616);
  });

  it('device from bind_device "0:MILI:8"', () => {
    expect(w.device.name).toBe('Mi Band (MILI 8)');
    expect(w.device.product).toBe(8);
  });
});

describe('bad input', () => {
  it('reports a malformed series entry with where it is', () => {
    const { summary, detail } = load('run_1698569116');
    const r = decodeZeppWorkout({ summary, detail: { ...(detail as object), heart_rate: '1,80;x,?;' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/heart_rate entry 1/);
  });

  it('rejects a summary without trackid', () => {
    const { detail } = load('run_1698569116');
    const r = decodeZeppWorkout({ summary: { source: 'x' }, detail });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/trackid/);
  });

  it('accepts the detail wrapped in its {code,message,data} envelope', () => {
    const { summary, detail } = load('run_1698569116');
    const r = decodeZeppWorkout({ summary, detail: { code: 1, message: 'success', data: detail } });
    expect(r.ok).toBe(true);
  });

  it('reports an unknown series once, keeping its raw text in the issue', () => {
    const { summary, detail } = load('run_1698569116');
    const r = decodeZeppWorkout({ summary, detail: { ...(detail as object), skin_temperature: '1,3310;1,2;' } });
    expect(r.ok).toBe(true);
    if (r.ok) {
      const unknown = r.issues.filter((i) => i.code === 'zepp_series_unknown');
      expect(unknown).toHaveLength(1);
      expect(unknown[0]!.path).toBe('detail.skin_temperature');
      expect(unknown[0]!.detail).toContain('1,3310;1,2;');
    }
  });
});
