// The Mi Fitness cloud behind the Source port. list() finds the account's
// regional shard (the configured region, the country's, or one cheap probe
// per host, the winner remembered) and pages newest-first through
// get_sport_records_by_time. fetch() downloads and decrypts the workout's FDS
// files and maps them; when they are missing or unreadable the workout goes
// up from its summary alone only if the user allowed it, else it is held with
// the reason (mi_fitness_detail_missing). An expired session is refreshed
// once, under the account's lock, from the passToken.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fnv1a64 } from '../../core/workout/fingerprint.js';
import { INDOOR_SPORTS } from '../../core/workout/sport.js';
import type { InputLimits } from '../../core/limits.js';
import type { FetchedWorkout, ListOptions, Source, WorkoutRef } from '../../sync/ports.js';
import { BandsyncError, toBandsyncError } from '../../sync/failures.js';
import { decodeGpsFile, decodeRecordFile, type DecodedGps, type DecodedRecords } from './binary.js';
import { createMiClient } from './client.js';
import { decryptFds } from './crypto.js';
import { downloadKey, fdsSuffix, FILE_TYPES } from './fds.js';
import { createPassport, type MiSession } from './passport.js';
import { MI_REGIONS, miHosts, regionForCountry, safeOrigin, type MiRegion } from './regions.js';
import {
  downloadEntrySchema,
  downloadMapSchema,
  formatZodError,
  listResultSchema,
  parseJsonText,
  recordEnvelopeSchema,
  summarySchema,
  type MiSummary,
  type RecordEnvelope,
} from './schema.js';
import { mapMiSport } from './sport.js';
import { miSourceId, miToWorkout } from './to-workout.js';

export interface MiFitnessSourceOptions {
  readonly limits?: InputLimits;
  readonly accountId: string;
  readonly session: MiSession;
  /** One base URL for every Xiaomi host (simulator, proxy); else the real hosts. */
  readonly baseUrl?: string;
  /**
   * Origins a stored baseUrl may point at: the configured BANDSYNC_MI_FITNESS_URL
   * and the address given when the account was connected (kept sealed). The
   * stored address comes from the database, which others may have written to.
   */
  readonly allowOrigins?: readonly string[];
  /** The remembered shard, else the country's, else probed. */
  readonly region?: MiRegion;
  readonly country?: string;
  /** Runs fn while holding the account's cross-process lock (the refresh is single-flight). */
  readonly lock: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The session as stored now (another process may have refreshed it). */
  readonly loadSession: () => Promise<MiSession>;
  readonly saveSession: (session: MiSession) => Promise<void>;
  readonly saveRegion: (region: MiRegion) => Promise<void>;
  /**
   * Start time of the oldest workout held for missing detail, if any: listing
   * reaches back to it so a held workout is read again (its files may have
   * arrived, or summary-only uploads may have been allowed since).
   */
  readonly oldestHeld?: () => Promise<string | undefined>;
  /** Upload workouts whose detail files are missing from the summary alone (default false: held). */
  readonly allowSummaryOnly?: boolean;
  readonly deviceName?: string;
  /** Save each workout as received (for `bandsync inspect` and mismatch reports) in this folder. */
  readonly payloadDir?: string;
  readonly overlapSeconds?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
  readonly timeoutMs?: number;
}

/** What list() hands to fetch(): the list element as the service sent it. */
export interface MiHandle {
  readonly region: MiRegion;
  readonly envelope: unknown;
}

const PAGE = 50;
const MAX_PAGES = 4000;
const DEFAULT_OVERLAP_SECONDS = 3 * 86400;
/** Probe order when nothing hints (B MiRegion.pickWinner). */
const PROBE_ORDER: readonly MiRegion[] = ['cn', 'sg', 'us', 'de', 'ru', 'i2'];

