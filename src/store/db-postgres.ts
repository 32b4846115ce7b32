// A PostgreSQL server through a `pg` pool; every connection's search_path is
// the configured schema, so parallel users of one database never collide.
import pg from 'pg';
import { redactUrl } from './redact-url.js';
import type { Db, Queryable, Row } from './db.js';
import { checkSchemaName } from './db.js';

export { redactUrl };

// Timestamps and bigints are converted by the store itself; keep pg's defaults
// for everything else so both engines return the same JS types.
function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await client.query(text, [...params])).rows as T[];
    },
    async exec(text: string): Promise<void> {
      await client.query(text);
    },
  };
}

export interface PostgresDb extends Db {
  readonly connectionString: string;
  /** The pool itself, shared with pg-boss so each process keeps one set of connections. */
  readonly pool: pg.Pool;
}

export async function openPostgresDb(connectionString: string, schema: string): Promise<PostgresDb> {
  checkSchemaName(schema);
  const pool = new pg.Pool({
    connectionString,
    options: `-c search_path="${schema}"`,
    application_name: 'bandsync',
    max: 10,
  });
  // An idle client error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    // Concurrent openers (several workers starting at once) race on CREATE SCHEMA; serialize them.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bandsync.schema.${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot open PostgreSQL database ${redactUrl(connectionString)}: ${(error as Error).message}`);
  }
  const base = wrap(pool);
  return {
    kind: 'postgres',
    schema,
    connectionString,
    pool,
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async withLock(name, fn) {
      // A session-level advisory lock on a dedicated connection: held across fn's
      // own queries (which use other pool connections) and released even if fn throws.
      const client = await pool.connect();
      const key = `${schema}:${name}`;
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
