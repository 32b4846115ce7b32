// The simulator's payloads must have exactly the real samples' structure:
// the same keys in the same order with the same JSON types, and every series
// in the same encoding (checked per series with the real entry grammar).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeDetail,
  encodeSummary,
  generateWorkout,
  planHistory,
  SHAPES,
  type ShapeKind,
} from '../../src/simulators/zepp-cloud/index.js';

const dir = path.resolve(import.meta.dirname, '../fixtures/zepp');
const real = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
const realSummary = real('run_1698569116_summary.json');
const realDetail = real('run_1698569116_detail.json');

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

// Entry grammars of each non-empty series, as seen in the real payloads.
const INT = '-?\\d+';
const FLOAT = '-?\\d+(\\.\\d+)?(E-?\\d+)?';
const GRAMMAR: Record<string, RegExp> = {
  time: new RegExp(`^${INT}$`),
  longitude_latitude: new RegExp(`^${INT},${INT}$`),
  altitude: new RegExp(`^${INT}$`),
  flag: new RegExp(`^${INT}$`),
  pace: new RegExp(`^${FLOAT}$`),
  heart_rate: new RegExp(`^\\d*,${INT}$`),
  gait: new RegExp(`^\\d+,${INT},${INT},${INT}$`),
  speed: new RegExp(`^\\d+,${FLOAT}$`),
  distance: new RegExp(`^\\d+,${INT}$`),
  stroke_speed: new RegExp(`^\\d+,${FLOAT}$`),
  air_pressure_altitude: new RegExp(`^\\d+,${INT}$`),
  pause: new RegExp(`^\\d{10},\\d+,-?\\d+,-?\\d+,[123]$`),
  kilo_pace: new RegExp(`^\\d+,\\d+,[0-9a-z]{12},${INT},${INT},\\d+$`),
  lap: /^([^,;]+,){20}[^,;]+$/,
};

function checkSeries(detail: Record<string, unknown>): void {
  for (const [key, grammar] of Object.entries(GRAMMAR)) {
    const text = detail[key] as string;
    if (text === '') continue;
    // A trailing ';' is usual but not universal (the 2018 walk's `time` has none).
    const bad = text.split(';').filter((e) => e !== '' && !grammar.test(e));
    expect(bad.slice(0, 3), key).toEqual([]);
  }
}

describe('the real samples obey the grammar this test uses', () => {
  it.each(['run_1698569116', 'swimming_1654683111', 'walk_1542558074'])('%s', (name) => {
    checkSeries(real(`${name}_detail.json`));
  });
});

describe('simulator payloads have the real structure', () => {
  const plans = planHistory(3, 60, new Date('2026-06-01T00:00:00Z'), 1);
  const kinds = Object.keys(SHAPES) as ShapeKind[];

  it.each(kinds)('%s', (kind) => {
    const plan = plans.find((p) => p.kind === kind) ?? { ...plans[0]!, kind };
    const w = generateWorkout(plan);
    const summary = encodeSummary(w);
    const detail = encodeDetail(w);
    expect(Object.keys(summary)).toEqual(Object.keys(realSummary));
    for (const key of Object.keys(realSummary))
      expect(typeOf(summary[key]), `summary.${key}`).toBe(typeOf(realSummary[key]));
    expect(Object.keys(detail)).toEqual(Object.keys(realDetail));
    for (const key of Object.keys(realDetail))
      expect(typeOf(detail[key]), `detail.${key}`).toBe(typeOf(realDetail[key]));
    checkSeries(detail);

    // GPS-indexed arrays have one entry per point, like the real run (1517 each).
    const count = (k: string) => (detail[k] as string).split(';').filter((e) => e !== '').length;
    if (SHAPES[kind].gps) {
      const n = count('longitude_latitude');
      expect(n).toBeGreaterThan(100);
      for (const k of ['time', 'altitude', 'flag', 'pace']) expect(count(k), k).toBe(n);
    } else {
      for (const k of ['time', 'longitude_latitude', 'altitude']) expect(count(k), k).toBe(0);
    }
    // Self-timed series add up to the elapsed time, as in the real run (3157 each).
    const elapsed = Number(summary['end_time']) - Number(summary['trackid']);
    for (const k of ['heart_rate', 'gait', 'speed', 'distance', 'stroke_speed']) {
      const rows = (detail[k] as string).split(';').filter((e) => e !== '');
      if (rows.length === 0) continue;
      expect(
        rows.reduce((s, r) => s + Number(r.split(',')[0] || 1), 0),
        k,
      ).toBe(elapsed);
    }
    // Summary totals agree with the series, like the real run (dis 9960 = Σ distance).
    const dist = (detail['distance'] as string)
      .split(';')
      .filter((e) => e !== '')
      .reduce((s, r) => s + Number(r.split(',')[1]), 0);
    expect(Number(summary['dis'])).toBe(dist);
  });
});

describe('generated history', () => {
  const now = new Date('2026-11-01T00:00:00Z');

  it('default: 250 workouts over 2 years, unique increasing starts, every shape present, all ended before now', () => {
    const plans = planHistory(42, 250, now, 2);
    expect(plans).toHaveLength(250);
    const ids = plans.map((p) => p.trackId);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    const spanDays = (ids.at(-1)! - ids[0]!) / 86400;
    expect(spanDays).toBeGreaterThan(700);
    expect(spanDays).toBeLessThan(731);
    expect(new Set(plans.map((p) => p.kind))).toEqual(new Set(Object.keys(SHAPES)));
    expect(ids.at(-1)!).toBeLessThan(now.getTime() / 1000 - 4 * 3600);
  });

  it('is deterministic from the seed and differs between seeds', () => {
    expect(planHistory(7, 30, now, 1)).toEqual(planHistory(7, 30, now, 1));
    expect(planHistory(8, 30, now, 1)).not.toEqual(planHistory(7, 30, now, 1));
    expect(generateWorkout(planHistory(7, 3, now, 1)[1]!)).toEqual(generateWorkout(planHistory(7, 3, now, 1)[1]!));
  });

  it('dense histories still have unique starts (2000 workouts in a month)', () => {
    const ids = planHistory(3, 2000, now, 1 / 12).map((p) => p.trackId);
    expect(new Set(ids).size).toBe(2000);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
  });

  it('values are plausible: run pace 4–7 min/km, HR 45–200, ride faster than run', () => {
    const plans = planHistory(42, 120, now, 2);
    for (const kind of ['run', 'ride'] as const) {
      const w = generateWorkout(plans.find((p) => p.kind === kind)!);
      const timer = w.elapsed - w.pauses.reduce((s, p) => s + p.duration, 0);
      const speed = (w.distance[w.elapsed] ?? 0) / timer;
      if (kind === 'run') {
        expect(1000 / speed / 60).toBeGreaterThan(4);
        expect(1000 / speed / 60).toBeLessThan(7);
      } else expect(speed).toBeGreaterThan(4.5);
      expect(Math.min(...w.hr)).toBeGreaterThanOrEqual(45);
      expect(Math.max(...w.hr)).toBeLessThanOrEqual(200);
    }
  });
});
