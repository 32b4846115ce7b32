// What every fault test checks at the end: each generated workout is on the
// Strava simulator exactly once (nothing lost, nothing duplicated), judged
// from the simulators' own records, not from bandsync's.
import { expect } from 'vitest';
import type { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import type { startStravaSimulator } from '../../src/simulators/strava/index.js';

type Zepp = Awaited<ReturnType<typeof startZeppSimulator>>;
type Strava = Awaited<ReturnType<typeof startStravaSimulator>>;

export function expectEachWorkoutOnceOnStrava(zepp: Zepp, strava: Strava): void {
  const truth = zepp
    .truth()
    .map((t) => Date.parse(t.startTime))
    .sort((a, b) => a - b);
  const activities = strava.control
    .activities()
    .map((a) => a.startMs)
    .sort((a, b) => a - b);
  expect(activities).toEqual(truth);
  // No second copy was ever accepted: every processed upload made its own activity from its own external_id.
  const accepted = strava.control.uploads().filter((u) => u.activityId !== null);
  expect(new Set(accepted.map((u) => u.externalId)).size).toBe(accepted.length);
  expect(accepted).toHaveLength(truth.length);
}

/** Requests the simulator received, without the token endpoint (not rate-metered). */
export function apiRequests(strava: Strava) {
  return strava.control.requests().filter((r) => r.url.startsWith('/api/v3/') && !r.url.startsWith('/api/v3/oauth/'));
}

export const QUARTER_MS = 900_000;
export const nextQuarter = (ms: number): number => (Math.floor(ms / QUARTER_MS) + 1) * QUARTER_MS;
