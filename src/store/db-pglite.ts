// The embedded engine: PGlite (PostgreSQL compiled to WASM) persisted in a
// directory. One process, one session; the lock file keeps other processes out.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, Row } from './db.js';
import { checkSchemaName } from './db.js';
import { NamedMutex } from './mutex.js';
import { autoAnalyze, type AutoAnalyze } from './auto-analyze.js';
import { isFreshDataDir, readTemplate, saveTemplate } from './pglite-template.js';

interface PgliteLike {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(text: string): Promise<unknown>;
}

function wrap(pg: PgliteLike, stats?: AutoAnalyze): Queryable {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await pg.query<T>(text, [...params]);
      if (result.affectedRows) stats?.wrote(result.affectedRows);
      return result.rows;
    },
    async exec(text: string): Promise<void> {
      await pg.exec(text);
    },
  };
}

export interface PgliteDb extends Db {
  /** The raw PGlite handle, for pg-boss's executeSql adapter. */
  readonly pglite: PGlite;
  /** This open created the cluster (its files are as PGlite left them: 0666). */
  readonly created: boolean;
}

/**
 * PostgreSQL's memory settings for the embedded engine (issue 17). PGlite runs
 * one backend in this process, with PostgreSQL's server defaults sized for a
 * shared machine; here they are sized for one person's data on a small home
 * server, where RSS is what counts:
 * - shared_buffers 8MB (default 128MB): the page cache. A bare open of a data
 *   dir with 120 workouts went from 315 to 191 MB RSS at 16MB measured here.
 *   Buffers once touched stay in PGlite's WebAssembly memory, which never
 *   shrinks, so under dashboard load they are RSS for good: with 10,000
 *   workouts and the daemon as deployed, 8MB instead of 16MB held 7-10 MB
 *   less after the dashboard's pages (its WebAssembly memory 34 instead of
 *   42 MB touched) with the same page latencies, five paired runs; 4MB saved
 *   a few MB more but the overview and deep list pages were slower. The OS
 *   page cache keeps the rest of the files warm.
 * - work_mem 2MB (default 4MB): per sort/hash; our sorts are indexed lists
 *   of ≤ 200 rows.
 * - maintenance_work_mem 16MB (default 64MB): index builds in migrations.
 * - temp_buffers 2MB (default 8MB): no temporary tables of ours.
 * - wal_buffers 512kB (default: 1/32 of shared_buffers).
 * - default_statistics_target 10 (default 100): ANALYZE (store/auto-analyze.ts)
 *   copies a sample of 300 x this many rows into memory, which here is
 *   WebAssembly memory that never shrinks: with 10,000 workouts, whose JSON is
 *   stored inline, ANALYZE took the touched memory from 21 to 33 MB, with 10
 *   to 25 MB, and the daemon kept the difference for good. The planner needs
 *   row counts and the few values of a state column, not fine histograms.
 * Tried and not kept (issue 17, a bare open of 10,000 workouts):
 * max_connections=5, within the noise of repeated runs. Of the daemon's RSS only
 * 22-26 MB is PostgreSQL's WebAssembly memory in use; the rest is V8 and malloc
 * (deploy/bandsync.service sets what helps there). Also tried and not kept:
 * V8's --wasm-num-compilation-tasks=1 (one optimizing compile of PostgreSQL's
 * functions at a time): about 20 MB less idle, but the overview and the log
 * page were 40-60 % slower in two paired runs of bench/server.ts.
 * PGlite's WebAssembly memory starts at 128 MB and cannot be made smaller
 * (`initialMemory` below 128 MB fails to link), but only the pages touched count.
 * These are start parameters (-c), written nowhere: a data dir is the same
 * with or without them. PGlite's own start parameters are kept.
 */
export const PGLITE_MEMORY_SETTINGS: readonly string[] = [
  'shared_buffers=8MB',
  'work_mem=2MB',
  'maintenance_work_mem=16MB',
  'temp_buffers=2MB',
  'wal_buffers=512kB',
  'default_statistics_target=10',
];

