// The Zepp / Mi Fit data export as a Source: summaries with totals, given the
// all-day per-minute heart rate of their minutes when the export has it (then
// the engine uploads a FIT with HR); without it they have no samples and go
// as manual activities (capabilities.rawSamples = false: no raw tracks).
import type { FetchedWorkout, ListOptions, Source, SourceCapabilities, WorkoutRef } from '../../sync/ports.js';
import { BandsyncError } from '../../sync/failures.js';
import { mapZeppSport } from '../zepp-common/index.js';
import { decodeFile } from '../../core/formats/codec.js';
import { entryRevision } from '../../archive/index.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import { findExportEntries, readDetailEntry, readSportRows, type ExportEntries } from './client.js';
import { heartRateColumns, heartRateRow, joinHeartRate, type HeartRateIndex } from './heart-rate.js';
import type { Issue } from '../../core/workout/types.js';
import { parseExportTime } from './parse-time.js';
import { DetailHandle, ExportHandle, recordOf } from './schema.js';
import { sportRowToWorkout, type MapContext } from './to-workout.js';

export interface ZeppExportOptions {
  readonly zipPath: string;
  readonly accountId: string;
  /**
   * The wearer's UTC offset in seconds. The SPORT file stores UTC only, so the
   * local time comes from here; by default the machine's own time-zone rules at
   * each workout's date (daylight saving included).
   */
  readonly utcOffsetSeconds?: number;
  /** The export zip's password (Zepp sends it protected with ZipCrypto); never logged or put in errors. */
  readonly password?: string;
  /** Budgets for what is read (entries, inflated bytes, CSV rows…); defaults to DEFAULT_LIMITS. */
  readonly limits?: InputLimits;
}

export const ZEPP_EXPORT_CAPABILITIES: SourceCapabilities = {
  hasGps: false,
  incrementalListing: false,
  rawSamples: false,
};

/** The machine's zone offset at an instant, in seconds east of UTC. */
const systemOffsetAt = (utcMs: number): number => -new Date(utcMs).getTimezoneOffset() * 60;

