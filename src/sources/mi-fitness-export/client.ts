// I/O for the Mi Fitness privacy-centre export: streams the sport-record and
// track CSVs out of the (password-protected) zip, never unpacking to disk, and
// fetches a GPX link, which Xiaomi lets expire: a refused or unreachable link
// is an answer (null + why), not an error.
import { BandsyncError } from '../../sync/failures.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import { isFileEntry, openZipFile, overLimit, type ZipArchive, type ZipEntry } from '../../archive/index.js';
import { SPORT_RECORD_FILE, TRACK_FILE } from './schema.js';

export async function findEntries(
  zipPath: string,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<{ zip: ZipArchive; records: ZipEntry[]; tracks: ZipEntry[] }> {
  const zip = await openZipFile(zipPath, 'the export file', limits);
  const files = zip.entries.filter(isFileEntry);
  const records = files.filter((e) => SPORT_RECORD_FILE.test(e.name));
  const tracks = files.filter((e) => TRACK_FILE.test(e.name));
  if (records.length === 0)
    throw new BandsyncError(
      'source_file_invalid',
      `${zipPath}: no *_MiFitness_hlth_center_sport_record.csv in this zip; is it the Mi Fitness privacy-centre export?`,
    );
  return { zip, records, tracks };
}

/** A GPX the export links to, within limits.fileBytes (read as it arrives, never more). */
export async function downloadGpx(
  url: string,
  doFetch: typeof fetch,
  signal?: AbortSignal,
  limits: InputLimits = DEFAULT_LIMITS,
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
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of res.body ?? []) {
      total += (chunk as Uint8Array).length;
      if (total > limits.fileBytes) {
        await res.body?.cancel().catch(() => {});
        return { why: overLimit('the GPX link', 'its file', 'fileBytes', limits).message };
      }
      parts.push(chunk as Uint8Array);
    }
    return { bytes: Buffer.concat(parts, total) };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { why: `the GPX link cannot be reached (${err instanceof Error ? err.message : String(err)})` };
  }
}
