// Seeds a store with accounts (with secrets) and workouts with sync records.
import type { Store } from '../../src/sync/ports.js';
import { gpsRun, strength } from './workouts.js';

export const SECRETS = {
  zeppToken: 'ZEPP-SECRET-TOKEN-5f1c2e9a',
  stravaAccess: 'STRAVA-ACCESS-7d3b1f00',
  stravaRefresh: 'STRAVA-REFRESH-aa91c4e2',
};

export async function seedAccounts(store: Store) {
  const zepp = await store.saveAccount({
    kind: 'zepp-cloud',
    label: 'Zepp ana@example.org',
    settings: { region: 'eu' },
    secrets: { appToken: SECRETS.zeppToken },
  });
  const strava = await store.saveAccount({
    kind: 'strava',
    label: 'Ana on Strava',
    settings: { athleteId: 42 },
    secrets: { accessToken: SECRETS.stravaAccess, refreshToken: SECRETS.stravaRefresh },
  });
  return { zepp, strava };
}

/** `count` workouts, one per day back from 2026-10-31, every 5th indoor; returns ids newest first. */
export async function seedWorkouts(
  store: Store,
  accountId: string,
  count: number,
): Promise<{ id: string; startTime: string; sport: string }[]> {
  const out: { id: string; startTime: string; sport: string }[] = [];
  for (let i = 0; i < count; i++) {
    const startTime = new Date(Date.UTC(2026, 9, 31, 7, 0, 0) - i * 86_400_000).toISOString();
    const workout = i % 5 === 4 ? strength(i, startTime) : gpsRun(i, startTime, { seconds: 600 });
    const { id } = await store.saveWorkout(accountId, workout);
    await store.ensureRecord(id, 'strava', `bandsync-${workout.fingerprint}`);
    out.push({ id, startTime, sport: workout.sport });
  }
  return out;
}
