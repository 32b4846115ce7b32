// A Gadgetbridge database export (+ the GPX files it wrote) as a Source.
// Workouts with a track come with GPS; the others get heart rate from the
// band's activity samples. The database file is only ever read.
import { stat } from 'node:fs/promises';
import { decodeFile } from '../../core/formats/codec.js';
import { fnv1a64 } from '../../core/workout/fingerprint.js';
import type { DecodeResult } from '../../core/workout/types.js';
import type { FetchedWorkout, ListOptions, Source, SourceCapabilities, WorkoutRef } from '../../sync/ports.js';
import { BandsyncError } from '../../sync/failures.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import {
  asDamaged,
  heartRateSamples,
  openGadgetbridgeDb,
  queryAll,
  queryEach,
  readGpx,
  type OpenedDb,
} from './client.js';
import { GadgetbridgeHandle, SummaryData, SummaryRow } from './schema.js';
import { isHuamiDevice, summaryToWorkout } from './to-workout.js';

export interface GadgetbridgeOptions {
  readonly dbPath: string;
  /** Folder holding the GPX files Gadgetbridge exported; without it, workouts carry heart rate only. */
  readonly gpxDir?: string;
  readonly accountId: string;
  /** The wearer's UTC offset in seconds; by default the machine's zone rules at each workout's date. */
  readonly utcOffsetSeconds?: number;
  /** Also read workouts of non-Huami devices (default: Mi Band / Amazfit / Zepp only). */
  readonly allDevices?: boolean;
  /** The file decoder (default: core's, FIT/TCX/GPX recognised by content). */
  readonly decode?: (bytes: Uint8Array, fileName: string, limits?: InputLimits) => DecodeResult;
  /** Budgets for what is read (database and GPX bytes, samples…); defaults to DEFAULT_LIMITS. */
  readonly limits?: InputLimits;
}

export interface GadgetbridgeSource extends Source {
  /** Drops the in-memory copy of the database. */
  close(): void;
}

export const GADGETBRIDGE_CAPABILITIES: SourceCapabilities = {
  hasGps: true,
  incrementalListing: false,
  rawSamples: true,
};

const systemOffsetAt = (utcMs: number): number => -new Date(utcMs).getTimezoneOffset() * 60;

