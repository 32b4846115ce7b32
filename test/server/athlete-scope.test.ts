// scopeOf: whose pages a dashboard session sees, and whether it may show that
// athlete's Strava data (Strava's API agreement: to that athlete only).
import { describe, expect, it } from 'vitest';
import { scopeOf } from '../../src/server/athlete-scope.js';

const ann = { id: 'a', name: 'ann' };
const bob = { id: 'b', name: 'bob' };

describe('scopeOf', () => {
  it('gives the only athlete, with their Strava data and no switcher', () => {
    expect(scopeOf({}, [ann], null)).toEqual({ athleteId: 'a', showStravaData: true, canSwitch: false });
    expect(scopeOf({}, [], null)).toEqual({ athleteId: null, showStravaData: true, canSwitch: false });
  });

  it("gives the administrator their own athlete (the first unless set), and another's without Strava data", () => {
    expect(scopeOf({}, [ann, bob], null)).toEqual({ athleteId: 'a', showStravaData: true, canSwitch: true });
    expect(scopeOf({}, [ann, bob], 'b')).toEqual({ athleteId: 'b', showStravaData: true, canSwitch: true });
    expect(scopeOf({ viewAthleteId: 'b' }, [ann, bob], null)).toEqual({
      athleteId: 'b',
      showStravaData: false,
      canSwitch: true,
    });
    // A chosen athlete removed since: back to the administrator's own.
    expect(scopeOf({ viewAthleteId: 'gone' }, [ann, bob], 'b')).toMatchObject({ athleteId: 'b', showStravaData: true });
  });

  it("keeps an athlete's own session on that athlete, with their Strava data, whatever it asks to view", () => {
    expect(scopeOf({ athleteId: 'b', viewAthleteId: 'a' }, [ann, bob], 'a')).toEqual({
      athleteId: 'b',
      showStravaData: true,
      canSwitch: false,
    });
  });
});
