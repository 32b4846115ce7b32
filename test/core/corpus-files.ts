// Locates corpus files: the permissive copies in test/fixtures/corpus, else the
// shared corpus beside the repo (AGPL files live only there).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodeFile, isGzip, summarize, type DecodeResult } from '../../src/core/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const local = resolve(repoRoot, 'test/fixtures/corpus');
const shared = resolve(repoRoot, '../shared/corpus/files');

export function corpusPath(name: string): string | null {
  for (const dir of [local, shared]) if (existsSync(resolve(dir, name))) return resolve(dir, name);
  return null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Expected = Record<string, any>;

export function expectedTable(): Record<string, Expected> {
  const path = existsSync(resolve(local, 'expected.json'))
    ? resolve(local, 'expected.json')
    : resolve(shared, '../expected.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, Expected> }).files;
}

/** Decodes a corpus file (un-gzipped first) as `inspect` does. */
export function decodeCorpus(name: string): DecodeResult {
  let bytes = new Uint8Array(readFileSync(corpusPath(name)!));
  if (isGzip(bytes)) bytes = new Uint8Array(gunzipSync(bytes));
  return decodeFile(bytes, name.replace(/\.gz$/, ''));
}

/** The decoded workout and its summary; throws when the file does not decode. */
export function summarizeCorpus(name: string) {
  const r = decodeCorpus(name);
  if (!r.ok) throw new Error(r.error);
  return { ...r, summary: summarize(r.workout, r.issues) };
}
