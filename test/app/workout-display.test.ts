// The workout page's header and splits, checked against workouts whose
// numbers are known by construction (test/server/workouts.ts): a 10 km run in
// 50 min is 5:00 /km, 30 km in an hour is 30.0 km/h, 1000 m of pool in 1200 s
// is 2:00 /100 m, 84 strides/min is 168 steps/min.
import { describe, expect, it } from 'vitest';
import { headerStats, splitTable, workoutTitle } from '../../src/app/workout-display.js';
import { chartData, robustRange } from '../../src/app/workout-charts.js';
import { workoutProblem, codesExplaining } from '../../src/app/workout-problem.js';
import { FAILURES } from '../../src/sync/failures.js';
import { poolSwim, steady, strength } from '../server/workouts.js';

const stats = (w: Parameters<typeof headerStats>[0]) =>
  Object.fromEntries(headerStats(w).map((s) => [s.label, `${s.value}${s.unit ? ` ${s.unit}` : ''}`]));

const START = '2026-06-14T05:30:00.000Z';

describe('workout header', () => {
  it('a run: km, moving time, pace per km, steps per minute, heart rate, calories', () => {
    const run = steady({
      sport: 'running',
      sourceId: 'r',
      startTime: START,
      seconds: 3000,
      meters: 10_000,
      cadence: 84,
      gps: true,
      lapMeters: 1000,
    });
    expect(stats(run)).toEqual({
      Distance: '10.00 km',
      'Moving time': '50:00',
      'Avg pace': '5:00 /km',
      'Elevation gain': '0 m',
      'Avg heart rate': '150 bpm',
      'Max heart rate': '160 bpm',
      Cadence: '168 spm',
      Calories: '500 kcal',
    });
  });

  it('a ride: speed in km/h and cadence in rpm', () => {
    const ride = steady({
      sport: 'cycling',
      sourceId: 'b',
      startTime: START,
      seconds: 3600,
      meters: 30_000,
      cadence: 85,
      gps: true,
    });
    const s = stats(ride);
    expect(s['Avg speed']).toBe('30.0 km/h');
    expect(s.Cadence).toBe('85 rpm');
    expect(s.Distance).toBe('30.00 km');
    expect(s['Avg pace']).toBeUndefined();
  });

  it('a treadmill run: pace per km, no elevation', () => {
    const tm = steady({
      sport: 'treadmill',
      sourceId: 't',
      startTime: START,
      seconds: 1800,
      meters: 5000,
      cadence: 80,
      indoor: true,
    });
    const s = stats(tm);
    expect(s['Avg pace']).toBe('6:00 /km');
    expect(s.Cadence).toBe('160 spm');
    expect(s['Elevation gain']).toBeUndefined();
  });

  it('a strength session: time, heart rate and calories, no distance or pace', () => {
    const s = stats(strength(1, START));
    expect(Object.keys(s)).toEqual(['Time', 'Avg heart rate', 'Max heart rate', 'Calories']);
    expect(s.Time).toBe('30:00');
    expect(s.Calories).toBe('180 kcal');
  });

  it('a pool swim: lengths, metres, pace per 100 m and SWOLF', () => {
    const s = stats(poolSwim('p', START));
    expect(s).toMatchObject({
      Lengths: '40 × 25 m',
      Distance: '1,000 m',
      'Moving time': '20:00',
      'Avg pace': '2:00 /100 m',
      'Avg SWOLF': '45',
    });
  });
});

describe('splits', () => {
  it('lists the laps the band recorded, one row per lap with its distance, time and pace', () => {
    const run = steady({
      sport: 'running',
      sourceId: 'r',
      startTime: START,
      seconds: 3000,
      meters: 10_000,
      lapMeters: 1000,
    });
    const t = splitTable(run)!;
    expect(t.title).toBe('Laps');
    expect(t.rows).toHaveLength(run.laps.length);
    for (const r of t.rows) {
      expect(r.distance).toEqual({ value: '1.00', unit: 'km' });
      expect(r.time).toBe('5:00');
      expect(r.pace).toMatchObject({ value: '5:00', unit: '/km' });
      expect(r.avgHeartRate).toBe(150);
    }
  });

  it('splits per km when no laps were recorded, and lists pool lengths', () => {
    const run = steady({ sport: 'running', sourceId: 'r', startTime: START, seconds: 1500, meters: 4500 });
    const t = splitTable(run)!;
    expect(t.title).toBe('Splits');
    expect(t.rows.map((r) => r.distance?.value)).toEqual(['1.00', '1.00', '1.00', '1.00', '0.50']);
    expect(t.rows.map((r) => r.time)).toEqual(['5:33', '5:33', '5:33', '5:33', '2:47']);
    const pool = splitTable(poolSwim('p', START))!;
    expect(pool.title).toBe('Lengths');
    expect(pool.rows).toHaveLength(40);
    expect(pool.rows[0]).toMatchObject({
      time: '0:30',
      swolf: 45,
      strokes: 15,
      pace: { value: '2:00', unit: '/100 m' },
    });
  });
});

describe('titles, problems and charts', () => {
  it('names a workout from the source, else by the part of the day at its place', () => {
    expect(workoutTitle({ name: 'Parkrun', sport: 'running', startTime: START, utcOffsetSeconds: 7200 })).toBe(
      'Parkrun',
    );
    // 05:30 UTC is 07:30 at UTC+2: a morning run there, a night run in UTC−8.
    expect(workoutTitle({ sport: 'running', startTime: START, utcOffsetSeconds: 7200 })).toBe('Morning Run');
    expect(workoutTitle({ sport: 'running', startTime: START, utcOffsetSeconds: -8 * 3600 })).toBe('Night Run');
  });

  it('gives each problem its reason and the action that fixes it', () => {
    expect(workoutProblem({ state: 'synced', code: null, lastError: null })).toBeNull();
    expect(workoutProblem({ state: 'failed', code: 'strava_upload_rejected', lastError: 'no points' })).toEqual({
      reason: FAILURES.strava_upload_rejected.explain,
      detail: 'no points',
      actions: ['retry'],
    });
    expect(workoutProblem({ state: 'needs_user', code: 'zepp_token_expired', lastError: null })?.actions).toEqual([
      'reconnect',
    ]);
    expect(workoutProblem({ state: 'skipped', code: 'user', lastError: null })?.actions).toEqual(['unskip']);
    expect(codesExplaining('login has expired', Object.keys(FAILURES))).toEqual(['zepp_token_expired']);
  });

  it('clips a standing-start pace spike out of the pace axis and inverts it', () => {
    const run = steady({ sport: 'running', sourceId: 'r', startTime: START, seconds: 600, meters: 2000, gps: true });
    // A start spike: the first 5 s at 0.72 m/s (23:09 /km); the rest at 3.33 m/s (5:00 /km).
    const speed = run.samples.speed!.map((v, i) => (i < 5 ? 0.72 : v));
    const pace = chartData({ ...run, samples: { ...run.samples, speed } }).series.find((s) => s.key === 'pace')!;
    expect(pace.invert).toBe(true);
    expect(pace.values[0]).toBeCloseTo(1000 / 0.72, 5);
    expect(pace.range![0]).toBeGreaterThan(280);
    expect(pace.range![1]).toBeLessThan(330);
    expect(robustRange([1, 2, 3, null, 100])).not.toBeNull();
  });
});
