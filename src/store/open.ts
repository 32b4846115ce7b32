// Opens the store: PGlite in <dataDir>/db by default (guarded by the lock
// file), or a PostgreSQL server when databaseUrl is set; migrates; wires the
// Store, the shared rate budget and the pg-boss queue onto one database.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Athletes, DashboardAccess, Queue, RateBudgetStore, Store } from '../sync/ports.js';
import { accountMethods, resealLegacySecrets } from './accounts.js';
import type { Db } from './db.js';
import { filesWrittenAtStart, openPgliteDb } from './db-pglite.js';
import { isOwnerOnly, makePrivate } from '../private-files.js';
import { acquireDataDirLock, type DataDirLock } from './lock-file.js';
import { migrate } from './migrate.js';
import type { createPgBoss, QueueOptions } from './queue.js';
import { createRateBudgetStore, type StravaLimits } from './rate-budget.js';
import { recordMethods } from './records.js';
import { createSealer, loadSecretKey } from './secrets.js';
import { withFaultInjection } from './fault-injection.js';
import { settingMethods } from './settings.js';
import { athleteMethods } from './athletes.js';
import { defaultScope, fixedScope, type Scope } from './scope.js';
import { workoutMethods } from './workouts.js';
import { accessMethods } from './sessions.js';

export interface OpenStoreOptions {
  readonly dataDir: string;
  readonly databaseUrl?: string;
  /** base64 of 32 bytes; else <dataDir>/secret.key is used (created on first use). */
  readonly secretKey?: string;
  /** PostgreSQL schema for every table, pg-boss's too. Default 'bandsync'. */
  readonly schema?: string;
  readonly now?: () => Date;
  readonly queue?: QueueOptions;
  /** The Strava application's limits (Strava's defaults unless it raised them on request). */
  readonly stravaLimits?: StravaLimits;
  /** A command that runs a few queries and exits: the embedded engine starts for that (db-pglite.ts baselineWasmOnly). */
  readonly quick?: boolean;
}

export interface OpenedStore {
  /** The default store: the only athlete's (all athletes' reads when there are several). */
  readonly store: Store;
  readonly athletes: Athletes;
  /** Dashboard sessions and athlete invites. */
  readonly access: DashboardAccess;
  readonly budget: RateBudgetStore;
  readonly queue: Queue;
  readonly kind: 'pglite' | 'postgres';
  /** The raw database (one SQL dialect), for store-side tools such as backups and doctor. */
  readonly db: Db;
  close(): Promise<void>;
}

export async function openStore(options: OpenStoreOptions): Promise<OpenedStore> {
  const schema = options.schema ?? 'bandsync';
  const now = options.now ?? (() => new Date());
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  // Owner-only from here on. A data dir of an earlier release may be 0755 with 0666
  // files: then the whole tree is tightened now and after PGlite's open. One already
  // closed to others keeps them out of everything in it, so these walks of its
  // thousand-odd files (15-20 ms each) are skipped (issue 17); the one at close stays.
  // Either way nothing in it is open while the store is (bandsync doctor checks that).
  const openToOthers = !isOwnerOnly(options.dataDir);
  if (openToOthers) makePrivate(options.dataDir);
  const key = await loadSecretKey(options.dataDir, options.secretKey);

  let lock: DataDirLock | null = null;
  let db: Db;
  let bossTarget: Parameters<typeof createPgBoss>[1];
  if (options.databaseUrl) {
    // The PostgreSQL driver and pg-boss load only when used: the embedded store never
    // needs the driver, and most commands never start the queue.
    const { openPostgresDb } = await import('./db-postgres.js');
    const pgDb = await openPostgresDb(options.databaseUrl, schema);
    db = pgDb;
    bossTarget = { pool: pgDb.pool };
  } else {
    lock = acquireDataDirLock(options.dataDir);
    try {
      const liteDb = await openPgliteDb(join(options.dataDir, 'db'), schema, { quick: options.quick });
      db = liteDb;
      bossTarget = { pglite: liteDb.pglite };
      // A new cluster's files were just created 0666; in one already private, only what PostgreSQL wrote at start.
      const loose =
        openToOthers || liteDb.created ? [options.dataDir] : filesWrittenAtStart(join(options.dataDir, 'db'));
      for (const path of loose) makePrivate(path);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  const sealer = createSealer(key);
  try {
    await migrate(db);
    await resealLegacySecrets(db, sealer);
  } catch (error) {
    await db.close().catch(() => undefined);
    lock?.release();
    throw error;
  }
  // Test-only: crash after the Nth write (BANDSYNC_TEST_CRASH_AFTER_WRITE); a no-op otherwise.
  db = withFaultInjection(db);
  // pg-boss starts on first use: most CLI commands (status, log, sync) never
  // enqueue, and starting it costs a noticeable part of a cold start.
  let started: Promise<Queue> | null = null;
  const startQueue = (): Promise<Queue> =>
    (started ??= (async () => {
      const { createPgBoss, createQueue, requeueOrphanedJobs } = await import('./queue.js');
      const q = await createQueue(db, createPgBoss(db, bossTarget), options.queue);
      if (db.kind === 'pglite') await requeueOrphanedJobs(db);
      return q;
    })());
  const queue: Queue = {
    send: async (name, payload, jobOptions) => (await startQueue()).send(name, payload, jobOptions),
    work: async (name, handler, workOptions) => (await startQueue()).work(name, handler, workOptions),
    depth: async () => (await startQueue()).depth(),
    stop: async () => {
      if (started) await (await started).stop();
    },
  };

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await queue.stop();
      } finally {
        await db.close();
        // Files PGlite created while it ran: some (pg_internal.init) come out 0666 whatever the umask.
        makePrivate(options.dataDir);
        lock?.release();
      }
    })();
    return closing;
  };

  const storeFor = (scope: Scope): Store => ({
    ...accountMethods(db, sealer, now, scope),
    ...workoutMethods(db, now, scope),
    ...recordMethods(db, now, scope),
    ...settingMethods(db, now, scope),
    withLock: (name, fn) => db.withLock(name, fn),
    close,
  });
  const defaults = defaultScope(db, now);
  const store = storeFor(defaults);
  const athletes = athleteMethods(db, now, {
    scoped: (athleteId) => storeFor(fixedScope(athleteId)),
    changed: () => defaults.forget(),
  });
  return {
    store,
    athletes,
    access: accessMethods(db),
    budget: createRateBudgetStore(db, options.stravaLimits),
    queue,
    kind: db.kind,
    db,
    close,
  };
}
