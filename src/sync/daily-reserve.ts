// Which Strava requests are backfill (issue 18 item 3): the budget keeps the
// last part of the daily limit from them (store/rate-budget.ts), so a
// backfill that spends the day never holds new workouts until midnight.
// The flag rides on AsyncLocalStorage because the Strava client, created once
// per connection, cannot tell whose window a request serves; the window's
// runner (run.ts) and the job handler (tasks.ts) can.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EngineDeps } from './deps.js';
import type { PendingRecord } from './upload-window.js';

const backfill = new AsyncLocalStorage<boolean>();

/** Runs `fn` with its Strava requests counted as backfill (or not). */
export function asBackfill<T>(yes: boolean, fn: () => Promise<T>): Promise<T> {
  return backfill.run(yes, fn);
}

/** Whether the request being made serves a backfill. */
export function inBackfill(): boolean {
  return backfill.getStore() === true;
}

/** Whether it serves new workouts: a window or confirmation run as not backfill (not a page's or a login's request). */
export function forNewWorkouts(): boolean {
  return backfill.getStore() === false;
}

type Placed = Pick<PendingRecord, 'accountId' | 'startTime'>;

/** Whether each workout was recorded before its account was connected (history), asking the store once per account. */
function historyTest(deps: Pick<EngineDeps, 'store'>): (r: Placed) => Promise<boolean> {
  const connected = new Map<string, string | undefined>();
  return async (r) => {
    if (!connected.has(r.accountId)) {
      const at = (await deps.store.getAccount(r.accountId))?.settings.connectedAt;
      connected.set(r.accountId, typeof at === 'string' ? at : undefined);
    }
    const at = connected.get(r.accountId);
    return at !== undefined && r.startTime < at;
  };
}

/** A window is backfill when every workout in it was recorded before its account was connected. */
export async function backfillOnly(deps: Pick<EngineDeps, 'store'>, items: readonly Placed[]): Promise<boolean> {
  if (items.length === 0) return false;
  const isHistory = historyTest(deps);
  for (const r of items) if (!(await isHistory(r))) return false;
  return true;
}

/**
 * Pending workouts split as the daemon's dispatcher splits them (tasks.ts):
 * recorded since their account was connected (new, uploaded first) and
 * before it (history, a backfill); each part keeps its order.
 */
export async function newFirst<T extends Placed>(
  deps: Pick<EngineDeps, 'store'>,
  records: readonly T[],
): Promise<{ fresh: T[]; history: T[] }> {
  const isHistory = historyTest(deps);
  const fresh: T[] = [];
  const history: T[] = [];
  for (const r of records) ((await isHistory(r)) ? history : fresh).push(r);
  return { fresh, history };
}
