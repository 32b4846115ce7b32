// Locates corpus files: the permissive copies in test/fixtures/corpus, else the
// shared corpus beside the repo (AGPL files live only there).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
