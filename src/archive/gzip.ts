// gzip undone within a budget: zlib stops at `maxOutputLength`, so a small
// file that claims gigabytes costs at most the budget. Sniffing is core's
// (isGzip), the one place that knows the magic bytes.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { isGzip } from '../core/formats/sniff.js';
import { DEFAULT_LIMITS, type InputLimits } from '../core/limits.js';
import { fileInvalid, overLimit } from './errors.js';

const gunzipAsync = promisify(gunzip);

export { isGzip };

/**
 * The content of gzip `bytes` (several members are read in turn, as gzip
 * does): it is held in memory, so at most limits.fileBytes of it (or
 * limits.inflatedBytes, if lower); `where` names the file in errors.
 */
export async function gunzipWithin(
  bytes: Uint8Array,
  where: string,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<Uint8Array> {
  const budget = limits.inflatedBytes < limits.fileBytes ? 'inflatedBytes' : 'fileBytes';
  try {
    return await gunzipAsync(bytes, { maxOutputLength: limits[budget] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
      throw overLimit(where, 'the gzip content', budget, limits);
    throw fileInvalid(where, `gzip data is damaged (${e.message})`);
  }
}

/** The bytes as they are, or their gzip content (and the name without .gz). */
export async function maybeGunzip(
  bytes: Uint8Array,
  name: string,
  where: string,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<{ bytes: Uint8Array; name: string }> {
  if (!isGzip(bytes)) return { bytes, name };
  return { bytes: await gunzipWithin(bytes, where, limits), name: name.replace(/\.gz$/i, '') };
}
