// Numbered, forward-only SQL migrations (migrations/NNNN_name.sql), each
// applied in its own transaction and recorded in schema_migrations. Several
// processes may start at once on PostgreSQL: an advisory lock serializes them.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new Error(`migration file ${file} in ${dir} is not named NNNN_name.sql`);
    migrations.push({ version: Number(match[1]), name: file, sql: await readFile(`${dir}/${file}`, 'utf8') });
  }
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migrations in ${dir} must be numbered 0001, 0002, … without gaps (found ${m.name})`);
  });
  return migrations;
}

/** Applies the migrations not yet recorded; returns the versions applied now. */
export async function migrate(db: Db, migrations?: readonly Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations());
  // Every start after the first finds the database up to date: two reads, no write
  // (on PGlite each write is flushed to disk, which costs a command's start-up).
  if (await upToDate(db, all)) return [];
  await db
    .exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    )
    .catch(async (error: unknown) => {
      // Two PostgreSQL processes creating it at once: one loses the race, which is fine.
      const exists = await db.query(`SELECT to_regclass('schema_migrations') AS t`);
      if (!exists[0]?.t) throw error;
    });
  await refuseNewerDatabase(db, all.length);
  const applied: number[] = [];
  for (const migration of all) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bandsync.migrate.${db.schema}`]);
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

/** True when every shipped migration is recorded and none newer (a newer one takes the path that refuses it). */
async function upToDate(db: Db, all: readonly Migration[]): Promise<boolean> {
  const table = await db.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!table[0]?.t) return false;
  const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
  const have = new Set(rows.map((r) => Number(r.version)));
  for (const v of have) if (v > all.length) return false;
  return all.every((m) => have.has(m.version));
}

/** Refuses, before touching anything, a database migrated by a newer bandsync: its schema is unknown to this build. */
async function refuseNewerDatabase(db: Db, shipped: number): Promise<void> {
  const newest = await db.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migrations');
  const known = newest[0]?.v ?? 0;
  if (known > shipped) {
    throw new Error(
      `the database (schema "${db.schema}") is from a newer bandsync (migration ${known}; this build ships up to ${shipped}); upgrade bandsync`,
    );
  }
}
