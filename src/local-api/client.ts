// The CLI side of the daemon's local API: node:http on loopback with the
// token in the Authorization header. Errors carry the daemon's own message.
// node:http, not fetch: the CLI's first fetch loads undici (about 70 ms of a
// `bandsync status` that should answer in well under 0.3 s, issue 17).
import { request } from 'node:http';
import type { LedgerEntry, SyncRecord } from '../sync/ports.js';
import type { StatusReport } from '../app/status.js';
import type { SyncSummary } from '../sync/sync-all.js';
import type { DaemonInfo } from './discovery.js';
import type { StravaWebhookSubscription } from '../app/strava-webhook.js';

export interface LocalApiClient {
  readonly daemon: DaemonInfo;
  status(): Promise<StatusReport>;
  log(filter: { workoutId?: string; limit: number }): Promise<LedgerEntry[]>;
  retry(workoutId: string, options?: { acceptDamaged?: boolean }): Promise<SyncRecord>;
  skip(workoutId: string, reason: string): Promise<SyncRecord>;
  stravaWebhook: {
    status(): Promise<{ subscription: StravaWebhookSubscription | null }>;
    subscribe(callbackUrl: string): Promise<{ subscription: StravaWebhookSubscription }>;
    unsubscribe(): Promise<{ removed: { id: string; strava: 'deleted' | 'gone' } | null }>;
  };
  /** A dry run answers with the plan; a real sync starts in the daemon and answers at once. */
  sync(options: {
    all?: boolean;
    since?: string;
    dryRun?: boolean;
  }): Promise<(SyncSummary & { stravaRequests: number }) | { started: true }>;
}

/** One request; resolves with the status and the body's text. */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function localApiClient(daemon: DaemonInfo, athlete?: string): LocalApiClient {
  // The daemon writes its loopback URL (discovery.ts), so it is used as it is.
  const base = new URL('api/local/', daemon.url);
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, base);
    // The athlete named by --athlete: the daemon answers for that athlete only.
    if (athlete !== undefined) url.searchParams.set('athlete', athlete);
    let answer: { status: number; text: string };
    try {
      answer = await send(
        url,
        method,
        {
          authorization: `Bearer ${daemon.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body === undefined ? undefined : JSON.stringify(body),
        // A dry run reads the whole history and Strava's listing; everything else is quick.
        path === 'sync' ? 30 * 60_000 : 60_000,
      );
    } catch (error) {
      throw new Error(
        `the running daemon (pid ${daemon.pid}) did not answer at ${base.origin}: ${(error as Error).message}. ` +
          'Is it still starting? Try again, or stop it to use the database directly.',
      );
    }
    let data: T & { error?: string };
    try {
      data = JSON.parse(answer.text) as T & { error?: string };
    } catch {
      data = {} as T & { error?: string };
    }
    if (answer.status < 200 || answer.status > 299)
      throw new Error(data.error ?? `the daemon answered HTTP ${answer.status}`);
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
    stravaWebhook: {
      status: () => call('GET', 'strava-webhook'),
      subscribe: (callbackUrl) => call('POST', 'strava-webhook/subscribe', { callbackUrl }),
      unsubscribe: () => call('POST', 'strava-webhook/unsubscribe', {}),
    },
  };
}
