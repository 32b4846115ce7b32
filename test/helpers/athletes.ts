// Several athletes on one instance (issue 18), as the engine tests set them
// up: each athlete's files account connected at CONNECTED with workouts ready
// to upload (as discovery leaves them), and their own Strava athlete on the
// one simulated Strava application.
import type { App } from '../../src/compose.js';
import type { AppContext } from '../../src/app/context.js';
import type { RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import type { Store } from '../../src/sync/ports.js';
import { approveHistory } from '../../src/sync/approval.js';
import { systemClock } from '../../src/clock.js';
import { makeWorkout } from '../store/helpers.js';

/** When the seeded accounts were connected: workouts before it are history (a backfill), after it new. */
export const CONNECTED = '2026-01-01T00:00:00.000Z';

/** A workout of the account ready to upload (in 'fetched'), as discovery leaves it; returns its id. */
export async function addReady(
  store: Store,
  accountId: string,
  sourceId: string,
  start: string,
  overrides: Parameters<typeof makeWorkout>[2] = {},
): Promise<string> {
  const saved = await store.saveWorkout(accountId, makeWorkout(sourceId, start, overrides));
  await store.ensureRecord(saved.id, 'strava', `bandsync-${saved.id}`);
  await store.transition({
    workoutId: saved.id,
    destination: 'strava',
    from: ['discovered'],
    to: 'fetched',
    reason: 'fetched',
  });
  return saved.id;
}

/**
 * A files account connected at CONNECTED, with workouts ready to upload (in 'fetched');
 * `backfill`: its whole history approved for upload, as `sync --all` does. Returns the workout ids, in order.
 */
export async function seedReady(store: Store, label: string, starts: string[], backfill = false): Promise<string[]> {
  const account = await store.saveAccount({
    kind: 'files',
    label,
    settings: { path: `/srv/${label}`, connectedAt: CONNECTED },
  });
  const ids: string[] = [];
  for (const [i, start] of starts.entries()) ids.push(await addReady(store, account.id, `${label}-${i}`, start));
  if (backfill) await approveHistory({ store, clock: systemClock }, account, null, 'test backfill');
  return ids;
}

/** `n` starts one day apart from `from`. */
export const days = (n: number, from = '2029-01-01T07:00:00.000Z'): string[] =>
  Array.from({ length: n }, (_, i) => new Date(Date.parse(from) + i * 86_400_000).toISOString());

/** A new athlete with their own Strava athlete (`stravaId`) connected on the simulator. */
export async function addAthleteWithStrava(
  app: App,
  strava: Pick<RunningStravaSimulator, 'control'>,
  name: string,
  stravaId: number,
): Promise<AppContext> {
  const context = await app.forAthlete(await app.athletes.add(name));
  await context.accounts.connectStravaWithRefreshToken({
    refreshToken: strava.control.issueRefreshToken(undefined, stravaId),
  });
  return context;
}

/** The bandsync workout ids of the simulator's uploads, in the order Strava received them. */
export const uploadOrder = (strava: Pick<RunningStravaSimulator, 'control'>): string[] =>
  strava.control.uploads().map((u) => u.externalId?.replace(/^bandsync-|\.fit$/g, '') ?? '');
