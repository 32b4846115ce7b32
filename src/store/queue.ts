// Jobs on pg-boss 10 (DESIGN §4.2), the same code on PGlite and on PostgreSQL,
// both through a custom executeSql over the store's own connection(s). Queues use the 'short' policy so a
// singletonKey allows one waiting job per key; keyless jobs get a unique key
// so they never collide. Workers are our own fetch loops: pg-boss's built-in
// worker sleeps a full polling interval even after a job, which would cap a
// backfill at one job per interval; ours loops at once while there is work and
// gives each handler an AbortSignal fired by stop().
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { JobOptions, Queue } from '../sync/ports.js';
import type { Db } from './db.js';

type Handler = Parameters<Queue['work']>[1];

export interface QueueOptions {
  /** How long an idle worker waits before looking again (ms). */
  readonly pollIntervalMs?: number;
  /** How long stop() waits for running handlers after aborting them (ms). */
  readonly stopTimeoutMs?: number;
  /**
   * The wall-clock instant of a startAfter given on the engine's clock (a
   * scaled test clock, clock.ts): pg-boss compares it with the database's
   * now(). Absent: the engine runs on the real clock and it is passed as is.
   */
  readonly toReal?: (at: Date) => Date;
}

/** pg-boss's executeSql on PGlite: multi-statement text goes through exec, parameterised through query. */
export function pgliteExecuteSql(pglite: PGlite) {
  return async (text: string, values?: unknown[]): Promise<unknown> => {
    if (values && values.length > 0) return pglite.query(text, values);
    const results = await pglite.exec(text);
    // Same shape as pg: one result object, or an array for several statements.
    return results.length === 1 ? results[0] : results;
  };
}

/** pg-boss on our own pool: the same search_path-free, schema-qualified SQL it would send through its own. */
export function poolExecuteSql(pool: pg.Pool) {
  return (text: string, values?: unknown[]): Promise<unknown> => pool.query(text, values);
}

export function createPgBoss(db: Db, target: { pglite: PGlite } | { pool: pg.Pool }): PgBoss {
  const executeSql = 'pglite' in target ? pgliteExecuteSql(target.pglite) : poolExecuteSql(target.pool);
  return new PgBoss({
    schema: db.schema,
    schedule: false,
    supervise: true,
    migrate: true,
    db: { executeSql },
  } as PgBoss.ConstructorOptions);
}

export async function createQueue(db: Db, boss: PgBoss, options: QueueOptions = {}): Promise<Queue> {
  const pollMs = options.pollIntervalMs ?? 500;
  // A failing maintenance query must not crash the process; it is retried on the next cycle.
  boss.on('error', () => undefined);
  await boss.start();

  const created = new Set<string>();
  const ensureQueue = async (name: string): Promise<void> => {
    if (created.has(name)) return;
    // create_queue builds a partition; several workers creating the same queue at
    // once deadlock inside PostgreSQL, so creation is single-flight across processes.
    await db.withLock('pgboss.create-queue', async () => {
      if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, policy: 'short' });
    });
    created.add(name);
  };

  const stopping = new AbortController();
  const loops: Promise<void>[] = [];
  const wakers = new Map<string, Set<() => void>>();
  const wake = (name: string): void => wakers.get(name)?.forEach((w) => w());

  async function loop(name: string, handler: Handler): Promise<void> {
    while (!stopping.signal.aborted) {
      let jobs: PgBoss.Job<object>[] = [];
      try {
        jobs = await boss.fetch<object>(name);
      } catch {
        jobs = []; // the database hiccuped; look again after the interval
      }
      const job = jobs[0];
      if (!job) {
        await idle(name);
        continue;
      }
      const controller = new AbortController();
      const onStop = (): void => controller.abort(new Error('queue stopping'));
      stopping.signal.addEventListener('abort', onStop, { once: true });
      try {
        await handler(job.data ?? {}, { jobId: job.id, signal: controller.signal });
        await boss.complete(name, job.id);
      } catch (error) {
        await boss.fail(name, job.id, { message: (error as Error)?.message ?? String(error) }).catch(() => undefined);
      } finally {
        stopping.signal.removeEventListener('abort', onStop);
      }
    }
  }

  async function idle(name: string): Promise<void> {
    const set = wakers.get(name) ?? new Set();
    wakers.set(name, set);
    const early = new AbortController();
    const waker = (): void => early.abort();
    set.add(waker);
    try {
      await sleep(pollMs, undefined, { signal: AbortSignal.any([early.signal, stopping.signal]) });
    } catch {
      /* woken early */
    } finally {
      set.delete(waker);
    }
  }

  return {
    async send(name, payload, opts: JobOptions = {}) {
      await ensureQueue(name);
      const id = await boss.send(name, payload, {
        singletonKey: opts.singletonKey ?? `unique:${randomUUID()}`,
        ...(opts.startAfter ? { startAfter: options.toReal ? options.toReal(opts.startAfter) : opts.startAfter } : {}),
        ...(opts.retryLimit !== undefined ? { retryLimit: opts.retryLimit } : {}),
        ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
      });
      if (id && !opts.startAfter) wake(name);
      return id;
    },

    async work(name, handler, opts = {}) {
      if (stopping.signal.aborted) throw new Error('the queue is stopped');
      await ensureQueue(name);
      const n = Math.max(1, opts.concurrency ?? 1);
      for (let i = 0; i < n; i++) loops.push(loop(name, handler));
    },

    async depth() {
      const rows = await db.query<{ name: string; n: number }>(
        `SELECT q.name, count(j.id)::int AS n FROM queue q
         LEFT JOIN job j ON j.name = q.name AND j.state < 'completed'
         GROUP BY q.name ORDER BY q.name`,
      );
      return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
    },

    async stop() {
      if (!stopping.signal.aborted) stopping.abort();
      // Handlers see their signal fire; one that ignores it must not hang shutdown forever.
      await Promise.race([Promise.allSettled(loops), sleep(options.stopTimeoutMs ?? 10_000)]);
      await boss.stop({ graceful: false, wait: true, close: true, timeout: 5_000 }).catch(() => undefined);
    },
  };
}

/**
 * PGlite only: the lock file proves no other process uses this data dir, so a
 * job still 'active' was left by a process that died (kill -9, power loss).
 * Hand it back now instead of after pg-boss's expiry (15 minutes); the crash
 * counts as one attempt. Returns how many jobs were requeued.
 */
export async function requeueOrphanedJobs(db: Db): Promise<number> {
  const rows = await db.query(
    `UPDATE job SET state = 'retry', start_after = now() WHERE state = 'active' RETURNING id`,
  );
  return rows.length;
}
