// Reads keep a reserve of each 15-minute window free for uploads (DESIGN
// §4.4: reads are never spent when uploads still need the budget). When no
// workout is waiting to go up, there is nothing to keep it for: holding it
// back only made the last confirmation listing of a backfill wait a whole
// window (bench/sync: drained at 10:15 though the last upload left at 10:00).
import type { RateBudgetStore, Store } from './ports.js';
import { DESTINATION } from './deps.js';

/** States of a record that still has an upload ahead of it. */
const WAITING_TO_UPLOAD = ['discovered', 'fetched', 'converted', 'uploading'];

export function reserveOnlyWhileUploadsWait(budget: RateBudgetStore, store: Store): RateBudgetStore {
  return {
    async tryReserve(kind, now, keepForUploads) {
      if (kind !== 'read' || keepForUploads === 0) return budget.tryReserve(kind, now, keepForUploads);
      const counts = await store.countByState(DESTINATION);
      const waiting = WAITING_TO_UPLOAD.some((s) => (counts[s] ?? 0) > 0);
      return budget.tryReserve(kind, now, waiting ? keepForUploads : 0);
    },
    record: (headers, now) => budget.record(headers, now),
    block: (until) => budget.block(until),
    snapshot: (now) => budget.snapshot(now),
  };
}
