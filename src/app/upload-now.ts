// "Upload now", "Retry" and "Upload anyway" in the dashboard: the user asks
// for THIS workout, so it alone is planned (one listing of its window: a twin
// already on Strava still counts as a duplicate), sent, and confirmed. It is
// not a backfill: nothing else of the history goes up with it.
import { windows } from '../sync/plan.js';
import { confirmWindow, processWindow } from '../sync/run.js';
import { emptyTally, type PendingRecord } from '../sync/upload-window.js';
import { DESTINATION, type EngineDeps } from '../sync/deps.js';
import type { SyncState } from '../sync/states.js';
import type { WaitingClock } from '../clock.js';

/** States from which a user's "send it now" can do something. */
export const SENDABLE: readonly SyncState[] = ['fetched', 'converted'];
/** Seconds Strava usually needs to process an upload before the listing shows it. */
const PROCESSING_PAUSE_SECONDS = 10;
const CONFIRM_ROUNDS = 4;

async function pending(deps: EngineDeps, workoutId: string): Promise<PendingRecord | null> {
  const [record, stored] = await Promise.all([
    deps.store.getRecord(workoutId, DESTINATION),
    deps.store.getWorkout(workoutId),
  ]);
  if (!record || !stored) return null;
  const w = stored.workout;
  return { ...record, startTime: w.startTime, sport: w.sport, accountId: stored.accountId, name: w.name ?? null };
}

/** Plans, uploads and confirms one workout that is ready to go (fetched); waits on the clock for rate limits. */
export async function sendOneNow(app: { deps: EngineDeps; clock: WaitingClock }, workoutId: string): Promise<void> {
  const { deps, clock } = app;
  const wait = (until: Date) => clock.wait(until);
  const item = await pending(deps, workoutId);
  if (!item || !SENDABLE.includes(item.state)) return;
  const destination = await deps.destination();
  const tally = emptyTally();
  await processWindow(deps, destination, windows([item], 1)[0]!, tally, { wait });
  for (let round = 0; round < CONFIRM_ROUNDS; round++) {
    const sent = await pending(deps, workoutId);
    if (!sent || sent.state !== 'processing') return;
    await wait(new Date(clock.now().getTime() + PROCESSING_PAUSE_SECONDS * 1000 * 2 ** round));
    await confirmWindow(deps, destination, windows([sent], 1)[0]!, tally, round >= 2, wait);
  }
}
