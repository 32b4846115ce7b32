// Zepp sport codes → our sport and Strava sport_type, and user rules.
// Verified codes come from the real fixtures (run type 1, walk 6, swim 14) and
// the projects listed in notes/zepp-sources.md §1.6.
import { describe, expect, it } from 'vitest';
import { mapZeppSport } from '../../src/sources/zepp-common/index.js';
import { applySportRules, type SportRule } from '../../src/app/sport-rules.js';

describe('mapZeppSport', () => {
  it.each([
    [1, 'running', 'Run'],
    ['6', 'walking', 'Walk'],
    [8, 'treadmill', 'Run'],
    [9, 'cycling', 'Ride'],
    [10, 'indoor_cycling', 'Ride'],
    [14, 'pool_swimming', 'Swim'],
    [23, 'indoor_rowing', 'Rowing'],
    [223, 'other', 'Workout'],
  ] as const)('code %s → %s / %s', (code, sport, type) => {
    expect(mapZeppSport(code)).toMatchObject({ sport, stravaSportType: type, known: true });
  });

  it('unknown codes fall back to a generic Workout and say so', () => {
    expect(mapZeppSport(9999)).toEqual({ sport: 'other', stravaSportType: 'Workout', known: false });
    expect(mapZeppSport('not a code')).toMatchObject({ known: false });
  });

  it('a code whose meaning depends on the watch is decided by the device (17: tennis on Balance 2, hiking elsewhere)', () => {
    expect(mapZeppSport(17, 'Amazfit Balance 2')).toMatchObject({ stravaSportType: 'Tennis' });
    expect(mapZeppSport(17, 'Amazfit GTR 4')).toMatchObject({ sport: 'hiking', stravaSportType: 'Hike' });
    expect(mapZeppSport(17)).toMatchObject({ sport: 'hiking' });
  });
});

describe('applySportRules', () => {
  const rules: SportRule[] = [
    { code: 16, name: 'yoga', sportType: 'Yoga', sport: 'yoga' },
    { code: 1, hasGps: false, sportType: 'VirtualRun' },
    { device: 'band 4', code: 23, skip: true },
    { code: 16, sportType: 'Workout' },
  ];

  it('the first rule whose every condition matches decides', () => {
    expect(applySportRules(rules, { code: 16, hasGps: false, name: 'Morning Yoga' })).toEqual({
      kind: 'set',
      ruleIndex: 0,
      sportType: 'Yoga',
      sport: 'yoga',
    });
    expect(applySportRules(rules, { code: '16', hasGps: false, name: 'Free training' })).toEqual({
      kind: 'set',
      ruleIndex: 3,
      sportType: 'Workout',
    });
    expect(applySportRules(rules, { code: 1, hasGps: false })).toEqual({
      kind: 'set',
      ruleIndex: 1,
      sportType: 'VirtualRun',
    });
  });

  it('has-GPS and device conditions, and skip', () => {
    expect(applySportRules(rules, { code: 1, hasGps: true })).toEqual({ kind: 'none' });
    expect(applySportRules(rules, { code: 23, hasGps: false, device: 'Mi Smart Band 4' })).toEqual({
      kind: 'skip',
      ruleIndex: 2,
    });
    expect(applySportRules(rules, { code: 23, hasGps: false, device: 'Amazfit GTS' })).toEqual({ kind: 'none' });
  });

  it('no rules: nothing applies', () => {
    expect(applySportRules([], { code: 1, hasGps: true })).toEqual({ kind: 'none' });
  });
});
