// The series decoders on small hand-written payloads (grammar of notes §1.5),
// plus the barometric altitude of the real 2018 walk.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeZeppWorkout } from '../../src/sources/zepp-cloud/index.js';
import {
  decodeGps,
  decodeLaps,
  decodePauses,
  decodeSplits,
  decodeTimed,
  type SeriesProblem,
} from '../../src/sources/zepp-cloud/series.js';

describe('decodeTimed', () => {
  it('empty time delta = 1 s, "0" = same second; cumulative values add up from 0', () => {
    const s = decodeTimed('heart_rate', '11,82;,7;0,1;2,-3;', [true]);
    expect(s.t).toEqual([11, 12, 12, 14]);
    expect(s.columns[0]).toEqual([82, 89, 90, 87]);
  });

  it('absolute columns stay absolute (speed, stride, cadence) while steps accumulate', () => {
    const s = decodeTimed('gait', '1,3,0,0;1,2,53,168;2,4,52,170', [true, false, false]);
    expect(s.t).toEqual([1, 2, 4]);
    expect(s.columns).toEqual([
      [3, 5, 9],
      [0, 53, 52],
      [0, 168, 170],
    ]);
  });

  it('power_meter: time delta + watts', () => {
    const s = decodeTimed('power_meter', '1,210;1,230;3,0;', [false]);
    expect(s.t).toEqual([1, 2, 5]);
    expect(s.columns[0]).toEqual([210, 230, 0]);
  });

  it('a non-numeric entry throws with the series and entry index', () => {
    expect(() => decodeTimed('speed', '1,2.5;1,abc;', [false])).toThrow(/speed entry 1/);
    expect(() => decodeTimed('speed', '-1,2.5;', [false])).toThrow(/time delta/);
  });
});

describe('decodeGps', () => {
  it('latitude first, ×1e8, cumulative; -2000000 altitude is missing', () => {
    const problems: SeriesProblem[] = [];
    const g = decodeGps(
      { time: '0;2;3', longitude_latitude: '5061465833,324206500;-333,2833;100,-100', altitude: '-2000000;2700;2750' },
      problems,
    );
    expect(g.t).toEqual([0, 2, 5]);
    expect(g.lat).toEqual([50.61465833, 50.614655, 50.614656]);
    expect(g.lon[1]).toBeCloseTo(3.24209333, 8);
    expect(g.altitude).toEqual([null, 27, 27.5]);
    expect(problems).toEqual([]);
  });

  it('an empty position entry is a point without a fix that keeps its place against time (later points stay aligned)', () => {
    const g = decodeGps(
      { time: '0;2;2;2;', longitude_latitude: '100000000,200000000;;100000000,100000000;1,1;', altitude: '' },
      [],
    );
    expect(g.t).toEqual([0, 2, 4, 6]);
    expect(g.lat).toEqual([1, null, 2, 2.00000001]);
    expect(g.lon).toEqual([2, null, 3, 3.00000001]);
  });

  it('reports a time/position length mismatch instead of misaligning silently', () => {
    const problems: SeriesProblem[] = [];
    const g = decodeGps({ time: '0;1', longitude_latitude: '100,100;1,1;1,1', altitude: '' }, problems);
    expect(g.t).toHaveLength(2);
    expect(problems.map((p) => p.series)).toEqual(['time']);
  });
});

describe('events', () => {
  it('pauses: absolute start → offset, duration, type', () => {
    expect(decodePauses('1542559682,6,-1,-1,3;1654683846,2,-1,-1,1;', 1542558074)[0]).toEqual({
      startOffset: 1608,
      durationSeconds: 6,
      type: 3,
    });
  });

  it('laps: index, duration (1) and end (5), raw fields kept', () => {
    const laps = decodeLaps(
      '0,319,236,s00000000000,0,319,-20000,138,0,1.351695,0.09,0,25,138,-29651,73,25,-1,0,236,0;',
    );
    expect(laps[0]).toMatchObject({ index: 0, durationSeconds: 319, endOffset: 319 });
    expect(laps[0]!.raw).toHaveLength(21);
  });

  it('kilo_pace splits', () => {
    expect(decodeSplits('0,724,esupmtnmpcj4,359,116,725')[0]).toEqual({
      index: 0,
      seconds: 724,
      geohash: 'esupmtnmpcj4',
      cumulativeSeconds: 725,
    });
  });
});

describe('barometric altitude', () => {
  it('without GPS altitude, the real walk gets its altitude from air pressure (ISA: 99925 Pa → 117.21 m, 100616 Pa → 59.20 m)', () => {
    const dir = path.resolve(import.meta.dirname, '../fixtures/zepp');
    const summary = JSON.parse(readFileSync(path.join(dir, 'walk_1542558074_summary.json'), 'utf8')) as unknown;
    const detail = JSON.parse(readFileSync(path.join(dir, 'walk_1542558074_detail.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const r = decodeZeppWorkout({ summary, detail: { ...detail, altitude: '' } });
    if (!r.ok) throw new Error(r.error);
    const alt = r.workout.samples.altitude!.filter((v): v is number => v !== null);
    expect(alt[0]).toBeCloseTo(117.21, 1);
    expect(alt.at(-1)).toBeCloseTo(59.2, 1);
    // The GPS altitude of the same walk starts at 113.45 m: the two sensors agree within a few metres.
    expect(Math.abs(alt[0]! - 113.45)).toBeLessThan(5);
  });
});
