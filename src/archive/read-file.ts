// Reading a whole file into memory, within a budget: the size is checked
// before a byte is read (stat), and the read itself stops one byte past the
// budget, so a file that grows while it is read cannot slip through either.
import { open, stat } from 'node:fs/promises';
import { DEFAULT_LIMITS, type InputLimits } from '../core/limits.js';
import { BandsyncError } from '../sync/failures.js';
import { fileInvalid, overLimit } from './errors.js';
import { groupDigits } from '../core/group-digits.js';

export interface ReadWithinOptions {
  readonly limits?: InputLimits;
  /** Which budget applies: a workout file (default) or a database read whole. */
  readonly budget?: 'fileBytes' | 'databaseBytes';
  readonly signal?: AbortSignal;
}

/** The file's bytes; a missing file is `source_unavailable`, a folder or an oversize file this file's own failure. */
export async function readFileWithin(path: string, options: ReadWithinOptions = {}): Promise<Uint8Array> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const budget = options.budget ?? 'fileBytes';
  const max = limits[budget];
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new BandsyncError('source_unavailable', `${path}: file is gone (moved or deleted?)`);
  }
  if (info.isDirectory()) throw fileInvalid(path, 'it is a folder, not a file');
  if (info.size > max) throw overLimit(path, `the file (${groupDigits(info.size)} bytes)`, budget, limits);
  options.signal?.throwIfAborted();
  const fh = await open(path, 'r');
  try {
    const bytes = new Uint8Array(Math.min(info.size, max) + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await fh.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled > max) throw overLimit(path, 'the file (it grew while being read)', budget, limits);
      options.signal?.throwIfAborted();
    }
    return bytes.subarray(0, filled);
  } finally {
    await fh.close();
  }
}
