// Sport mapping: the envelope key first, then the category, then sport_type
// (where Gadgetbridge and the decompiled constants disagree for 1–5/15, the
// key decides); an unknown code falls back to a generic workout, reported.
import { describe, expect, it } from 'vitest';
import { mapMiSport } from './sport.js';
import { miToWorkout } from './to-workout.js';
import { summarySchema, recordEnvelopeSchema } from './schema.js';

describe('Mi Fitness sport mapping', () => {
  it('key, then category, then sport_type', () => {
    expect(mapMiSport('indoor_running', undefined, 1)).toEqual({
      sport: 'treadmill',
      rawSport: 'indoor_running',
      known: true,
    });
    expect(mapMiSport('key-1', 'outdoor_hiking', 1)).toEqual({
      sport: 'hiking',
      rawSport: 'outdoor_hiking',
      known: true,
    });
    expect(mapMiSport('key-1', 'outdoor_run', 3)).toEqual({ sport: 'treadmill', rawSport: '3', known: true });
    expect(mapMiSport('pool_swimming', 'swimming', 9).sport).toBe('pool_swimming');
  });

  it('an unknown code falls back to a generic workout and is reported with its codes', () => {
    const envelope = recordEnvelopeSchema.parse({
      sid: 's',
      key: 'underwater_zumba',
      time: 1,
      category: 'dance_x',
      value: '{}',
    });
    const summary = summarySchema.parse({ start_time: 1700000000, end_time: 1700001800, sport_type: 4242 });
    const { workout, issues } = miToWorkout(envelope, summary, {});
    expect(workout).toMatchObject({ sport: 'other', rawSport: 'underwater_zumba', elapsedSeconds: 1800 });
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'sport_unknown',
        detail: expect.stringMatching(/underwater_zumba.*dance_x.*4242/),
      }),
    ]);
  });
});
