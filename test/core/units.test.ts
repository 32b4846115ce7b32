// Sport-correct units (issue 13 §5) against values worked out by hand: the
// band's 156 steps/min is stored as FIT's 78 strides/min; a 1000 m pool swim
// in 18:40 is 1:52 per 100 m; 36 km in an hour is 36.0 km/h.
import { describe, expect, it } from 'vitest';
import {
  displayCadence,
  displayDistance,
  displaySpeed,
  formatCadence,
  formatDistance,
  formatSpeed,
  sportUnits,
  storedCadence,
} from '../../src/core/index.js';

describe('sport-correct units', () => {
  it('running and walking cadence is steps per minute: 78 stored strides/min show as 156 spm', () => {
    for (const sport of ['running', 'treadmill', 'trail_running', 'walking', 'indoor_walking', 'hiking'] as const) {
      expect(displayCadence(sport, 78)).toBe(156);
      expect(storedCadence(sport, 156)).toBe(78);
      expect(formatCadence(sport, 78)).toBe('156 spm');
    }
  });
  it('rides keep rpm, swims and rows strokes per minute (no doubling)', () => {
    expect(formatCadence('cycling', 88)).toBe('88 rpm');
    expect(formatCadence('indoor_cycling', 90)).toBe('90 rpm');
    expect(formatCadence('pool_swimming', 32)).toBe('32 strokes/min');
    expect(formatCadence('indoor_rowing', 26)).toBe('26 strokes/min');
    expect(storedCadence('cycling', 88)).toBe(88);
  });
  it('pool swims: metres and pace per 100 m (1000 m in 1120 s = 1:52 /100m)', () => {
    expect(sportUnits('pool_swimming')).toEqual({ distance: 'm', speed: 'min/100m', cadence: 'strokes/min' });
    expect(displayDistance('pool_swimming', 1000)).toBe(1000);
    expect(formatDistance('pool_swimming', 1000)).toBe('1000 m');
    expect(displaySpeed('pool_swimming', 1000 / 1120)).toBeCloseTo(112, 9);
    expect(formatSpeed('pool_swimming', 1000 / 1120)).toBe('1:52 /100m');
  });
  it('runs: km and pace per km (10 km in 50:00 = 5:00 /km); walks the same', () => {
    expect(formatDistance('running', 10_000)).toBe('10.00 km');
    expect(formatSpeed('running', 10_000 / 3000)).toBe('5:00 /km');
    expect(formatSpeed('walking', 3571 / 2846)).toBe('13:17 /km');
    expect(displayDistance('walking', 3571)).toBeCloseTo(3.571, 9);
  });
  it('rides: km/h (36 km in an hour = 36.0 km/h)', () => {
    expect(displaySpeed('cycling', 10)).toBeCloseTo(36, 9);
    expect(formatSpeed('cycling', 10)).toBe('36.0 km/h');
    expect(formatDistance('mountain_biking', 41_339.38)).toBe('41.34 km');
  });
  it('rows: pace per 500 m (2000 m in 8:00 = 2:00 /500m)', () => {
    expect(formatSpeed('indoor_rowing', 2000 / 480)).toBe('2:00 /500m');
  });
  it('a standstill has no pace, missing values show as a dash', () => {
    expect(displaySpeed('running', 0)).toBeNull();
    expect(formatSpeed('running', null)).toBe('—');
    expect(formatCadence('running', undefined)).toBe('—');
    expect(formatDistance('running', Number.NaN)).toBe('—');
    expect(displaySpeed('cycling', 0)).toBe(0);
  });
  it('past an hour a pace shows hours (a very slow 100 m)', () => {
    expect(formatSpeed('pool_swimming', 100 / 3723)).toBe('1:02:03 /100m');
  });
});
