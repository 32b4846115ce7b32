// A decoded file → the workout as this source reports it: the source reference
// is ours (the decoder does not know which account or listing it came from).
import type { DecodeResult, Workout } from '../../core/index.js';
import type { FetchedWorkout } from '../../sync/ports.js';

export type FileMapResult =
  | { ok: true; fetched: FetchedWorkout }
  | { ok: false; reason: string; /** Over an input limit rather than damaged. */ overLimit?: true };

/**
 * Why a FIT file is shorter than its header says (copy interrupted, sync half
 * done), or null. A cut at a record boundary decodes without an error, so the
 * declared size is the only sure sign.
 */
export function fitTruncation(bytes: Uint8Array): string | null {
  const headerSize = bytes[0] ?? 0;
  const isFit =
    bytes.length >= 12 &&
    (headerSize === 12 || headerSize === 14) &&
    String.fromCharCode(bytes[8]!, bytes[9]!, bytes[10]!, bytes[11]!) === '.FIT';
  if (!isFit) return null;
  const dataSize = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
  const expected = headerSize + dataSize + 2; // + the file CRC
  return bytes.length < expected
    ? `truncated FIT file: ${bytes.length} of the ${expected} bytes its header declares; import the complete file`
    : null;
}

export function decodedToFetched(
  result: DecodeResult,
  ref: { sourceId: string; accountId: string; fileName: string },
): FileMapResult {
  if (!result.ok) {
    // The caller prefixes the full path itself; drop the decoder's own file-name prefix.
    const error = result.error.startsWith(`${ref.fileName}: `)
      ? result.error.slice(ref.fileName.length + 2)
      : result.error;
    const first = result.issues[0];
    if (first?.code === 'over_limit') return { ok: false, reason: error, overLimit: true };
    return { ok: false, reason: error + (first && !error.includes(first.detail) ? ` (${first.detail})` : '') };
  }
  // A file cut short (copy interrupted, sync half done) still decodes its first records; uploading that part
  // would leave a partial activity on Strava that the whole file could not replace later (no delete API).
  const cut = result.issues.find((i) => i.code === 'fit.decode_error' && /end of stream/i.test(i.detail));
  if (cut) return { ok: false, reason: `truncated FIT file: ${cut.detail}; import the complete file` };
  const workout: Workout = { ...result.workout, source: { kind: 'files', id: ref.sourceId, accountId: ref.accountId } };
  if (!(workout.elapsedSeconds > 0) || Number.isNaN(Date.parse(workout.startTime))) {
    return { ok: false, reason: 'not a workout (no start time or no duration)' };
  }
  return { ok: true, fetched: { workout, issues: result.issues } };
}
