// The Zepp cloud behind the Source port. list() pages newest-first through
// history.json by the `next` cursor; incrementally it stops once a whole page
// is older than the newest known start minus an overlap window, so late edits
// of recent workouts are still seen (their summary hash is the revision).
// fetch() validates and maps one workout; a malformed one fails alone with
// zepp_payload_invalid.
import { fnv1a64 } from '../../core/workout/fingerprint.js';
import type { InputLimits } from '../../core/limits.js';
import type { FetchedWorkout, ListOptions, Source, WorkoutRef } from '../../sync/ports.js';
import { BandsyncError } from '../../sync/failures.js';
import { createZeppClient, type ZeppClient } from './client.js';
import { detailSchema, formatZodError, summaryRefSchema, summarySchema } from './schema.js';
import { zeppToWorkout } from './to-workout.js';

export interface ZeppCloudSourceOptions {
  readonly limits?: InputLimits;
  readonly baseUrl: string;
  readonly appToken: string;
  /** Origins besides the real Zepp hosts the token may go to (see ZeppClientOptions). */
  readonly allowOrigins?: readonly string[];
  readonly userId: string;
  readonly accountId: string;
  readonly fetch?: typeof fetch;
  /** Re-check this many seconds before the newest known workout (default 3 days). */
  readonly overlapSeconds?: number;
  /** China-region account: its tracks are GCJ-02 and get converted to WGS-84. */
  readonly chinaRegion?: boolean;
  /**
   * Override of the GCJ-02 correction: true/false forces it; 'auto' (the
   * default for non-China accounts) converts tracks whose payload names the
   * Chinese map provider ("gaode"), e.g. a trip to China.
   */
  readonly chinaCoordinates?: boolean | 'auto';
  /** IANA time zone for the local time in files (F11); default: this machine's zone. */
  readonly timeZone?: string;
  /** Overrides the device name derived from the payload (config `deviceName`). */
  readonly deviceName?: string;
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

/** What list() hands to fetch(): JSON-serialisable. */
export interface ZeppHandle {
  readonly trackId: string;
  readonly source: string;
  readonly summary: unknown;
}

/** The zone's UTC offset at that instant (DST-aware), from Intl; 0 for an unknown zone. */
export function utcOffsetSeconds(epochMs: number, timeZone?: string): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(epochMs));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((local - Math.floor(epochMs / 1000) * 1000) / 1000);
  } catch {
    return 0;
  }
}

const DEFAULT_OVERLAP_SECONDS = 3 * 86400;
/** A misbehaving server must not page us forever (200 per page → 1 million workouts). */
const MAX_PAGES = 5000;

export function createZeppCloudSource(options: ZeppCloudSourceOptions): Source & { readonly client: ZeppClient } {
  const client = createZeppClient({
    baseUrl: options.baseUrl,
    appToken: options.appToken,
    ...(options.allowOrigins ? { allowOrigins: options.allowOrigins } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const overlap = options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;

  async function* list(listOptions: ListOptions): AsyncIterable<WorkoutRef> {
    const cutoffs: number[] = [];
    if (listOptions.knownUntil) cutoffs.push(Date.parse(listOptions.knownUntil) / 1000 - overlap);
    if (listOptions.since) cutoffs.push(Date.parse(listOptions.since) / 1000);
    const cutoff = cutoffs.filter(Number.isFinite).reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    const seen = new Set<string>();
    let cursor: number | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      listOptions.signal?.throwIfAborted();
      const { next, summary } = await client.history(cursor, listOptions.signal);
      let oldest = Number.POSITIVE_INFINITY;
      for (const item of summary) {
        const ref = summaryRefSchema.safeParse(item);
        if (!ref.success) {
          // Without a trackid there is nothing to list; the page is otherwise fine.
          continue;
        }
        const trackId = String(ref.data.trackid);
        oldest = Math.min(oldest, ref.data.trackid);
        const key = `${trackId}|${ref.data.source}`;
        if (seen.has(key) || ref.data.trackid < cutoff) continue;
        seen.add(key);
        yield {
          sourceId: trackId,
          startTime: new Date(ref.data.trackid * 1000).toISOString().replace('.000Z', 'Z'),
          handle: { trackId, source: ref.data.source, summary: item } satisfies ZeppHandle,
          revision: fnv1a64(JSON.stringify(item)),
        };
      }
      if (next === -1 || next <= 0 || oldest < cutoff) return;
      // Pages go back in time; a cursor that does not move back would loop forever.
      if (cursor !== undefined && next >= cursor) {
        throw new BandsyncError(
          'zepp_unavailable',
          `Zepp history: the page cursor did not move back (${next} after ${cursor}); stopping`,
        );
      }
      cursor = next;
    }
    throw new BandsyncError('zepp_unavailable', `Zepp history: more than ${MAX_PAGES} pages; stopping`);
  }

  async function fetchWorkout(ref: WorkoutRef, signal?: AbortSignal): Promise<FetchedWorkout> {
    const handle = ref.handle as Partial<ZeppHandle> | null;
    const summary = summarySchema.safeParse(handle?.summary);
    if (!summary.success) {
      throw new BandsyncError(
        'zepp_payload_invalid',
        `Zepp workout ${ref.sourceId}: summary is invalid: ${formatZodError(summary.error)}`,
      );
    }
    const raw = await client.detail(String(summary.data.trackid), summary.data.source, signal);
    const detail = detailSchema.safeParse(raw);
    if (!detail.success) {
      throw new BandsyncError(
        'zepp_payload_invalid',
        `Zepp workout ${ref.sourceId}: detail is invalid: ${formatZodError(detail.error)}`,
      );
    }
    try {
      const { workout, issues } = zeppToWorkout(summary.data, detail.data, {
        accountId: options.accountId,
        chinaCoordinates: options.chinaCoordinates ?? (options.chinaRegion ? true : 'auto'),
        utcOffsetSeconds: utcOffsetSeconds(summary.data.trackid * 1000, options.timeZone),
        ...(options.deviceName ? { deviceName: options.deviceName } : {}),
      });
      return { workout, issues };
    } catch (err) {
      throw new BandsyncError(
        'zepp_payload_invalid',
        `Zepp workout ${ref.sourceId}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  return {
    kind: 'zepp-cloud',
    capabilities: { hasGps: true, incrementalListing: true, rawSamples: true },
    list,
    fetch: fetchWorkout,
    client,
  };
}