/** PGlite.create options: its default start parameters plus the memory settings above. */
export function pgliteOptions(): { startParams: string[] } {
  return { startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY_SETTINGS.flatMap((s) => ['-c', s])] };
}

export interface OpenPgliteOptions {
  /** A command that runs a few queries and exits (see baselineWasmOnly). */
  readonly quick?: boolean;
}

/**
 * Which of V8's WebAssembly compilers build PostgreSQL's code in this process.
 * By default V8 compiles it with its baseline compiler (Liftoff) and then, in
 * background threads, again with its optimizing one (TurboFan) for the
 * functions that run often. That pays off in a process that runs for a while
 * (the daemon, a sync, the demo), not in a command that runs a few queries and
 * exits: measured here (issue 17), `bandsync status` spent 100-200 ms of its
 * 0.7-0.9 s waiting for those background compiles (the main thread blocked in
 * V8 until they finished), and two cores were busy with them meanwhile.
 * - `quick` (status, log, retry, skip, the strava subscription commands and
 *   athlete, run without a daemon; cli/app.ts): baseline only.
 * - BANDSYNC_LOW_MEMORY=1: baseline only in every process. Measured with
 *   10,000 workouts (npm run bench memory): the idle daemon without the
 *   unit's memory settings held 145 MB RSS instead of 210-280 MB, and the
 *   dashboard's database-bound pages took up to twice as long (the overview,
 *   one request at a time: 80-110 → 210-300 ms). With the unit's settings
 *   (MALLOC_MMAP_THRESHOLD_ hands TurboFan's compile memory back) the gain is
 *   small: 123 MB idle instead of 130, 4 clients' median 138 ms instead of 92.
 *   A choice for a very small server, not the default.
 * Set before PGlite compiles its module; a V8 flag holds for the whole process
 * (sql.js too). Returns true when baseline only is in force.
 */
export function baselineWasmOnly(options: OpenPgliteOptions = {}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!options.quick && env.BANDSYNC_LOW_MEMORY !== '1') return false;
  setFlagsFromString('--liftoff-only');
  return true;
}

/**
 * The files PostgreSQL writes at every start: its relation cache init files
 * (pg_internal.init, shared and one per database). PGlite's file system gives
 * them 0666 whatever the umask (seen at every open of a data dir that was
 * owner-only before it).
 */
export function filesWrittenAtStart(dir: string): string[] {
  let databases: string[] = [];
  try {
    databases = readdirSync(join(dir, 'base'));
  } catch {
    /* no cluster */
  }
  return [
    join(dir, 'global', 'pg_internal.init'),
    ...databases.map((oid) => join(dir, 'base', oid, 'pg_internal.init')),
  ];
}

export async function openPgliteDb(dir: string, schema: string, options: OpenPgliteOptions = {}): Promise<PgliteDb> {
  checkSchemaName(schema);
  baselineWasmOnly(options);
  const fresh = isFreshDataDir(dir);
  const template = fresh ? await readTemplate() : null;
  let pglite: PGlite;
  try {
    pglite = template
      ? await PGlite.create(dir, { ...pgliteOptions(), loadDataDir: template })
      : await PGlite.create(dir, pgliteOptions());
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
  const stats = autoAnalyze(async () => {
    await pglite.exec('ANALYZE');
    const rows = await pglite.query<{ n: number }>(
      `SELECT coalesce(sum(greatest(reltuples, 0)), 0)::float8 AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = $1::regnamespace`,
      [schema],
    );
    return Number(rows.rows[0]?.n ?? 0);
  });
  const base = wrap(pglite as unknown as PgliteLike, stats);
  return {
    kind: 'pglite',
    schema,
    pglite,
    created: fresh,
    query: base.query,
    exec: base.exec,
    transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx as unknown as PgliteLike, stats))),
    withLock: (name, fn) => mutex.run(name, fn),
    close: async () => {
      await stats.idle();
      if (!pglite.closed) await pglite.close();
    },
  };
}
