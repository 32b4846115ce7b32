// A real SummaryActivity (what GET /athlete/activities lists) read by the client:
// the fields the planner and the dashboard use, with Strava's own numbers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toRemoteActivity, type StravaSummaryActivity } from '../../src/strava/activities.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/strava/strava-ruby-client/summary_activity.json');

describe('SummaryActivity → RemoteActivity', () => {
  it("keeps ids as strings and Strava's distance, times, elevation gain and heart rate", () => {
    const real = JSON.parse(readFileSync(fixture, 'utf8')) as StravaSummaryActivity;
    expect(toRemoteActivity(real)).toEqual({
      id: '16181809559',
      externalId: 'garmin_ping_492266071674',
      uploadId: '17265595469',
      startTime: '2025-10-18T12:49:52Z',
      elapsedSeconds: 7792,
      movingSeconds: 7772,
      distanceMeters: 22601.3,
      elevationGainMeters: 202,
      sportType: 'Run',
      hasHeartrate: true,
      avgHeartRate: 159.6,
      name: real.name,
    });
  });

  it('leaves out what Strava did not send', () => {
    const bare = toRemoteActivity({
      id: 1,
      start_date: '2025-01-01T00:00:00Z',
      elapsed_time: 60,
      total_elevation_gain: null,
      average_heartrate: null,
    });
    expect(bare).toEqual({
      id: '1',
      externalId: null,
      uploadId: null,
      startTime: '2025-01-01T00:00:00Z',
      elapsedSeconds: 60,
      sportType: 'Workout',
    });
  });
});
