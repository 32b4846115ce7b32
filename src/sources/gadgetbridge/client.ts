// I/O for a Gadgetbridge export: the SQLite file is read into memory with
// sql.js and never written back (Gadgetbridge owns it), and the GPX files it
// wrote are looked up inside the folder the user named, by file name only.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type initSqlJs from 'sql.js';
import type { Database, SqlValue } from 'sql.js';
import { BandsyncError } from '../../sync/failures.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import { readFileWithin } from '../../archive/index.js';
import { DeviceRow } from './schema.js';

let sqlJs: ReturnType<typeof initSqlJs> | null = null;

/** Activity-sample tables that carry per-minute heart rate for Huami / Zepp bands. */
export const HR_SAMPLE_TABLES = ['MI_BAND_ACTIVITY_SAMPLE', 'HUAMI_EXTENDED_ACTIVITY_SAMPLE'] as const;

export interface OpenedDb {
  readonly db: Database;
  readonly tables: ReadonlySet<string>;
  readonly devices: ReadonlyMap<number, DeviceRow>;
  readonly version: string; // size + mtime of the file it was read from
}

export async function openGadgetbridgeDb(dbPath: string, limits: InputLimits = DEFAULT_LIMITS): Promise<OpenedDb> {
  let info;
  try {
    info = await stat(dbPath);
  } catch {
    throw new BandsyncError(
      'source_unavailable',
      `${dbPath}: the Gadgetbridge database cannot be read (moved or deleted?)`,
    );
  }
  // Read-only by construction: the bytes are copied into memory (within limits.databaseBytes) and the
  // file is never opened for writing.
  const bytes = Buffer.from(await readFileWithin(dbPath, { limits, budget: 'databaseBytes' }));
  if (bytes.length < 100 || bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') {
    throw new BandsyncError(
      'source_file_invalid',
      `${dbPath}: not an SQLite database (export it from Gadgetbridge: Settings → Database management → Export DB)`,
    );
  }
  // Loaded on first use: every command that builds the sources (status too) would load it otherwise.
  sqlJs ??= import('sql.js').then(({ default: init }) => init());
  const SQL = await sqlJs;
  let db: Database;
  try {
    db = new SQL.Database(bytes);
    db.exec('PRAGMA query_only = 1');
  } catch (err) {
    throw new BandsyncError('source_file_invalid', `${dbPath}: the database is damaged (${(err as Error).message})`);
  }
  // Reading the schema is where a damaged file shows (sql.js opens lazily): its own error, not an internal one.
  let tables: Set<string>;
  const devices = new Map<number, DeviceRow>();
  try {
    tables = new Set(queryAll(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r.name)));
    if (!tables.has('BASE_ACTIVITY_SUMMARY')) {
      throw new BandsyncError(
        'source_file_invalid',
        `${dbPath}: no BASE_ACTIVITY_SUMMARY table; is this a Gadgetbridge database?`,
      );
    }
    if (tables.has('DEVICE')) {
      for (const row of queryAll(db, 'SELECT * FROM DEVICE')) {
        const parsed = DeviceRow.safeParse(row);
        if (parsed.success) devices.set(parsed.data._id, parsed.data);
      }
    }
  } catch (err) {
    db.close();
    throw asDamaged(dbPath, err);
  }
  return { db, tables, devices, version: `${info.size}:${Math.floor(info.mtimeMs)}` };
}

/** sql.js's errors on a damaged file ("database disk image is malformed") as that database's own failure. */
export function asDamaged(dbPath: string, err: unknown): BandsyncError {
  if (err instanceof BandsyncError) return err;
  return new BandsyncError('source_file_invalid', `${dbPath}: the database is damaged (${(err as Error).message})`);
}

export function queryAll(db: Database, sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const rows: Record<string, SqlValue>[] = [];
    while (stmt.step()) rows.push(stmt.getAsObject());
    return rows;
  } finally {
    stmt.free();
  }
}

/** Rows one at a time, so a long history is never materialised at once. */
export function* queryEach(db: Database, sql: string, params: SqlValue[] = []): Generator<Record<string, SqlValue>> {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    while (stmt.step()) yield stmt.getAsObject();
  } finally {
    stmt.free();
  }
}

/** Heart rate samples [epoch s, bpm] of one device in a time window, from every sample table present. */
export function heartRateSamples(
  opened: OpenedDb,
  deviceId: number,
  fromSec: number,
  toSec: number,
): [number, number][] {
  const byTime = new Map<number, number>();
  for (const table of HR_SAMPLE_TABLES) {
    if (!opened.tables.has(table)) continue;
    // 0, 255 and negative values are Gadgetbridge's "no reading" markers.
    const sql = `SELECT TIMESTAMP AS t, HEART_RATE AS hr FROM ${table} WHERE DEVICE_ID = ? AND TIMESTAMP >= ? AND TIMESTAMP <= ? AND HEART_RATE > 0 AND HEART_RATE < 255 ORDER BY TIMESTAMP`;
    for (const row of queryEach(opened.db, sql, [deviceId, fromSec, toSec])) byTime.set(Number(row.t), Number(row.hr));
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * The GPX Gadgetbridge wrote for a workout. GPX_TRACK holds a path on the
 * phone; only its file name is used, looked up inside `gpxDir`, so a crafted
 * database cannot make us read anything outside that folder.
 */
export async function readGpx(
  gpxDir: string,
  gpxTrack: string,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<{ bytes: Uint8Array; name: string; path: string } | null> {
  const name = gpxTrack.split(/[\\/]/).pop() ?? '';
  if (name === '' || name === '.' || name === '..' || !/\.gpx$/i.test(name)) return null;
  const file = path.join(path.resolve(gpxDir), name);
  try {
    return { bytes: await readFileWithin(file, { limits }), name, path: file };
  } catch (err) {
    // Missing is the caller's issue to report; too large or not a file is this workout's failure.
    if (err instanceof BandsyncError && err.code !== 'source_unavailable') throw err;
    return null;
  }
}
