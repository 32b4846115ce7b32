// Backups that restore to exactly the same state.
//  - Embedded (PGlite): PGlite's own data-directory dump (a gzip'd tar of a
//    consistent, checkpointed cluster), taken with the data-dir lock held or
//    from the process that already holds it.
//  - PostgreSQL: pg_dump custom format of the bandsync schema (pg-boss's
//    tables live there too), restored with pg_restore in one transaction.
// Credentials go to pg_dump through PG* environment variables, never argv
// (visible in `ps`). The secret key is NOT in the backup: keep secret.key or
// BANDSYNC_SECRET_KEY, or the restored tokens cannot be decrypted.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { isGzip } from '../core/formats/sniff.js';
import type { Db } from './db.js';
import { checkSchemaName } from './db.js';
import { pgliteOptions, type PgliteDb } from './db-pglite.js';
import type { PostgresDb } from './db-postgres.js';
import { redactUrl } from './redact-url.js';
import { makePrivate } from '../private-files.js';
import { acquireDataDirLock } from './lock-file.js';

export type BackupKind = 'pglite' | 'postgres';

export interface BackupInfo {
  readonly kind: BackupKind;
  readonly file: string;
  readonly bytes: number;
}

export interface RestoreInfo extends BackupInfo {
  readonly warnings: readonly string[];
}

const PG_MAGIC = 'PGDMP';

/** PGlite keeps its cluster in <dataDir>/db (see open.ts). */
export const pgliteDir = (dataDir: string) => join(dataDir, 'db');

/** Backs up a store that this process has open (the daemon, or a command that opened it). */
export async function backupOpenDb(db: Db, file: string): Promise<BackupInfo> {
  if (db.kind === 'pglite') return writeAtomically(file, 'pglite', await dumpPglite((db as PgliteDb).pglite));
  const pgDb = db as PostgresDb;
  return pgDump(pgDb.connectionString, pgDb.schema, file);
}

/** Backs up a data dir no process has open (takes its lock for the duration). */
export async function backupDataDir(dataDir: string, file: string): Promise<BackupInfo> {
  const dir = pgliteDir(dataDir);
  if (!existsSync(dir)) throw new Error(`no embedded database in ${dataDir} (nothing to back up)`);
  const lock = acquireDataDirLock(dataDir, 'bandsync backup');
  try {
    const pg = await PGlite.create(dir, pgliteOptions());
    try {
      return await writeAtomically(file, 'pglite', await dumpPglite(pg));
    } finally {
      await pg.close();
    }
  } finally {
    lock.release();
  }
}

export async function backupPostgres(databaseUrl: string, schema: string, file: string): Promise<BackupInfo> {
  return pgDump(databaseUrl, schema, file);
}

/** What kind of backup a file holds, from its first bytes. */
export async function detectBackup(file: string): Promise<BackupKind> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(5);
    await fh.read(head, 0, 5, 0);
    if (head.toString('latin1') === PG_MAGIC) return 'postgres';
    if (isGzip(head)) return 'pglite'; // PGlite's dumpDataDir writes a gzipped tar
  } finally {
    await fh.close();
  }
  throw new Error(`${file} is not a bandsync backup (neither an embedded-database dump nor a pg_dump custom archive)`);
}

