// A test-only fault hook (issue 12): counts the database writes this process
// makes and, with BANDSYNC_TEST_CRASH_AFTER_WRITE=N, kills the process with
// SIGKILL right after the Nth one has committed — the crash-after-every-write
// test runs a real `bandsync sync` once per N. BANDSYNC_TEST_WRITE_LOG=FILE
// appends one line per write naming where it was ("UPDATE sync_records"), so
// the test knows how many writes a run makes and which sites they are.
// Without either variable the database is returned untouched.
import { appendFileSync } from 'node:fs';
import type { Db, Queryable, Row } from './db.js';

const WRITE = /^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+("?[\w.]+"?)/i;

/** "UPDATE sync_records", and for a ledger entry the state it records ("INSERT ledger→uploading"). */
function site(text: string, params?: readonly unknown[]): string | null {
  const m = WRITE.exec(text);
  if (!m) return null;
  const table = m[2]!.replace(/"/g, '');
  const toState = table === 'ledger' && typeof params?.[5] === 'string' ? `→${params[5]}` : '';
  return `${m[1]!.split(/\s+/)[0]!.toUpperCase()} ${table}${toState}`;
}

export function withFaultInjection(db: Db, env: NodeJS.ProcessEnv = process.env): Db {
  const crashAt = env.BANDSYNC_TEST_CRASH_AFTER_WRITE ? Number(env.BANDSYNC_TEST_CRASH_AFTER_WRITE) : null;
  const logFile = env.BANDSYNC_TEST_WRITE_LOG;
  if (crashAt === null && !logFile) return db;
  let writes = 0;
  const wrote = (where: string) => {
    writes++;
    if (logFile) appendFileSync(logFile, `${writes} ${where}\n`);
    if (crashAt !== null && writes >= crashAt) process.kill(process.pid, 'SIGKILL');
  };
  return {
    ...db,
    async query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]> {
      const rows = await db.query<T>(text, params);
      const where = site(text, params);
      if (where) wrote(where);
      return rows;
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const sites: string[] = [];
      const result = await db.transaction((tx) =>
        fn({
          exec: (text) => tx.exec(text),
          async query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]> {
            const rows = await tx.query<R>(text, params);
            const where = site(text, params);
            if (where && !sites.includes(where)) sites.push(where);
            return rows;
          },
        }),
      );
      // One transaction is one write (it commits or not as a whole).
      if (sites.length) wrote(sites.join(' + '));
      return result;
    },
  };
}