export function createMiFitnessSource(options: MiFitnessSourceOptions) {
  const refused = refusedBaseUrl(options.baseUrl, options.allowOrigins ?? []);
  const hosts = miHosts(refused ? undefined : options.baseUrl);
  const now = options.now ?? (() => new Date());
  let session = options.session;
  let region: MiRegion | undefined =
    options.region ?? (options.country ? regionForCountry(options.country) : undefined);
  const passport = createPassport({ hosts, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const client = createMiClient({
    hosts,
    session: () => session,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    now,
  });

  /** Runs fn; on an expired session refreshes once (single-flight across processes) and runs it again. */
  async function withAuth<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof BandsyncError) || err.code !== 'mi_fitness_token_expired') throw err;
      const failed = session.serviceToken;
      session = await options.lock(async () => {
        const stored = await options.loadSession();
        if (stored.serviceToken !== failed) return stored; // another process refreshed meanwhile
        const fresh = await passport.refresh(stored);
        await options.saveSession(fresh);
        return fresh;
      });
      return fn();
    }
  }

  /** The first shard (in `order`) that holds a workout, remembered; a wrong shard answers an empty list, not an error. */
  async function probe(order: readonly MiRegion[], signal?: AbortSignal): Promise<MiRegion | undefined> {
    const end = Math.floor(now().getTime() / 1000) + 86400;
    for (const candidate of order) {
      const page = listResultSchema.safeParse(
        await withAuth(() => client.listPage(candidate, { startTime: 0, endTime: end, limit: 1 }, signal)),
      );
      if (page.success && page.data.sport_records.length > 0) {
        region = candidate;
        await options.saveRegion(candidate);
        return candidate;
      }
    }
    return undefined;
  }

  async function resolveRegion(signal?: AbortSignal): Promise<MiRegion> {
    if (region) return region;
    const hint = session.countryHint ? regionForCountry(session.countryHint) : undefined;
    const order = hint ? [hint, ...PROBE_ORDER.filter((r) => r !== hint)] : PROBE_ORDER;
    // No workouts anywhere yet: ask the hinted (or first) shard and probe again next time.
    return (await probe(order, signal)) ?? hint ?? 'sg';
  }

  async function* list(listOptions: ListOptions): AsyncIterable<WorkoutRef> {
    if (refused) throw refused;
    let target = await resolveRegion(listOptions.signal);
    const overlap = options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
    const starts = [0];
    if (listOptions.knownUntil) {
      let from = Math.floor(Date.parse(listOptions.knownUntil) / 1000) - overlap;
      const held = await options.oldestHeld?.();
      if (held) from = Math.min(from, Math.floor(Date.parse(held) / 1000));
      starts.push(from);
    }
    if (listOptions.since) starts.push(Math.floor(Date.parse(listOptions.since) / 1000));
    const startTime = starts.filter(Number.isFinite).reduce((a, b) => Math.max(a, b));
    const endTime = Math.floor(now().getTime() / 1000) + 86400;
    const seenKeys = new Set<string>();
    const seen = new Set<string>();
    let nextKey: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      listOptions.signal?.throwIfAborted();
      const raw = await withAuth(() =>
        client.listPage(
          target,
          { startTime, endTime, limit: PAGE, ...(nextKey ? { nextKey } : {}) },
          listOptions.signal,
        ),
      );
      const result = listResultSchema.safeParse(raw);
      if (!result.success)
        throw new BandsyncError(
          'mi_fitness_unavailable',
          `Mi Fitness workout list: unexpected page: ${formatZodError(result.error)}`,
        );
      // A full listing that finds nothing on the chosen shard (a country given wrong, an account
      // moved): the other shards are asked once, and one holding workouts replaces it.
      if (page === 0 && result.data.sport_records.length === 0 && !listOptions.knownUntil && !listOptions.since) {
        const other = await probe(
          PROBE_ORDER.filter((r) => r !== target),
          listOptions.signal,
        );
        if (other) {
          target = other;
          page = -1; // from the first page again, on that shard
          continue;
        }
      }
      for (const item of result.data.sport_records) {
        const env = recordEnvelopeSchema.safeParse(item);
        if (!env.success || env.data.deleted) continue;
        // The server may ignore the window (notes §3.2): filter here too.
        if (env.data.time < startTime) continue;
        const id = miSourceId(env.data);
        if (seen.has(id)) continue;
        seen.add(id);
        yield {
          sourceId: id,
          startTime: new Date(startOf(env.data) * 1000).toISOString().replace('.000Z', 'Z'),
          handle: { region: target, envelope: item } satisfies MiHandle,
          revision: fnv1a64(JSON.stringify(item)),
        };
      }
      if (!result.data.has_more || !result.data.next_key) return;
      if (seenKeys.has(result.data.next_key))
        throw new BandsyncError(
          'mi_fitness_unavailable',
          'Mi Fitness workout list: the page cursor repeated; stopping',
        );
      seenKeys.add(result.data.next_key);
      nextKey = result.data.next_key;
    }
    throw new BandsyncError(
      'mi_fitness_unavailable',
      `Mi Fitness workout list: more than ${MAX_PAGES} pages; stopping`,
    );
  }

  async function fetchWorkout(ref: WorkoutRef, signal?: AbortSignal): Promise<FetchedWorkout> {
    const handle = ref.handle as Partial<MiHandle> | null;
    const { envelope, summary } = parseWorkout(handle?.envelope, ref.sourceId);
    const target = handle?.region ?? (await resolveRegion(signal));
    const detail = await downloadDetail(target, envelope, summary, signal);
    if (options.payloadDir) await savePayload(options.payloadDir, ref.sourceId, handle?.envelope, detail.saved);
    const usable =
      (detail.records?.segments.some((s) => s.records.length > 0) ?? false) || (detail.gps?.points.length ?? 0) > 0;
    if (!usable && !options.allowSummaryOnly) {
      throw new BandsyncError(
        'mi_fitness_detail_missing',
        `held: no per-second or GPS data (${detail.missing.join('; ') || 'none downloaded'}); set summaryOnlyUploads = true (BANDSYNC_SUMMARY_ONLY=true) to send it from its summary`,
      );
    }
    const { workout, issues } = miToWorkout(envelope, summary, detail, {
      accountId: options.accountId,
      ...(options.deviceName ? { deviceName: options.deviceName } : {}),
    });
    if (!usable)
      issues.push({
        code: 'mi_fitness_summary_only',
        path: 'fds',
        detail: `uploaded from the summary alone (allowed by the summary-only setting); missing: ${detail.missing.join('; ')}`,
      });
    return { workout, issues };
  }

  async function downloadDetail(
    target: MiRegion,
    envelope: RecordEnvelope,
    summary: MiSummary,
    signal?: AbortSignal,
  ): Promise<Detail> {
    const missing: string[] = [];
    const protoType = summary.proto_type;
    if ((summary.version ?? 0) <= 0 || protoType === undefined) {
      missing.push(`the summary says the band kept no detail files (version ${summary.version ?? 'absent'})`);
      return { records: null, gps: null, missing, saved: {} };
    }
    const sid = envelope.sid ?? summary.did ?? '';
    const time = summary.time ?? summary.timestamp ?? envelope.time;
    const tz = summary.timezone ?? summary.time_zone ?? 0;
    const outdoor = !INDOOR_SPORTS.has(mapMiSport(envelope.key, envelope.category, summary.sport_type).sport);
    const wanted = [
      { kind: 'records' as const, fileType: FILE_TYPES.records, report: true },
      { kind: 'gps' as const, fileType: FILE_TYPES.gps, report: outdoor },
    ].map((w) => ({ ...w, suffix: fdsSuffix(time, tz, protoType, w.fileType, sid) }));
    const rawMap = await withAuth(() =>
      client.downloadUrls(
        target,
        sid,
        wanted.map((w) => ({ timestamp: time, suffix: w.suffix })),
        signal,
      ),
    );
    const map = downloadMapSchema.safeParse(rawMap ?? {});
    const out: Detail = { records: null, gps: null, missing, saved: {} };
    for (const w of wanted) {
      const label = w.kind === 'records' ? 'per-second record file' : 'GPS file';
      const entry = downloadEntrySchema.safeParse(map.success ? map.data[downloadKey(w.suffix, time)] : undefined);
      if (!entry.success || !entry.data.url) {
        if (w.report) missing.push(`${label}: not in the cloud's file list`);
        continue;
      }
      if (!entry.data.obj_key) {
        missing.push(`${label}: the cloud lists it without an obj_key (cannot be downloaded)`);
        continue;
      }
      const body = await client.downloadObject(entry.data.url, signal);
      if (body === null) {
        missing.push(`${label}: the download link is expired or the object is gone`);
        continue;
      }
      out.saved[w.kind] = { body, obj_key: entry.data.obj_key };
      try {
        const plain = decryptFds(body, entry.data.obj_key);
        if (w.kind === 'records') out.records = decodeRecordFile(plain, protoType);
        else out.gps = decodeGpsFile(plain);
      } catch (err) {
        missing.push(`${label}: cannot be decoded (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    return out;
  }

  return {
    kind: 'mi-fitness' as const,
    capabilities: { hasGps: true, incrementalListing: true, rawSamples: true },
    list,
    fetch: async (ref: WorkoutRef, signal?: AbortSignal) => {
      if (refused) throw refused;
      try {
        return await fetchWorkout(ref, signal);
      } catch (err) {
        throw toBandsyncError(err);
      }
    },
    client,
    /** The shard in use, once known. */
    region: () => region,
  } satisfies Source & Record<string, unknown>;
}

export type MiFitnessSource = ReturnType<typeof createMiFitnessSource>;

/** Why the session may not go to this stored base URL, or null when it may. */
function refusedBaseUrl(baseUrl: string | undefined, allowOrigins: readonly string[]): BandsyncError | null {
  if (!baseUrl) return null;
  const origin = safeOrigin(baseUrl) ?? 'an address that is not a URL';
  if (allowOrigins.some((allowed) => safeOrigin(allowed) === origin)) return null;
  return new BandsyncError(
    'mi_fitness_auth_failed',
    `Mi Fitness: refusing to send the session to ${origin}, which is neither a Xiaomi host nor the address configured or given at connect (was the account's stored address changed?); reconnect the account`,
  );
}

interface Detail {
  records: DecodedRecords | null;
  gps: DecodedGps | null;
  missing: string[];
  /** The files as downloaded, for a saved payload. */
  saved: Partial<Record<'records' | 'gps', { body: string; obj_key: string }>>;
}

/** The format `bandsync inspect` reads (inspect.ts); one file per workout, rewritten when it changes. */
async function savePayload(dir: string, sourceId: string, envelope: unknown, files: Detail['saved']): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `mi-fitness-${sourceId.replace(/[^\w.-]+/g, '_')}.json`;
  await writeFile(join(dir, name), JSON.stringify({ miFitness: { envelope, ...files } }, null, 1), { mode: 0o600 });
}

/** Validates a stored list element and its summary string. */
export function parseWorkout(raw: unknown, what: string): { envelope: RecordEnvelope; summary: MiSummary } {
  const env = recordEnvelopeSchema.safeParse(raw);
  if (!env.success)
    throw new BandsyncError(
      'mi_fitness_payload_invalid',
      `Mi Fitness workout ${what}: list element is invalid: ${formatZodError(env.error)}`,
    );
  let value: unknown;
  try {
    value = parseJsonText(env.data.value, 'its summary');
  } catch (err) {
    throw new BandsyncError('mi_fitness_payload_invalid', `Mi Fitness workout ${what}: ${(err as Error).message}`);
  }
  const summary = summarySchema.safeParse(value);
  if (!summary.success)
    throw new BandsyncError(
      'mi_fitness_payload_invalid',
      `Mi Fitness workout ${what}: summary is invalid: ${formatZodError(summary.error)}`,
    );
  return { envelope: env.data, summary: summary.data };
}

function startOf(env: RecordEnvelope): number {
  try {
    const v = JSON.parse(env.value) as { start_time?: unknown };
    const s = Number(v.start_time);
    return Number.isFinite(s) && s > 0 ? s : env.time;
  } catch {
    return env.time;
  }
}

export { MI_REGIONS };
