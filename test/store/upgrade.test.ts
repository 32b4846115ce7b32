// The upgrade path (issue 9): every released database, stored as a plain SQL
// dump in test/fixtures/db/<release>.sql, is loaded into PostgreSQL and into a
// PGlite data dir and opened by THIS build: migrations must apply and every
// value the release stored must read back exactly. The expected values live
// beside each dump (<release>.expected.json), written when the fixture was
// made, never recomputed here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, SecretKeyMismatchError, type OpenedStore } from '../../src/store/index.js';
import { openPostgresDb } from '../../src/store/db-postgres.js';
import { loadMigrations, migrate } from '../../src/store/migrate.js';
import { dropSchema, TEST_DATABASE_URL, tempDir, uniqueSchema } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/db/', import.meta.url));

interface Expected {
  release: string;
  schemaPlaceholder: string;
  secretKey: string;
  migration: number;
  accounts: (Record<string, unknown> & { id: string; secrets: Record<string, string> })[];
  workouts: {
    id: string;
    accountId: string;
    revision: string | null;
    createdAt: string;
    workout: { source: { id: string } };
  }[];
  records: (Record<string, unknown> & { workoutId: string; destination: string; state: string })[];
  countByState: Record<string, number>;
  ledgerCount: number;
  settings: Record<string, unknown>;
  rateBudget: { at: string; snapshot: Record<string, unknown> };
  queueDepth: Record<string, number>;
}

