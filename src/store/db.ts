// One SQL dialect (PostgreSQL), two engines: every query in the store is
// written once and runs through this tiny interface, implemented by the
// embedded PGlite engine and by a `pg` pool against a real server.

export type Row = Record<string, unknown>;

export interface Queryable {
  /** One statement, `$1`-style parameters. */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** The PostgreSQL schema every table lives in (also the search_path). */
  readonly schema: string;
  /** Runs fn in one transaction on one connection; rolls back if fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Single-flight across every process that shares this database. */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are spliced into SQL (search_path), so only plain identifiers pass. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid database schema name "${schema}": use lower-case letters, digits and _ (max 63)`);
  }
  return schema;
}
