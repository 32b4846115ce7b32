// The embedded engine: PGlite (PostgreSQL compiled to WASM) persisted in a
// directory. One process, one session; the lock file keeps other processes out.
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, Row } from './db.js';
import { checkSchemaName } from './db.js';
import { NamedMutex } from './mutex.js';
import { isFreshDataDir, readTemplate, saveTemplate } from './pglite-template.js';

interface PgliteLike {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(text: string): Promise<unknown>;
}

function wrap(pg: PgliteLike): Queryable {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await pg.query<T>(text, [...params])).rows;
    },
    async exec(text: string): Promise<void> {
      await pg.exec(text);
    },
  };
}

export interface PgliteDb extends Db {
  /** The raw PGlite handle, for pg-boss's executeSql adapter. */
  readonly pglite: PGlite;
}

export async function openPgliteDb(dir: string, schema: string): Promise<PgliteDb> {
  checkSchemaName(schema);
  const fresh = isFreshDataDir(dir);
  const template = fresh ? await readTemplate() : null;
  let pglite: PGlite;
  try {
    pglite = template ? await PGlite.create(dir, { loadDataDir: template }) : await PGlite.create(dir);
  } catch (error) {
    throw new Error(
      `cannot open the embedded database in ${dir}: ${(error as Error)?.message ?? String(error)}. ` +
        'If it is damaged, restore a backup (bandsync restore FILE) or move the directory away to start empty.',
    );
  }
  if (fresh && !template) await saveTemplate(pglite);
  // One session for the whole process, so search_path set once holds for every query.
  await pglite.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}";`);
  const mutex = new NamedMutex();
  const base = wrap(pglite as unknown as PgliteLike);
  return {
    kind: 'pglite',
    schema,
    pglite,
    query: base.query,
    exec: base.exec,
    transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx as unknown as PgliteLike))),
    withLock: (name, fn) => mutex.run(name, fn),
    close: async () => {
      if (!pglite.closed) await pglite.close();
    },
  };
}
