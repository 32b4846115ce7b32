// Reads keep a reserve of each 15-minute window free for uploads (DESIGN
// §4.4: reads are never spent when uploads still need the budget). When no
// workout is waiting to go up, there is nothing to keep it for: holding it
// back only made the last confirmation listing of a backfill wait a whole
// window (bench/sync: drained at 10:15 though the last upload left at 10:00).
// The same wrapper tells the budget whether a request serves a backfill, which
// leaves the day's reserve to new workouts (daily-reserve.ts).
import type { RateBudgetStore, Store } from './ports.js';
import { DESTINATION } from './deps.js';
import { forNewWorkouts, inBackfill } from './daily-reserve.js';

/** States of a record that still has an upload ahead of it. */
const WAITING_TO_UPLOAD = ['discovered', 'fetched', 'converted', 'uploading'];

export function reserveOnlyWhileUploadsWait(budget: RateBudgetStore, store: Store): RateBudgetStore {
  return {
    async tryReserve(kind, now, keepForUploads, backfill = inBackfill(), newWorkouts = forNewWorkouts()) {
      if (kind !== 'read' || keepForUploads === 0)
        return budget.tryReserve(kind, now, keepForUploads, backfill, newWorkouts);
      const counts = await store.countByState(DESTINATION);
      const waiting = WAITING_TO_UPLOAD.some((s) => (counts[s] ?? 0) > 0);
      return budget.tryReserve(kind, now, waiting ? keepForUploads : 0, backfill, newWorkouts);
    },
    record: (headers, now) => budget.record(headers, now),
    block: (until) => budget.block(until),
    snapshot: (now) => budget.snapshot(now),
  };
}
