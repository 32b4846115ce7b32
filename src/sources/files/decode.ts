// Picks the core decoder for a file's bytes. Kept in one place so the source
// does not care which formats core knows; gzip is undone before this.
import { decodeFit, type DecodeResult } from '../../core/index.js';

export type DecodeFn = (bytes: Uint8Array, fileName: string) => DecodeResult;

export const decodeWorkoutFile: DecodeFn = (bytes, fileName) => {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.fit')) return decodeFit(bytes);
  return { ok: false, error: `no decoder for ${fileName.split('.').pop()} files yet`, issues: [] };
};
