// I/O for the Zepp / Mi Fit personal-data export: finds the workout summary
// CSV(s) inside the zip and streams their rows, never unpacking to disk.
import { stat } from 'node:fs/promises';
import { BandsyncError } from '../../sync/failures.js';
import { isFileEntry, readZipDirectory, streamZipEntry, type ZipEntry } from '../files/zip.js';
import { parseCsv, type Row } from './csv.js';
import { sportColumns, type SportColumns } from './schema.js';

/** SPORT/SPORT_<millis>.csv in the layout the notes describe; any folder, any case. */
const SPORT_FILE = /(^|\/)SPORT(_\d+)?\.csv$/i;

export interface SportCsvRow {
  readonly entry: string;
  readonly line: number; // 1-based data row number (header excluded)
  readonly columns: SportColumns;
  readonly row: Row;
}

export async function findSportEntries(zipPath: string): Promise<ZipEntry[]> {
  try {
    await stat(zipPath);
  } catch {
    throw new BandsyncError('source_unavailable', `${zipPath}: the export file cannot be read (moved or deleted?)`);
  }
  const entries = (await readZipDirectory(zipPath)).filter((e) => isFileEntry(e) && SPORT_FILE.test(e.name));
  if (entries.length === 0) throw new BandsyncError('source_file_invalid', `${zipPath}: no SPORT/SPORT_*.csv in this zip; is it the Zepp / Mi Fit data export?`);
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/** Streams the rows of one SPORT CSV with the columns found in its header. */
export async function* readSportRows(zipPath: string, entry: ZipEntry, signal?: AbortSignal, password?: string): AsyncGenerator<SportCsvRow> {
  let columns: SportColumns | null = null;
  let line = 0;
  try {
    for await (const row of parseCsv(streamZipEntry(zipPath, entry, signal, password))) {
      if (columns === null) {
        columns = sportColumns(row);
        if (columns === null) throw new BandsyncError('source_file_invalid', `${zipPath}: ${entry.name}: header has no "type" and "startTime" columns (found: ${row.join(', ').slice(0, 200)})`);
        continue;
      }
      line++;
      yield { entry: entry.name, line, columns, row };
    }
  } catch (err) {
    if (err instanceof TypeError && /encod|decode/i.test(err.message)) {
      throw new BandsyncError('source_file_invalid', `${zipPath}: ${entry.name}: not UTF-8 or UTF-16 text (re-saved with another encoding?)`);
    }
    throw err;
  }
}