export function createGadgetbridgeSource(options: GadgetbridgeOptions): GadgetbridgeSource {
  const decode = options.decode ?? decodeFile;
  const limits = options.limits ?? DEFAULT_LIMITS;
  let cached: OpenedDb | null = null;

  /** The database as it is on disk now: re-read when the file changed (a newer export). */
  async function database(): Promise<OpenedDb> {
    const info = await stat(options.dbPath).catch(() => null);
    const version = info ? `${info.size}:${Math.floor(info.mtimeMs)}` : null;
    if (cached && cached.version === version) return cached;
    cached?.db.close();
    cached = null;
    cached = await openGadgetbridgeDb(options.dbPath, limits);
    return cached;
  }

  const wanted = (opened: OpenedDb, deviceId: number): boolean =>
    options.allDevices === true || isHuamiDevice(opened.devices.get(deviceId));

  return {
    kind: 'gadgetbridge',
    capabilities: GADGETBRIDGE_CAPABILITIES,

    async *list(list: ListOptions): AsyncIterable<WorkoutRef> {
      try {
        const opened = await database();
        const sinceMs = list.since !== undefined ? Date.parse(list.since) : 0;
        const sql = 'SELECT * FROM BASE_ACTIVITY_SUMMARY WHERE START_TIME >= ? ORDER BY START_TIME, _id';
        for (const raw of queryEach(opened.db, sql, [sinceMs])) {
          list.signal?.throwIfAborted();
          const parsed = SummaryRow.safeParse(raw);
          if (!parsed.success) continue; // a row without times cannot be a workout
          const row = parsed.data;
          if (!wanted(opened, row.DEVICE_ID)) continue;
          const revision = fnv1a64(
            JSON.stringify([
              row.END_TIME,
              row.ACTIVITY_KIND,
              row.NAME ?? null,
              row.GPX_TRACK ?? null,
              row.SUMMARY_DATA ?? null,
            ]),
          );
          yield {
            sourceId: `${Math.floor(row.START_TIME / 1000)}-${row.DEVICE_ID}`,
            startTime: new Date(row.START_TIME).toISOString(),
            handle: { id: row._id, startMs: row.START_TIME } satisfies GadgetbridgeHandle,
            revision,
          };
        }
      } catch (err) {
        throw asDamaged(options.dbPath, err);
      }
    },

    async fetch(ref: WorkoutRef): Promise<FetchedWorkout> {
      return fetchRow(ref).catch((err: unknown) => {
        throw asDamaged(options.dbPath, err);
      });
    },

    close(): void {
      cached?.db.close();
      cached = null;
    },
  };

  async function fetchRow(ref: WorkoutRef): Promise<FetchedWorkout> {
    const handle = GadgetbridgeHandle.safeParse(ref.handle);
    if (!handle.success)
      throw new BandsyncError('source_file_invalid', `${options.dbPath}: not a Gadgetbridge workout handle`);
    const opened = await database();
    const [raw] = queryAll(opened.db, 'SELECT * FROM BASE_ACTIVITY_SUMMARY WHERE _id = ? AND START_TIME = ?', [
      handle.data.id,
      handle.data.startMs,
    ]);
    if (!raw)
      throw new BandsyncError(
        'source_file_invalid',
        `${options.dbPath}: workout ${ref.sourceId} is no longer in the database`,
      );
    const parsed = SummaryRow.safeParse(raw);
    if (!parsed.success)
      throw new BandsyncError(
        'source_file_invalid',
        `${options.dbPath}: BASE_ACTIVITY_SUMMARY._id=${handle.data.id}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
      );
    const row = parsed.data;

    let summary: SummaryData | null = null;
    const issues: FetchedWorkout['issues'][number][] = [];
    if (row.SUMMARY_DATA) {
      try {
        const s = SummaryData.safeParse(JSON.parse(row.SUMMARY_DATA));
        if (s.success) summary = s.data;
      } catch {
        issues.push({
          code: 'summary_unreadable',
          path: `BASE_ACTIVITY_SUMMARY._id=${row._id}.SUMMARY_DATA`,
          detail: 'not JSON; totals left out',
        });
      }
    }

    let gpx = null;
    if (row.GPX_TRACK && options.gpxDir) {
      const file = await readGpx(options.gpxDir, row.GPX_TRACK, limits);
      if (file) {
        try {
          gpx = decode(file.bytes, file.name, limits);
        } catch (err) {
          gpx = { ok: false as const, error: (err as Error).message, issues: [] };
        }
        // A track over a budget fails the workout with the limit to raise, rather than going up without it.
        if (!gpx.ok && gpx.issues[0]?.code === 'over_limit')
          throw new BandsyncError('source_over_limit', `${file.path}: ${gpx.error.replace(`${file.name}: `, '')}`);
      } else
        issues.push({
          code: 'gpx_missing',
          path: `BASE_ACTIVITY_SUMMARY._id=${row._id}.GPX_TRACK`,
          detail: `${row.GPX_TRACK.split(/[\\/]/).pop()} not found in ${options.gpxDir}`,
        });
    }
    const startSec = Math.floor(row.START_TIME / 1000);
    const heartRate = heartRateSamples(opened, row.DEVICE_ID, startSec, Math.ceil(row.END_TIME / 1000));
    const result = summaryToWorkout({
      row,
      summary,
      device: opened.devices.get(row.DEVICE_ID),
      heartRate,
      gpx,
      sourceId: ref.sourceId,
      accountId: options.accountId,
      utcOffsetSeconds: options.utcOffsetSeconds ?? systemOffsetAt(row.START_TIME),
    });
    if (!result.ok) throw new BandsyncError('source_file_invalid', `${options.dbPath}: ${result.reason}`);
    return { workout: result.workout, issues: [...issues, ...result.issues] };
  }
}
