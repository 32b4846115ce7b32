// PGlite's initdb runs PostgreSQL's bootstrap inside WASM: 20–40 s on a busy
// machine, every time a data dir is created (each demo, each test). A fresh
// cluster is always the same, so the first one is dumped to a per-user cache
// and later fresh data dirs start from that dump (a few seconds). Keyed by the
// PGlite version; written atomically; any problem just falls back to initdb.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';
import type { PGlite } from '@electric-sql/pglite';

function pgliteVersion(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? null;
  } catch {
    return null;
  }
}

function templatePath(): string | null {
  if (process.env.BANDSYNC_PGLITE_TEMPLATE === 'off') return null;
  const version = pgliteVersion();
  if (!version) return null;
  const cacheDir = process.env.BANDSYNC_CACHE_DIR ?? envPaths('bandsync', { suffix: '' }).cache;
  return join(cacheDir, `pglite-${version}-initdb.tar.gz`);
}

/** True when `dir` holds no cluster yet (so a template may seed it). */
export function isFreshDataDir(dir: string): boolean {
  return !existsSync(join(dir, 'PG_VERSION'));
}

export async function readTemplate(): Promise<Blob | null> {
  const path = templatePath();
  if (!path) return null;
  try {
    return new Blob([await readFile(path)]);
  } catch {
    return null;
  }
}

/** Saves a just-initialised, still empty cluster as the template. Best effort. */
export async function saveTemplate(pglite: PGlite): Promise<void> {
  const path = templatePath();
  if (!path || existsSync(path)) return;
  try {
    const dump = await pglite.dumpDataDir('gzip');
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    await rename(tmp, path);
  } catch {
    /* a cache: losing it only costs time */
  }
}
