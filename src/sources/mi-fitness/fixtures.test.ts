// The public Mi Fitness fixtures (test/fixtures/mi-fitness, MIT, origins in
// its README) parse to the values they declare.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkout } from './source.js';
import { miSourceId, miToWorkout } from './to-workout.js';
import { summarySchema } from './schema.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/mi-fitness/${name}`, import.meta.url), 'utf8'));

describe('public fixtures', () => {
  it("better-mi-fitness-sync's outdoor run (proto 22 v9, UTC+7) maps to its declared values", () => {
    const { envelope, summary } = parseWorkout(fixture('better-mi-fitness-sync_sport_record_envelope.json'), 'B');
    expect(summary).toMatchObject({
      start_time: 1784453950,
      end_time: 1784457222,
      duration: 3272,
      proto_type: 22,
      version: 9,
    });
    const { workout, issues } = miToWorkout(envelope, summary, { missing: ['not downloaded in this test'] });
    expect(workout).toMatchObject({
      sport: 'running',
      rawSport: 'outdoor_running',
      startTime: '2026-07-19T09:39:10Z',
      elapsedSeconds: 3272,
      utcOffsetSeconds: 28 * 900,
      totals: {
        distanceMeters: 5210,
        calories: 1000,
        avgHeartRate: 150,
        maxHeartRate: 178,
        steps: 8261,
        avgCadence: 66.5,
      },
    });
    expect(new Date(1784453950 * 1000).toISOString()).toBe('2026-07-19T09:39:10.000Z');
    expect(issues.map((i) => i.code)).toEqual(['mi_fitness_detail_missing']);
    // The bare value file is the same summary.
    expect(summarySchema.parse(fixture('better-mi-fitness-sync_sport_record_value_v9.json'))).toEqual(summary);
  });

  it("Mi-Fitness-Sync's envelope: unknown key and category fall back to sport_type 1, named, id sid:key:time", () => {
    const { envelope, summary } = parseWorkout(fixture('mi-fitness-sync_sport_record_envelope.json'), 'K');
    const { workout, issues } = miToWorkout(envelope, summary, {});
    expect(miSourceId(envelope)).toBe('sid-1:key-1:1717200000');
    expect(workout).toMatchObject({
      sport: 'running',
      rawSport: '1',
      name: 'Morning Run',
      startTime: '2024-06-01T00:00:00Z',
      elapsedSeconds: 3600,
      totals: { distanceMeters: 10000, calories: 700, steps: 12000 },
    });
    expect(issues).toEqual([]);
  });
});