/** Restores an embedded backup into a data dir that has no database yet. */
export async function restoreDataDir(file: string, dataDir: string): Promise<RestoreInfo> {
  if ((await detectBackup(file)) !== 'pglite')
    throw new Error(`${file} is a PostgreSQL backup: restore it with DATABASE_URL set`);
  const dir = pgliteDir(dataDir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(
      `${dir} already holds a database; restore only into an empty data dir (move it away first — nothing is overwritten)`,
    );
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = acquireDataDirLock(dataDir, 'bandsync restore');
  const staging = `${dir}.restoring-${process.pid}`;
  try {
    const bytes = await readFile(file);
    await rm(staging, { recursive: true, force: true });
    // Load into a staging dir and open it once, so a bad archive never leaves a half-restored db/.
    const pg = await PGlite.create(staging, { ...pgliteOptions(), loadDataDir: new Blob([bytes]) });
    try {
      await pg.query('SELECT 1');
    } finally {
      await pg.close();
    }
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    makePrivate(dataDir); // PGlite made the restored cluster's files 0666
    const warnings = existsSync(join(dataDir, 'secret.key'))
      ? []
      : [
          `no ${join(dataDir, 'secret.key')}: copy the key file from the old data dir or set BANDSYNC_SECRET_KEY, else stored tokens cannot be decrypted`,
        ];
    return { kind: 'pglite', file, bytes: bytes.length, warnings };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    lock.release();
  }
}

/** Restores a pg_dump backup into a PostgreSQL database where the schema does not exist yet (or is empty). */
export async function restorePostgres(file: string, databaseUrl: string, schema: string): Promise<RestoreInfo> {
  checkSchemaName(schema);
  if ((await detectBackup(file)) !== 'postgres')
    throw new Error(`${file} is an embedded-database backup: restore it without DATABASE_URL`);
  const list = await run('pg_restore', ['--list', file], process.env);
  if (!new RegExp(`SCHEMA - ${schema}\\b`).test(list)) {
    throw new Error(
      `${file} does not contain the schema "${schema}" (pg_restore restores a schema under its original name)`,
    );
  }
  const env = pgEnv(databaseUrl);
  const existing = await run(
    'psql',
    [
      '-X',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `SELECT count(*) FROM information_schema.tables WHERE table_schema = '${schema}'`,
    ],
    env,
  );
  if (Number(existing.trim()) > 0) {
    throw new Error(
      `schema "${schema}" in ${redactUrl(databaseUrl)} already has tables; restore only into an empty schema (nothing is overwritten)`,
    );
  }
  await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `DROP SCHEMA IF EXISTS "${schema}"`], env);
  await run(
    'pg_restore',
    [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      '--dbname',
      env.PGDATABASE ?? 'postgres',
      file,
    ],
    env,
  );
  const bytes = (await readFile(file)).length;
  return { kind: 'postgres', file, bytes, warnings: [] };
}

async function dumpPglite(pg: PGlite): Promise<Uint8Array> {
  const blob = await pg.dumpDataDir('gzip');
  return new Uint8Array(await blob.arrayBuffer());
}

async function writeAtomically(file: string, kind: BackupKind, bytes: Uint8Array): Promise<BackupInfo> {
  const tmp = `${file}.partial-${process.pid}`;
  await writeFile(tmp, bytes, { mode: 0o600 });
  await rename(tmp, file);
  return { kind, file, bytes: bytes.length };
}

async function pgDump(databaseUrl: string, schema: string, file: string): Promise<BackupInfo> {
  checkSchemaName(schema);
  const tmp = `${file}.partial-${process.pid}`;
  try {
    await run(
      'pg_dump',
      ['--format=custom', '--no-owner', '--no-privileges', '--schema', schema, '--file', tmp],
      pgEnv(databaseUrl),
    );
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  const bytes = (await readFile(file)).length;
  return { kind: 'postgres', file, bytes };
}

/** libpq reads these; passing them by environment keeps the password out of argv. */
export function pgEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const u = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGSSLMODE']) delete env[k];
  const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname);
  if (host) env.PGHOST = host;
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (db) env.PGDATABASE = db;
  const ssl = u.searchParams.get('sslmode');
  if (ssl) env.PGSSLMODE = ssl;
  return env;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          e.code === 'ENOENT'
            ? `${command} not found on PATH: install the PostgreSQL client tools`
            : `${command}: ${e.message}`,
        ),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${command} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`)),
    );
  });
}

/** The `bandsync backup` entry point: PostgreSQL when databaseUrl is set, else the (closed) embedded data dir. */
export function backupFromConfig(
  config: { dataDir: string; databaseUrl?: string },
  file: string,
  schema = 'bandsync',
): Promise<BackupInfo> {
  return config.databaseUrl ? backupPostgres(config.databaseUrl, schema, file) : backupDataDir(config.dataDir, file);
}

/** The `bandsync restore` entry point; the target must be empty. */
export function restoreFromConfig(
  config: { dataDir: string; databaseUrl?: string },
  file: string,
  schema = 'bandsync',
): Promise<RestoreInfo> {
  return config.databaseUrl ? restorePostgres(file, config.databaseUrl, schema) : restoreDataDir(file, config.dataDir);
}
