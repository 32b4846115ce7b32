// Backup → restore → identical state, on the embedded database and on
// PostgreSQL, using the real store and the real pg_dump/pg_restore.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { Db } from '../../src/store/index.js';
import { backupDataDir, backupOpenDb, detectBackup, restoreDataDir, restorePostgres } from '../../src/store/backup.js';
import { TEST_DATABASE_URL, dropSchema, makeWorkout, tempDir, uniqueSchema } from '../store/helpers.js';

const secretKey = randomBytes(32).toString('base64');
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Every row of every table in the schema, as sorted JSON: "identical state". */
async function snapshotTables(db: Db): Promise<Record<string, string[]>> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [db.schema],
  );
  const out: Record<string, string[]> = {};
  for (const { table_name } of tables) {
    const rows = await db.query(`SELECT * FROM "${db.schema}"."${table_name}"`);
    out[table_name] = rows
      .map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))
      .sort();
  }
  return out;
}

async function populate(store: Awaited<ReturnType<typeof openStore>>['store']): Promise<void> {
  const zepp = await store.saveAccount({
    kind: 'zepp-cloud',
    label: 'me@zepp',
    settings: { region: 'eu' },
    secrets: { appToken: 'tok-123456' },
  });
  const strava = await store.saveAccount({
    kind: 'strava',
    label: 'Strava',
    settings: { athleteId: 7 },
    secrets: { tokens: '{"refresh":"r1"}' },
  });
  for (let i = 0; i < 5; i++) {
    const w = await store.saveWorkout(zepp.id, makeWorkout(`src-${i}`, `2025-06-0${i + 1}T07:00:00.000Z`));
    await store.ensureRecord(w.id, 'strava', `bandsync-${i}`);
    if (i % 2 === 0)
      await store.transition({
        workoutId: w.id,
        destination: 'strava',
        from: ['discovered'],
        to: 'fetched',
        reason: 'test',
      });
  }
  await store.setSetting('notify.open', {
    a: { subject: strava.id, code: 'strava_hr_consent', since: '2025-01-01T00:00:00Z' },
  });
  await store.appendLedger({
    workoutId: null,
    accountId: zepp.id,
    event: 'decision',
    fromState: null,
    toState: null,
    reason: 'backup test',
    data: { n: 1 },
  });
}

describe('embedded database backup', () => {
  it('restores into an empty data dir with identical tables and readable secrets', async () => {
    const a = tempDir('bandsync-backup-a-');
    const b = tempDir('bandsync-backup-b-');
    cleanups.push(a.remove, b.remove);
    const file = join(a.path, '..', `bandsync-${process.pid}-${randomBytes(3).toString('hex')}.backup`);
    cleanups.push(() => execFileSync('rm', ['-f', file]));

    const opened = await openStore({ dataDir: a.path, secretKey });
    await populate(opened.store);
    const before = await snapshotTables(opened.db);
    // While open (the daemon's path) …
    const live = await backupOpenDb(opened.db, file);
    expect(live.kind).toBe('pglite');
    await opened.close();
    // … and while closed (the CLI's path): both restore to the same state.
    const closedFile = `${file}.closed`;
    cleanups.push(() => execFileSync('rm', ['-f', closedFile]));
    await backupDataDir(a.path, closedFile);
    expect(await detectBackup(closedFile)).toBe('pglite');

    const restored = await restoreDataDir(file, b.path);
    expect(restored.warnings.join()).toMatch(/secret\.key/); // key is not in the backup, and we said so
    const reopened = await openStore({ dataDir: b.path, secretKey });
    try {
      expect(await snapshotTables(reopened.db)).toEqual(before);
      const accounts = await reopened.store.listAccounts();
      const zepp = accounts.find((x) => x.kind === 'zepp-cloud')!;
      expect(await reopened.store.getSecrets(zepp.id)).toEqual({ appToken: 'tok-123456' });
      expect(await reopened.store.countByState('strava')).toMatchObject({ fetched: 3, discovered: 2 });
    } finally {
      await reopened.close();
    }

    const c = tempDir('bandsync-backup-c-');
    cleanups.push(c.remove);
    await restoreDataDir(closedFile, c.path);
    const third = await openStore({ dataDir: c.path, secretKey });
    try {
      expect(await snapshotTables(third.db)).toEqual(before);
    } finally {
      await third.close();
    }
  }, 300_000);

  it('refuses to restore over an existing database and leaves it untouched', async () => {
    const a = tempDir('bandsync-backup-d-');
    cleanups.push(a.remove);
    mkdirSync(join(a.path, 'db'));
    writeFileSync(join(a.path, 'db', 'PG_VERSION'), '17\n');
    const file = join(a.path, 'some.backup');
    writeFileSync(file, gzipSync(Buffer.from('not really a cluster')));
    await expect(restoreDataDir(file, a.path)).rejects.toThrow(/already holds a database/);
    expect(readFileSync(join(a.path, 'db', 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(readdirSync(a.path).sort()).toEqual(['db', 'some.backup']); // no staging dir, no lock left behind
  });

  it('rejects a file that is not a backup', async () => {
    const a = tempDir('bandsync-backup-e-');
    cleanups.push(a.remove);
    const junk = join(a.path, 'junk');
    writeFileSync(junk, 'hello world');
    await expect(restoreDataDir(junk, join(a.path, 'target'))).rejects.toThrow(/not a bandsync backup/);
    expect(existsSync(join(a.path, 'target', 'db'))).toBe(false);
  });
});

describe('PostgreSQL backup (pg_dump / pg_restore)', () => {
  it('restores a dropped schema to identical state', async () => {
    const schema = uniqueSchema('backup');
    cleanups.push(() => dropSchema(schema));
    const dir = tempDir('bandsync-backup-pg-');
    cleanups.push(dir.remove);
    const file = join(dir.path, 'pg.backup');

    const opened = await openStore({ dataDir: dir.path, databaseUrl: TEST_DATABASE_URL, schema, secretKey });
    await populate(opened.store);
    const before = await snapshotTables(opened.db);
    const info = await backupOpenDb(opened.db, file);
    expect(info.kind).toBe('postgres');
    expect(await detectBackup(file)).toBe('postgres');
    await expect(restorePostgres(file, TEST_DATABASE_URL, schema)).rejects.toThrow(/already has tables/);
    await opened.close();

    await dropSchema(schema);
    await restorePostgres(file, TEST_DATABASE_URL, schema);
    const reopened = await openStore({ dataDir: dir.path, databaseUrl: TEST_DATABASE_URL, schema, secretKey });
    try {
      expect(await snapshotTables(reopened.db)).toEqual(before);
      const zepp = (await reopened.store.listAccounts()).find((x) => x.kind === 'zepp-cloud')!;
      expect(await reopened.store.getSecrets(zepp.id)).toEqual({ appToken: 'tok-123456' });
    } finally {
      await reopened.close();
    }
  }, 300_000);
});
