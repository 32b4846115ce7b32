// The Zepp / Mi Fit data export as a Source: summaries only, so fetched
// workouts have totals and no samples (capabilities.rawSamples = false) and
// the engine sends them as manual activities.
import type { FetchedWorkout, ListOptions, Source, SourceCapabilities, WorkoutRef } from '../../sync/ports.js';
import { BandsyncError } from '../../sync/failures.js';
import { mapZeppSport } from '../zepp-common/index.js';
import { findSportEntries, readSportRows } from './client.js';
import { parseExportTime } from './parse-time.js';
import { ExportHandle, recordOf } from './schema.js';
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

  return {
    kind: 'zepp-export',
    capabilities: ZEPP_EXPORT_CAPABILITIES,

    async *list(list: ListOptions): AsyncIterable<WorkoutRef> {
      const sinceMs = list.since !== undefined ? Date.parse(list.since) : null;
      // Exports requested at different times repeat old rows; the start second identifies a workout.
      const seen = new Set<string>();
      for (const entry of await findSportEntries(options.zipPath)) {
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
    },

    async fetch(ref: WorkoutRef): Promise<FetchedWorkout> {
      const parsed = ExportHandle.safeParse(ref.handle);
      const where = `${options.zipPath}`;
      if (!parsed.success) throw new BandsyncError('source_file_invalid', `${where}: row is not a workout summary (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
      const result = sportRowToWorkout(parsed.data, ctx);
      if (!result.ok) throw new BandsyncError('source_file_invalid', `${where}: ${parsed.data.entry}: ${result.reason}`);
      return { workout: result.workout, issues: result.issues };
    },
  };
}
