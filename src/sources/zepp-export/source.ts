// The Zepp / Mi Fit data export as a Source: summaries only, so fetched
// workouts have totals and no samples (capabilities.rawSamples = false) and
// the engine sends them as manual activities.
import type { FetchedWorkout, ListOptions, Source, SourceCapabilities, WorkoutRef } from '../../sync/ports.js';
import { BandsyncError } from '../../sync/failures.js';
import { mapZeppSport } from '../zepp-common/index.js';
import { decodeFile } from '../../core/index.js';
import { readZipDirectory } from '../files/zip.js';
import { findExportEntries, readDetailEntry, readSportRows } from './client.js';
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
}

export const ZEPP_EXPORT_CAPABILITIES: SourceCapabilities = { hasGps: false, incrementalListing: false, rawSamples: false };

/** The machine's zone offset at an instant, in seconds east of UTC. */
const systemOffsetAt = (utcMs: number): number => -new Date(utcMs).getTimezoneOffset() * 60;

export function createZeppExportSource(options: ZeppExportOptions): Source {
  const offsetAt = options.utcOffsetSeconds !== undefined ? () => options.utcOffsetSeconds! : systemOffsetAt;
  const ctx: MapContext = {
    accountId: options.accountId,
    offsetAt,
    mapSport: (code) => mapZeppSport(code),
    parseTime: (text) => parseExportTime(text, offsetAt),
  };

  async function fetchDetail(entryName: string, sourceId: string, signal?: AbortSignal): Promise<FetchedWorkout> {
    const entry = (await readZipDirectory(options.zipPath)).find((e) => e.name === entryName);
    if (!entry) throw new BandsyncError('source_file_invalid', `${options.zipPath}: ${entryName} is no longer in the zip`);
    const { bytes, name } = await readDetailEntry(options.zipPath, entry, options.password, signal);
    const decoded = decodeFile(bytes, name);
    if (!decoded.ok) throw new BandsyncError('source_file_invalid', `${options.zipPath}: ${decoded.error}`);
    if (!(decoded.workout.elapsedSeconds > 0)) throw new BandsyncError('source_file_invalid', `${options.zipPath}: ${entryName}: not a workout (no duration)`);
    const workout = { ...decoded.workout, source: { kind: 'zepp-export' as const, id: sourceId, accountId: options.accountId } };
    return { workout, issues: decoded.issues };
  }

  return {
    kind: 'zepp-export',
    capabilities: ZEPP_EXPORT_CAPABILITIES,

    async *list(list: ListOptions): AsyncIterable<WorkoutRef> {
      const sinceMs = list.since !== undefined ? Date.parse(list.since) : null;
      // Exports requested at different times repeat old rows; the start second identifies a workout.
      const seen = new Set<string>();
      const entries = await findExportEntries(options.zipPath);
      for (const entry of entries.sport) {
        for await (const { line, columns, row } of readSportRows(options.zipPath, entry, list.signal, options.password)) {
          const handle: ExportHandle = { entry: entry.name, line, units: columns.units, record: recordOf(columns, row) };
          const parsed = ExportHandle.safeParse(handle);
          const startMs = parsed.success ? ctx.parseTime(handle.record.startTime ?? '') : null;
          if (startMs === null) {
            // Still listed, so fetch() reports the bad row with its reason instead of it vanishing.
            if (sinceMs === null) yield { sourceId: `invalid:${entry.name}:${line}`, startTime: new Date(0).toISOString(), handle };
            continue;
          }
          if (sinceMs !== null && startMs < sinceMs) continue;
          const sourceId = String(Math.floor(startMs / 1000));
          if (seen.has(sourceId)) continue;
          seen.add(sourceId);
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
          const { bytes, name } = await readDetailEntry(options.zipPath, entry, options.password, list.signal);
          const decoded = decodeFile(bytes, name);
          if (decoded.ok) startTime = new Date(Date.parse(decoded.workout.startTime)).toISOString();
        } catch {
          // fetch() reports the reason for this entry alone.
        }
        if (sinceMs !== null && Date.parse(startTime) < sinceMs) continue;
        yield { sourceId: `file:${entry.name}`, startTime, handle, revision: `${entry.crc32.toString(16)}:${entry.size}` };
      }
    },

    async fetch(ref: WorkoutRef, signal?: AbortSignal): Promise<FetchedWorkout> {
      const detail = DetailHandle.safeParse(ref.handle);
      if (detail.success) return fetchDetail(detail.data.detail, ref.sourceId, signal);
      const parsed = ExportHandle.safeParse(ref.handle);
      const where = `${options.zipPath}`;
      if (!parsed.success) throw new BandsyncError('source_file_invalid', `${where}: row is not a workout summary (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
      const result = sportRowToWorkout(parsed.data, ctx);
      if (!result.ok) throw new BandsyncError('source_file_invalid', `${where}: ${parsed.data.entry}: ${result.reason}`);
      return { workout: result.workout, issues: result.issues };
    },
  };
}
