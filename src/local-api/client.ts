// The CLI side of the daemon's local API: plain fetch on loopback with the
// token in the Authorization header. Errors carry the daemon's own message.
import type { LedgerEntry, SyncRecord } from '../sync/ports.js';
import type { StatusReport } from '../app/status.js';
import type { SyncSummary } from '../sync/sync-all.js';
import type { DaemonInfo } from './discovery.js';

export interface LocalApiClient {
  readonly daemon: DaemonInfo;
  status(): Promise<StatusReport>;
  log(filter: { workoutId?: string; limit: number }): Promise<LedgerEntry[]>;
  retry(workoutId: string, options?: { acceptDamaged?: boolean }): Promise<SyncRecord>;
  skip(workoutId: string, reason: string): Promise<SyncRecord>;
  /** A dry run answers with the plan; a real sync starts in the daemon and answers at once. */
  sync(options: {
    all?: boolean;
    since?: string;
    dryRun?: boolean;
  }): Promise<(SyncSummary & { stravaRequests: number }) | { started: true }>;
}

export function localApiClient(daemon: DaemonInfo, athlete?: string): LocalApiClient {
  // The daemon writes its loopback URL (discovery.ts), so it is used as it is.
  const base = new URL('api/local/', daemon.url);
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    const url = new URL(path, base);
    // The athlete named by --athlete: the daemon answers for that athlete only.
    if (athlete !== undefined) url.searchParams.set('athlete', athlete);
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${daemon.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // A dry run reads the whole history and Strava's listing; everything else is quick.
        signal: AbortSignal.timeout(path === 'sync' ? 30 * 60_000 : 60_000),
      });
    } catch (error) {
      throw new Error(
        `the running daemon (pid ${daemon.pid}) did not answer at ${base.origin}: ${(error as Error).message}. ` +
          'Is it still starting? Try again, or stop it to use the database directly.',
      );
    }
    const data = (await response.json().catch(() => ({}))) as T & { error?: string };
    if (!response.ok) throw new Error(data.error ?? `the daemon answered HTTP ${response.status}`);
    return data;
  }
  return {
    daemon,
    status: () => call('GET', 'status'),
    log: ({ workoutId, limit }) =>
      call('GET', `log?${new URLSearchParams({ limit: String(limit), ...(workoutId ? { workout: workoutId } : {}) })}`),
    retry: (id, options = {}) => call('POST', `workouts/${encodeURIComponent(id)}/retry`, options),
    skip: (id, reason) => call('POST', `workouts/${encodeURIComponent(id)}/skip`, { reason }),
    sync: (options) => call('POST', 'sync', options),
  };
}
