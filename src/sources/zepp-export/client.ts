// I/O for the Zepp / Mi Fit personal-data export: finds the workout summary
// CSV(s) inside the zip and streams their rows, never unpacking to disk.
import { stat } from 'node:fs/promises';
import { BandsyncError } from '../../sync/failures.js';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { isFileEntry, readZipDirectory, readZipEntry, streamZipEntry, type ZipEntry } from '../files/zip.js';
import { parseCsv, type Row } from './csv.js';
import { sportColumns, type SportColumns } from './schema.js';

/** SPORT/SPORT_<millis>.csv in the layout the notes describe; any folder, any case. */
const SPORT_FILE = /(^|\/)SPORT(_\d+)?\.csv$/i;
/** HEARTRATE_AUTO/HEARTRATE_AUTO_<millis>.csv: all-day heart rate, one value per minute. */
const HEART_RATE_FILE = /(^|\/)HEARTRATE_AUTO(_\d+)?\.csv$/i;

const gunzipAsync = promisify(gunzip);
const MAX_DETAIL_BYTES = 64 * 1024 * 1024;

export interface SportCsvRow {
  readonly entry: string;
  readonly line: number; // 1-based data row number (header excluded)
  readonly columns: SportColumns;
  readonly row: Row;
}

/** Per-workout files some exports carry (or a user added): FIT / TCX / GPX, maybe gzipped. */
const DETAIL_FILE = /\.(fit|tcx|gpx)(\.gz)?$/i;

export interface ExportEntries {
  readonly sport: ZipEntry[];
  readonly detail: ZipEntry[];
  readonly heartRate: ZipEntry[];
}

export async function findExportEntries(zipPath: string): Promise<ExportEntries> {
  try {
    await stat(zipPath);
  } catch {
    throw new BandsyncError('source_unavailable', `${zipPath}: the export file cannot be read (moved or deleted?)`);
  }
  const files = (await readZipDirectory(zipPath)).filter(isFileEntry);
  const byName = (a: ZipEntry, b: ZipEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const sport = files.filter((e) => SPORT_FILE.test(e.name)).sort(byName);
  const detail = files.filter((e) => DETAIL_FILE.test(e.name)).sort(byName);
  const heartRate = files.filter((e) => HEART_RATE_FILE.test(e.name)).sort(byName);
  if (sport.length === 0 && detail.length === 0)
    throw new BandsyncError(
      'source_file_invalid',
      `${zipPath}: no SPORT/SPORT_*.csv in this zip; is it the Zepp / Mi Fit data export?`,
    );
  return { sport, detail, heartRate };
}

/** One per-workout file's bytes (gunzipped), for the core decoder. */
export async function readDetailEntry(
  zipPath: string,
  entry: ZipEntry,
  password?: string,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; name: string }> {
  const bytes = await readZipEntry(zipPath, entry, MAX_DETAIL_BYTES, signal, password);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return {
        bytes: await gunzipAsync(bytes, { maxOutputLength: MAX_DETAIL_BYTES }),
        name: entry.name.replace(/\.gz$/i, ''),
      };
    } catch (err) {
      throw new BandsyncError(
        'source_file_invalid',
        `${zipPath}: ${entry.name}: gzip data is damaged or too large (${(err as Error).message})`,
      );
    }
  }
  return { bytes, name: entry.name };
}

/** Streams the rows of one SPORT CSV with the columns found in its header. */
export async function* readSportRows(
  zipPath: string,
  entry: ZipEntry,
  signal?: AbortSignal,
  password?: string,
): AsyncGenerator<SportCsvRow> {
  let columns: SportColumns | null = null;
  let line = 0;
  try {
    for await (const row of parseCsv(streamZipEntry(zipPath, entry, signal, password))) {
      if (columns === null) {
        columns = sportColumns(row);
        if (columns === null)
          throw new BandsyncError(
            'source_file_invalid',
            `${zipPath}: ${entry.name}: header has no "type" and "startTime" columns (found: ${row.join(', ').slice(0, 200)})`,
          );
        continue;
      }
      line++;
      yield { entry: entry.name, line, columns, row };
    }
  } catch (err) {
    if (err instanceof TypeError && /encod|decode/i.test(err.message)) {
      throw new BandsyncError(
        'source_file_invalid',
        `${zipPath}: ${entry.name}: not UTF-8 or UTF-16 text (re-saved with another encoding?)`,
      );
    }
    throw err;
  }
}

/** Streams every row (header first) of one CSV entry; used for HEARTRATE_AUTO. */
export async function* readCsvRows(
  zipPath: string,
  entry: ZipEntry,
  signal?: AbortSignal,
  password?: string,
): AsyncGenerator<Row> {
  try {
    yield* parseCsv(streamZipEntry(zipPath, entry, signal, password));
  } catch (err) {
    if (err instanceof TypeError && /encod|decode/i.test(err.message)) {
      throw new BandsyncError(
        'source_file_invalid',
        `${zipPath}: ${entry.name}: not UTF-8 or UTF-16 text (re-saved with another encoding?)`,
      );
    }
    throw err;
  }
}
