// `bandsync sync` (and the demo, and a dry run asked of the daemon): read
// every source, upload what is pending, and say how many Strava requests it took.
import type { SyncAllOptions, SyncSummary } from '../sync/sync-all.js';
import { syncAll } from '../sync/sync-all.js';
import type { AppContext } from './context.js';

export type SyncRunSummary = SyncSummary & { readonly stravaRequests: number };

export async function syncNow(
  app: Pick<AppContext, 'deps' | 'stravaRequests'>,
  options: Omit<SyncAllOptions, 'wait'> & { wait: NonNullable<SyncAllOptions['wait']> },
): Promise<SyncRunSummary> {
  const before = app.stravaRequests.total();
  const summary = await syncAll(app.deps, options);
  return { ...summary, stravaRequests: app.stravaRequests.total() - before };
}