export function createZeppExportSource(options: ZeppExportOptions): Source {
  const offsetAt = options.utcOffsetSeconds !== undefined ? () => options.utcOffsetSeconds! : systemOffsetAt;
  const limits = options.limits ?? DEFAULT_LIMITS;
  // The archive of the last list(), open: its directory is read once per pass, and what its entries
  // inflate to together is counted per pass (limits.archiveInflatedBytes). A fetch without a list
  // opens its own.
  let opened: ExportEntries | null = null;
  const archive = async (): Promise<ExportEntries> => opened ?? (await findExportEntries(options.zipPath, limits));
  const ctx: MapContext = {
    accountId: options.accountId,
    offsetAt,
    mapSport: (code) => mapZeppSport(code),
    parseTime: (text) => parseExportTime(text, offsetAt),
  };

  // Workout windows [startMs, endMs] seen by the last list(), sorted: the all-day heart rate is read
  // once, keeping only the minutes inside a workout, so memory follows workout time, not history length.
  let windows: [number, number][] = [];
  let heartRate: Promise<{ index: HeartRateIndex; issues: Issue[] }> | null = null;

  async function readHeartRate(
    within: readonly [number, number][],
    signal?: AbortSignal,
  ): Promise<{ index: HeartRateIndex; issues: Issue[] }> {
    const index = new Map<number, number>();
    const issues: Issue[] = [];
    const inside = (minute: number): boolean => {
      const ms = minute * 60_000;
      let lo = 0,
        hi = within.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const [a, b] = within[mid]!;
        if (ms < a) hi = mid - 1;
        else if (ms > b) lo = mid + 1;
        else return true;
      }
      return false;
    };
    try {
      const { zip, heartRate: files } = await archive();
      for (const entry of files) {
        let columns = null;
        for await (const row of zip.csvRows(entry, { signal, password: options.password })) {
          if (columns === null) {
            columns = heartRateColumns(row);
            if (columns === null) {
              issues.push({
                code: 'heart_rate_header',
                path: entry.name,
                detail: 'no date, time and heartRate columns; heart rate not joined',
              });
              break;
            }
            continue;
          }
          const reading = heartRateRow(row, columns, offsetAt);
          if (reading && inside(reading[0])) index.set(reading[0], reading[1]);
        }
      }
    } catch (err) {
      // The summaries are still good without the heart rate: say why it is missing, do not fail them.
      if ((err as Error).name === 'AbortError') throw err;
      issues.push({ code: 'heart_rate_unreadable', path: 'HEARTRATE_AUTO', detail: (err as Error).message });
    }
    return { index, issues };
  }

  async function fetchDetail(entryName: string, sourceId: string, signal?: AbortSignal): Promise<FetchedWorkout> {
    const { zip } = await archive();
    const entry = zip.entry(entryName);
    if (!entry)
      throw new BandsyncError('source_file_invalid', `${options.zipPath}: ${entryName} is no longer in the zip`);
    const { bytes, name } = await readDetailEntry(zip, entry, options.password, signal, limits);
    const decoded = decodeFile(bytes, name, limits);
    if (!decoded.ok)
      throw new BandsyncError(
        decoded.issues[0]?.code === 'over_limit' ? 'source_over_limit' : 'source_file_invalid',
        `${options.zipPath}: ${decoded.error}`,
      );
    if (!(decoded.workout.elapsedSeconds > 0))
      throw new BandsyncError('source_file_invalid', `${options.zipPath}: ${entryName}: not a workout (no duration)`);
    const workout = {
      ...decoded.workout,
      source: { kind: 'zepp-export' as const, id: sourceId, accountId: options.accountId },
    };
    return { workout, issues: decoded.issues };
  }

  return {
    kind: 'zepp-export',
    capabilities: ZEPP_EXPORT_CAPABILITIES,

    async *list(list: ListOptions): AsyncIterable<WorkoutRef> {
      const sinceMs = list.since !== undefined ? Date.parse(list.since) : null;
      // Exports requested at different times repeat old rows; the start second identifies a workout.
      const seen = new Set<string>();
      windows = [];
      heartRate = null;
      void opened?.zip.close();
      opened = null;
      const entries = await findExportEntries(options.zipPath, limits);
      opened = entries;
      for (const entry of entries.sport) {
        for await (const { line, columns, row } of readSportRows(entries.zip, entry, list.signal, options.password)) {
          const handle: ExportHandle = {
            entry: entry.name,
            line,
            units: columns.units,
            record: recordOf(columns, row),
          };
          const parsed = ExportHandle.safeParse(handle);
          const startMs = parsed.success ? ctx.parseTime(handle.record.startTime ?? '') : null;
          if (startMs === null) {
            // Still listed, so fetch() reports the bad row with its reason instead of it vanishing.
            if (sinceMs === null)
              yield { sourceId: `invalid:${entry.name}:${line}`, startTime: new Date(0).toISOString(), handle };
            continue;
          }
          if (sinceMs !== null && startMs < sinceMs) continue;
          const sourceId = String(Math.floor(startMs / 1000));
          if (seen.has(sourceId)) continue;
          seen.add(sourceId);
          const mapped = sportRowToWorkout(parsed.data!, ctx);
          if (mapped.ok) windows.push([startMs, startMs + mapped.workout.elapsedSeconds * 1000]);
          yield { sourceId, startTime: new Date(startMs).toISOString(), handle };
        }
      }
      // Per-workout files: decoded here for their real start (they are few), then dropped;
      // the engine keeps the richer of a file and its summary row by fingerprint.
      for (const entry of entries.detail) {
        list.signal?.throwIfAborted();
        const handle: DetailHandle = { detail: entry.name };
        let startTime = new Date(0).toISOString();
        try {
          const { bytes, name } = await readDetailEntry(entries.zip, entry, options.password, list.signal, limits);
          const decoded = decodeFile(bytes, name, limits);
          if (decoded.ok) startTime = new Date(Date.parse(decoded.workout.startTime)).toISOString();
        } catch {
          // fetch() reports the reason for this entry alone.
        }
        if (sinceMs !== null && Date.parse(startTime) < sinceMs) continue;
        yield { sourceId: `file:${entry.name}`, startTime, handle, revision: entryRevision(entry) };
      }
    },

    async fetch(ref: WorkoutRef, signal?: AbortSignal): Promise<FetchedWorkout> {
      const detail = DetailHandle.safeParse(ref.handle);
      if (detail.success) return fetchDetail(detail.data.detail, ref.sourceId, signal);
      const parsed = ExportHandle.safeParse(ref.handle);
      const where = `${options.zipPath}`;
      if (!parsed.success)
        throw new BandsyncError(
          'source_file_invalid',
          `${where}: row is not a workout summary (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`,
        );
      const result = sportRowToWorkout(parsed.data, ctx);
      if (!result.ok)
        throw new BandsyncError('source_file_invalid', `${where}: ${parsed.data.entry}: ${result.reason}`);
      const start = Date.parse(result.workout.startTime);
      const own: [number, number] = [start, start + result.workout.elapsedSeconds * 1000];
      // After a list(), one read serves every workout; a lone fetch reads for its own window.
      const hr =
        windows.length > 0
          ? await (heartRate ??= readHeartRate(mergeWindows(windows), signal))
          : await readHeartRate([own], signal);
      return { workout: joinHeartRate(result.workout, hr.index), issues: [...result.issues, ...hr.issues] };
    },
  };
}

/** Sorted, overlaps merged, so a binary search finds any minute inside some workout. */
function mergeWindows(windows: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of [...windows].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
