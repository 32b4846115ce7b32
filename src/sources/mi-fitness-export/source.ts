// The Mi Fitness privacy-centre export as a Source (notes §6): one workout per
// sport-record row, matched to the track CSV's GPX links by time. A link that
// expired is said per workout (ledger issue); a workout left with no track is
// summary-only, uploaded only when the user allows it (the same setting as the
// cloud source), else held with the reason.
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import { fnv1a64 } from '../../core/workout/fingerprint.js';
import type { FetchedWorkout, ListOptions, Source, WorkoutRef } from '../../sync/ports.js';
import { BandsyncError } from '../../sync/failures.js';
import { parseWorkout } from '../mi-fitness/index.js';
import { miSourceId } from '../mi-fitness/to-workout.js';
import { downloadGpx, findEntries } from './client.js';
import { exportHandleSchema, sportRecordColumns, trackColumns } from './schema.js';
import { exportToWorkout, gpxPoints } from './to-workout.js';

export interface MiFitnessExportOptions {
  readonly zipPath: string;
  readonly accountId: string;
  readonly password?: string;
  readonly allowSummaryOnly?: boolean;
  readonly fetch?: typeof fetch;
  /** Budgets for what is read (entries, inflated bytes, CSV rows, GPX bytes…); defaults to DEFAULT_LIMITS. */
  readonly limits?: InputLimits;
}

export function createMiFitnessExportSource(options: MiFitnessExportOptions) {
  const doFetch = options.fetch ?? fetch;
  const limits = options.limits ?? DEFAULT_LIMITS;

  async function* list(listOptions: ListOptions): AsyncIterable<WorkoutRef> {
    const { zip, records, tracks } = await findEntries(options.zipPath, limits);
    // Track links by time; the export is small enough (one row per workout) to hold.
    const links: { time: number; url: string }[] = [];
    for (const entry of tracks) {
      let cols: ReturnType<typeof trackColumns> = null;
      for await (const row of zip.csvRows(entry, { password: options.password, signal: listOptions.signal })) {
        if (!cols) {
          cols = trackColumns(row);
          if (!cols) break;
          continue;
        }
        const time = Number(row[cols.time]);
        const url = row[cols.gpx]?.trim();
        if (Number.isFinite(time) && url) links.push({ time: time > 1e12 ? Math.round(time / 1000) : time, url });
      }
    }
    const since = listOptions.since ? Date.parse(listOptions.since) / 1000 : Number.NEGATIVE_INFINITY;
    for (const entry of records) {
      let cols: ReturnType<typeof sportRecordColumns> = null;
      let line = 0;
      for await (const row of zip.csvRows(entry, { password: options.password, signal: listOptions.signal })) {
        if (!cols) {
          cols = sportRecordColumns(row);
          if (!cols)
            throw new BandsyncError(
              'source_file_invalid',
              `${options.zipPath}: ${entry.name}: no "Value" column in its header`,
            );
          continue;
        }
        line++;
        const value = row[cols.value] ?? '';
        let summary: Record<string, unknown>;
        try {
          summary = JSON.parse(value) as Record<string, unknown>;
        } catch {
          continue; // not a workout row; the file's other rows still count
        }
        const start = Number(summary.start_time);
        if (!Number.isFinite(start) || start <= 0 || start < since) continue;
        const end = Number(summary.end_time) || start + (Number(summary.duration) || 0);
        const cell = (i: number | undefined) => (i === undefined ? undefined : row[i]?.trim() || undefined);
        const time = Number(cell(cols.time) ?? summary.time ?? start);
        const envelope = {
          sid: cell(cols.sid) ?? String(summary.did ?? 'export'),
          key:
            cell(cols.key) ??
            (summary.sport_type !== undefined ? `sport_type_${String(summary.sport_type)}` : 'unknown'),
          time: time > 1e12 ? Math.round(time / 1000) : time,
          ...(cell(cols.category) ? { category: cell(cols.category) } : {}),
          value,
        };
        const gpx = links.filter((l) => l.time >= start - 60 && l.time <= end + 60).map((l) => l.url);
        yield {
          sourceId: miSourceId(envelope),
          startTime: new Date(start * 1000).toISOString().replace('.000Z', 'Z'),
          handle: { envelope, gpx, where: `${entry.name} row ${line}` },
          revision: fnv1a64(JSON.stringify(envelope)),
        };
      }
    }
  }

  async function fetchWorkout(ref: WorkoutRef, signal?: AbortSignal): Promise<FetchedWorkout> {
    const handle = exportHandleSchema.safeParse(ref.handle);
    if (!handle.success) throw new BandsyncError('source_file_invalid', `export workout ${ref.sourceId}: bad handle`);
    let envelope, summary;
    try {
      ({ envelope, summary } = parseWorkout(handle.data.envelope, handle.data.where));
    } catch (err) {
      throw new BandsyncError('source_file_invalid', `${options.zipPath}: ${(err as Error).message}`);
    }
    const missing: string[] = [];
    let points: ReturnType<typeof gpxPoints>['points'] = [];
    if (handle.data.gpx.length === 0) missing.push('the export lists no GPX track for this workout');
    for (const url of handle.data.gpx) {
      const got = await downloadGpx(url, doFetch, signal, limits);
      if ('why' in got) {
        missing.push(got.why);
        continue;
      }
      const decoded = gpxPoints(got.bytes, limits);
      if (decoded.problem) missing.push(decoded.problem);
      points = points.concat(decoded.points);
    }
    if (points.length === 0 && !options.allowSummaryOnly)
      throw new BandsyncError(
        'mi_fitness_detail_missing',
        `held: no track (${missing.join('; ')}); set summaryOnlyUploads = true (BANDSYNC_SUMMARY_ONLY=true) to send it from its summary`,
      );
    const { workout, issues } = exportToWorkout(envelope, summary, { points, missing }, options.accountId);
    if (points.length === 0)
      issues.push({
        code: 'mi_fitness_summary_only',
        path: 'export.gpx',
        detail: `uploaded from the summary alone (allowed by the summary-only setting); missing: ${missing.join('; ')}`,
      });
    return { workout, issues };
  }

  return {
    kind: 'mi-fitness-export' as const,
    capabilities: { hasGps: true, incrementalListing: false, rawSamples: true },
    list,
    fetch: fetchWorkout,
  } satisfies Source;
}