const byVersion = (a: string, b: string): number => {
  const [x, y] = [a, b].map((s) => s.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return x![i]! - y![i]!;
  return 0;
};

const releases = readdirSync(FIXTURES)
  .map((f) => /^(\d+\.\d+\.\d+)\.sql$/.exec(f)?.[1])
  .filter((r): r is string => r !== undefined)
  .sort(byVersion);

function fixture(release: string): { sqlFor(schema: string): string; expected: Expected } {
  const expected = JSON.parse(readFileSync(join(FIXTURES, `${release}.expected.json`), 'utf8')) as Expected;
  const sql = readFileSync(join(FIXTURES, `${release}.sql`), 'utf8');
  return { expected, sqlFor: (schema) => sql.replaceAll(expected.schemaPlaceholder, schema) };
}

async function loadIntoPostgres(sql: string): Promise<void> {
  // A client of its own: the dump empties search_path for its session.
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function loadIntoPglite(dataDir: string, sql: string): Promise<void> {
  const lite = await PGlite.create(join(dataDir, 'db'));
  try {
    await lite.exec(sql);
  } finally {
    await lite.close();
  }
}

/** Everything the release stored, read back through the Store API of this build. */
async function expectSameData(opened: OpenedStore, expected: Expected): Promise<void> {
  const { store, budget, queue, db } = opened;
  const latest = (await loadMigrations()).length;
  expect(expected.migration).toBeLessThanOrEqual(latest);
  const versions = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  expect(versions.map((r) => r.version)).toEqual(Array.from({ length: latest }, (_, i) => i + 1));

  const accounts = await store.listAccounts();
  expect(accounts).toEqual(expected.accounts.map(({ secrets: _, ...account }) => account));
  for (const account of expected.accounts) {
    expect(await store.getSecrets(account.id)).toEqual(account.secrets);
  }
  // Opening resealed the release's secrets bound to their account (issue 14 item 8).
  const sealed = await db.query<{ id: string; secrets: string | null }>('SELECT id, secrets FROM accounts ORDER BY id');
  expect(sealed.filter((r) => r.secrets !== null).map((r) => r.secrets!.slice(0, 3))).toEqual(['v2:', 'v2:']);

  for (const w of expected.workouts) {
    expect(await store.getWorkout(w.id)).toEqual(w);
    expect(await store.findWorkoutBySourceId(w.accountId, w.workout.source.id)).toEqual(w);
  }
  for (const r of expected.records) {
    expect(await store.getRecord(r.workoutId, r.destination)).toEqual(r);
  }
  expect(await store.countByState('strava')).toEqual(expected.countByState);
  expect(await store.listLedger({ limit: 100_000 })).toHaveLength(expected.ledgerCount);

  for (const [key, value] of Object.entries(expected.settings)) {
    expect(await store.getSetting(key)).toEqual(value);
  }
  expect(await budget.snapshot(new Date(expected.rateBudget.at))).toEqual(expected.rateBudget.snapshot);
  expect(await queue.depth()).toMatchObject(expected.queueDepth);
}

/** The upgraded database keeps working: new rows get fresh ids, states move on. */
async function expectWritable(opened: OpenedStore, expected: Expected): Promise<void> {
  const { store } = opened;
  const failed = expected.records.find((r) => r.state === 'failed');
  expect(failed, 'the fixture holds a failed record').toBeDefined();
  const moved = await store.transition({
    workoutId: failed!.workoutId,
    destination: 'strava',
    from: ['failed'],
    to: 'uploading',
    reason: 'retry after upgrade',
  });
  expect(moved?.state).toBe('uploading');
  const ledger = await store.listLedger({ limit: 100_000 });
  expect(ledger).toHaveLength(expected.ledgerCount + 1);
  expect(ledger.at(-1)).toMatchObject({ workoutId: failed!.workoutId, fromState: 'failed', toState: 'uploading' });
  // The ledger's sequence came across with the dump: the new id follows the old ones.
  expect(ledger.at(-1)!.id).toBeGreaterThan(Math.max(...ledger.slice(0, -1).map((e) => e.id)));

  // Sealed secrets open only for their own account: copied into another row, they fail.
  const [zepp, strava] = [expected.accounts[0]!.id, expected.accounts[2]!.id];
  const row = async (id: string) =>
    (await opened.db.query<{ secrets: string }>('SELECT secrets FROM accounts WHERE id = $1', [id]))[0]!.secrets;
  const stravaSealed = await row(strava);
  await opened.db.query('UPDATE accounts SET secrets = $2 WHERE id = $1', [strava, await row(zepp)]);
  await expect(store.getSecrets(strava)).rejects.toBeInstanceOf(SecretKeyMismatchError);
  await opened.db.query('UPDATE accounts SET secrets = $2 WHERE id = $1', [strava, stravaSealed]);
  expect(await store.getSecrets(strava)).toEqual(expected.accounts[2]!.secrets);
}

describe.skipIf(releases.length === 0)('upgrade from every released database', () => {
  it('finds the fixtures of the releases (0.1.0 at least)', () => {
    expect(releases).toContain('0.1.0');
  });

  describe.each(releases)('release %s', (release) => {
    const { expected, sqlFor } = fixture(release);

    describe('on PostgreSQL', () => {
      const schema = uniqueSchema('upgrade');
      const dir = tempDir('bandsync-upgrade-pg-');
      beforeAll(async () => {
        await loadIntoPostgres(sqlFor(schema));
      });
      afterAll(async () => {
        await dropSchema(schema);
        dir.remove();
      });

      it('opens with this build, migrates, and reads every stored value back', async () => {
        const opened = await openStore({
          dataDir: dir.path,
          databaseUrl: TEST_DATABASE_URL,
          schema,
          secretKey: expected.secretKey,
        });
        try {
          await expectSameData(opened, expected);
          await expectWritable(opened, expected);
        } finally {
          await opened.close();
        }
      });

      it('a future migration that fails halfway leaves the released data as it was', async () => {
        const shipped = await loadMigrations();
        const next = shipped.length + 1;
        const db = await openPostgresDb(TEST_DATABASE_URL, schema);
        try {
          const broken = {
            version: next,
            name: `${String(next).padStart(4, '0')}_broken.sql`,
            sql: "ALTER TABLE workouts ADD COLUMN probe text; UPDATE workouts SET probe = id, sport = 'changed'; SELECT 1 / 0;",
          };
          await expect(migrate(db, [...shipped, broken])).rejects.toThrow(/division by zero/);
          const columns = await db.query(
            `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'workouts' AND column_name = 'probe'`,
            [schema],
          );
          expect(columns).toEqual([]);
          const versions = await db.query<{ v: number }>('SELECT max(version)::int AS v FROM schema_migrations');
          expect(versions[0]?.v).toBe(shipped.length);
        } finally {
          await db.close();
        }
        const opened = await openStore({
          dataDir: dir.path,
          databaseUrl: TEST_DATABASE_URL,
          schema,
          secretKey: expected.secretKey,
        });
        try {
          for (const w of expected.workouts)
            expect(await opened.store.getWorkout(w.id)).toMatchObject({ workout: w.workout });
        } finally {
          await opened.close();
        }
      });

      it('refuses a database migrated by a newer bandsync, changing nothing', async () => {
        const latest = (await loadMigrations()).length;
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        try {
          await client.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES ($1, $2)`, [
            latest + 1,
            `${String(latest + 1).padStart(4, '0')}_from_the_future.sql`,
          ]);
          await expect(
            openStore({ dataDir: dir.path, databaseUrl: TEST_DATABASE_URL, schema, secretKey: expected.secretKey }),
          ).rejects.toThrow(
            `is from a newer bandsync (migration ${latest + 1}; this build ships up to ${latest}); upgrade bandsync`,
          );
          const rows = await client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
          expect(rows.rows.map((r: { version: number }) => r.version)).toEqual(
            Array.from({ length: latest + 1 }, (_, i) => i + 1),
          );
        } finally {
          await client.end();
        }
      });
    });

    describe('on the embedded database (PGlite)', () => {
      const dir = tempDir('bandsync-upgrade-lite-');
      beforeAll(async () => {
        // The default schema name, as an embedded install has it.
        await loadIntoPglite(dir.path, sqlFor('bandsync'));
      }, 60_000);
      afterAll(() => dir.remove());

      it('opens with this build, migrates, and reads every stored value back', async () => {
        const opened = await openStore({ dataDir: dir.path, secretKey: expected.secretKey });
        try {
          await expectSameData(opened, expected);
          await expectWritable(opened, expected);
        } finally {
          await opened.close();
        }
      }, 60_000);

      it('refuses the data dir once a newer bandsync has migrated it', async () => {
        const latest = (await loadMigrations()).length;
        const opened = await openStore({ dataDir: dir.path, secretKey: expected.secretKey });
        try {
          await opened.db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            latest + 1,
            'from_the_future.sql',
          ]);
        } finally {
          await opened.close();
        }
        await expect(openStore({ dataDir: dir.path, secretKey: expected.secretKey })).rejects.toThrow(
          `is from a newer bandsync (migration ${latest + 1}; this build ships up to ${latest}); upgrade bandsync`,
        );
      }, 60_000);
    });
  });
});
