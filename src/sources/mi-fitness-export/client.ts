// I/O for the Mi Fitness privacy-centre export: streams the sport-record and
// track CSVs out of the (password-protected) zip, never unpacking to disk, and
// fetches a GPX link, which Xiaomi lets expire: a refused or unreachable link
// is an answer (null + why), not an error.
import { stat } from 'node:fs/promises';
import { BandsyncError } from '../../sync/failures.js';
import { isFileEntry, readZipDirectory, streamZipEntry, type ZipEntry } from '../files/zip.js';
import { parseCsv, type Row } from '../zepp-export/csv.js';
import { SPORT_RECORD_FILE, TRACK_FILE } from './schema.js';

export async function findEntries(zipPath: string): Promise<{ records: ZipEntry[]; tracks: ZipEntry[] }> {
  try {
    await stat(zipPath);
  } catch {
    throw new BandsyncError('source_unavailable', `${zipPath}: the export file cannot be read (moved or deleted?)`);
  }
  const files = (await readZipDirectory(zipPath)).filter(isFileEntry);
  const records = files.filter((e) => SPORT_RECORD_FILE.test(e.name));
  const tracks = files.filter((e) => TRACK_FILE.test(e.name));
  if (records.length === 0)
    throw new BandsyncError(
      'source_file_invalid',
      `${zipPath}: no *_MiFitness_hlth_center_sport_record.csv in this zip; is it the Mi Fitness privacy-centre export?`,
    );
  return { records, tracks };
}

export async function* csvRows(
  zipPath: string,
  entry: ZipEntry,
  password?: string,
  signal?: AbortSignal,
): AsyncGenerator<Row> {
  yield* parseCsv(streamZipEntry(zipPath, entry, signal, password));
}

const MAX_GPX_BYTES = 32 * 1024 * 1024;

export async function downloadGpx(
  url: string,
  doFetch: typeof fetch,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array } | { why: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { why: 'the export gives no valid GPX address' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { why: 'the GPX address is not http(s)' };
  try {
    const res = await doFetch(url, { redirect: 'follow', signal: signal ?? AbortSignal.timeout(20_000) });
    if (!res.ok) {
      await res.body?.cancel();
      return { why: `the GPX link has expired or is refused (HTTP ${res.status})` };
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > MAX_GPX_BYTES) return { why: `the GPX file is larger than ${MAX_GPX_BYTES} bytes` };
    return { bytes };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { why: `the GPX link cannot be reached (${err instanceof Error ? err.message : String(err)})` };
  }
}
