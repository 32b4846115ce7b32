// The core decoder every file source uses (FIT, TCX, GPX, recognised by
// content). Gzip is undone before this, by the reader.
import { decodeFile, type DecodeResult } from '../../core/index.js';

export type DecodeFn = (bytes: Uint8Array, fileName: string) => DecodeResult;

export const decodeWorkoutFile: DecodeFn = (bytes, fileName) => decodeFile(bytes, fileName);
