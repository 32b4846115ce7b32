// I/O for the Zepp / Mi Fit personal-data export: finds the workout summary
// CSV(s) inside the zip and streams their rows, never unpacking to disk;
// every read within the input limits.
import { BandsyncError } from '../../sync/failures.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import {
  isFileEntry,
  maybeGunzip,
  openZipFile,
  type Row,
  type ZipArchive,
  type ZipEntry,
} from '../../archive/index.js';
import { sportColumns, type SportColumns } from './schema.js';

/** SPORT/SPORT_<millis>.csv in the layout the notes describe; any folder, any case. */
const SPORT_FILE = /(^|\/)SPORT(_\d+)?\.csv$/i;
/** HEARTRATE_AUTO/HEARTRATE_AUTO_<millis>.csv: all-day heart rate, one value per minute. */
const HEART_RATE_FILE = /(^|\/)HEARTRATE_AUTO(_\d+)?\.csv$/i;

export interface SportCsvRow {
  readonly entry: string;
  readonly line: number; // 1-based data row number (header excluded)
  readonly columns: SportColumns;
  readonly row: Row;
}

/** Per-workout files some exports carry (or a user added): FIT / TCX / GPX, maybe gzipped. */
const DETAIL_FILE = /\.(fit|tcx|gpx)(\.gz)?$/i;

export interface ExportEntries {
  readonly zip: ZipArchive;
  readonly sport: ZipEntry[];
  readonly detail: ZipEntry[];
  readonly heartRate: ZipEntry[];
}

/** Opens the export (its directory read once) and picks out the files bandsync reads. */
export async function findExportEntries(zipPath: string, limits: InputLimits = DEFAULT_LIMITS): Promise<ExportEntries> {
  const zip = await openZipFile(zipPath, 'the export file', limits);
  const files = zip.entries.filter(isFileEntry);
  const byName = (a: ZipEntry, b: ZipEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const sport = files.filter((e) => SPORT_FILE.test(e.name)).sort(byName);
  const detail = files.filter((e) => DETAIL_FILE.test(e.name)).sort(byName);
  const heartRate = files.filter((e) => HEART_RATE_FILE.test(e.name)).sort(byName);
  if (sport.length === 0 && detail.length === 0)
    throw new BandsyncError(
      'source_file_invalid',
      `${zipPath}: no SPORT/SPORT_*.csv in this zip; is it the Zepp / Mi Fit data export?`,
    );
  return { zip, sport, detail, heartRate };
}

/** One per-workout file's bytes (gunzipped), for the core decoder. */
export async function readDetailEntry(
  zip: ZipArchive,
  entry: ZipEntry,
  password?: string,
  signal?: AbortSignal,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<{ bytes: Uint8Array; name: string }> {
  const bytes = await zip.read(entry, { password, signal });
  return maybeGunzip(bytes, entry.name, `${zip.path}: ${entry.name}`, limits);
}

/** Streams the rows of one SPORT CSV with the columns found in its header. */
export async function* readSportRows(
  zip: ZipArchive,
  entry: ZipEntry,
  signal?: AbortSignal,
  password?: string,
): AsyncGenerator<SportCsvRow> {
  let columns: SportColumns | null = null;
  let line = 0;
  for await (const row of zip.csvRows(entry, { signal, password })) {
    if (columns === null) {
      columns = sportColumns(row);
      if (columns === null)
        throw new BandsyncError(
          'source_file_invalid',
          `${zip.path}: ${entry.name}: header has no "type" and "startTime" columns (found: ${row.join(', ').slice(0, 200)})`,
        );
      continue;
    }
    line++;
    yield { entry: entry.name, line, columns, row };
  }
}
