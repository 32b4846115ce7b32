// Our sports → Strava sport_type: every value must be one the published spec
// accepts (checked against the SportType enum of Strava's OpenAPI document).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sport } from '../../src/core/index.js';
import { isStravaSportType, STRAVA_SPORT_TYPES, toStravaSport } from '../../src/strava/index.js';

const SPORTS: Sport[] = [
  'running',
  'treadmill',
  'trail_running',
  'walking',
  'indoor_walking',
  'hiking',
  'cycling',
  'indoor_cycling',
  'mountain_biking',
  'pool_swimming',
  'open_water_swimming',
  'elliptical',
  'rowing',
  'indoor_rowing',
  'strength',
  'yoga',
  'hiit',
  'jump_rope',
  'climbing',
  'skiing',
  'snowboarding',
  'skating',
  'dance',
  'other',
];
const spec = path.resolve(import.meta.dirname, '../../../shared/samples/strava/swagger/strava_openapi_bundled.json');

describe.skipIf(!existsSync(spec))(
  'sport_type values against the OpenAPI SportType enum (../shared/samples; skipped without it)',
  () => {
    // Read on use: a skipped describe still runs its body while collecting.
    const specEnum = () =>
      (JSON.parse(readFileSync(spec, 'utf8')) as { definitions: { SportType: { enum: string[] } } }).definitions
        .SportType.enum;
    it('our list is exactly the spec enum', () => {
      expect([...STRAVA_SPORT_TYPES].sort()).toEqual([...specEnum()].sort());
    });
    it('every sport maps into the enum', () => {
      for (const s of SPORTS) expect(specEnum(), s).toContain(toStravaSport(s).sportType);
    });
  },
);

describe('sport mapping', () => {
  it('marks indoor work as trainer and keeps the outdoor type', () => {
    expect(toStravaSport('treadmill')).toEqual({ sportType: 'Run', trainer: true });
    expect(toStravaSport('indoor_cycling')).toEqual({ sportType: 'Ride', trainer: true });
    expect(toStravaSport('running')).toEqual({ sportType: 'Run', trainer: false });
    expect(toStravaSport('strength')).toEqual({ sportType: 'WeightTraining', trainer: true });
  });
  it('takes a valid override and refuses an invented one', () => {
    expect(toStravaSport('walking', 'Hike')).toEqual({ sportType: 'Hike', trainer: false });
    expect(() => toStravaSport('walking', 'Stroll')).toThrow(/not a Strava sport_type/);
    expect(isStravaSportType('run')).toBe(false); // case-sensitive, as Strava is
  });
});
