// What only the embedded engine has: one process per data dir (lock file),
// data that must survive close/reopen, the key file, and re-open migrations.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, openStore, readLockHolder, SecretKeyMismatchError } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import { baselineWasmOnly } from '../../src/store/db-pglite.js';
import { makeWorkout, migrationFileVersions, tempDir } from './helpers.js';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const childScript = join(repoRoot, 'test/store/fixtures/open-store.ts');

async function runChild(
  dataDir: string,
  env: Record<string, string> = {},
  mode?: 'quick',
): Promise<{ ok: boolean; message?: string; name?: string; workouts?: number }> {
  const result = await run(
    process.execPath,
    [join(repoRoot, 'bin/run-ts.js'), childScript, dataDir, ...(mode ? [mode] : [])],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    },
  ).catch((error: { stdout: string }) => error);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as { ok: boolean; message?: string; name?: string };
}

/** A pid that certainly belongs to no running process: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('PGlite data dir', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  describe('while this process holds it', () => {
    let opened: Awaited<ReturnType<typeof openStore>>;
    beforeAll(async () => {
      opened = await openStore({ dataDir: dir.path });
    });

    it('runs with the small-server memory settings (issue 17), not PostgreSQL server defaults', async () => {
      const show = async (name: string) => (await opened.db.query<Record<string, string>>(`SHOW ${name}`))[0]![name];
      expect(await show('shared_buffers')).toBe('8MB'); // PostgreSQL's default: 128MB
      expect(await show('work_mem')).toBe('2MB'); // 4MB
      expect(await show('maintenance_work_mem')).toBe('16MB'); // 64MB
      expect(await show('temp_buffers')).toBe('2MB'); // 8MB
      expect(await show('default_statistics_target')).toBe('10'); // 100: ANALYZE's sample, 300 rows per unit
      // PGlite's own start parameters are kept alongside.
      expect(await show('max_worker_processes')).toBe('0');
    });

    it('opens and answers in a process with BANDSYNC_LOW_MEMORY=1 (WebAssembly compiled by the baseline compiler only)', async () => {
      const other = tempDir();
      try {
        expect(await runChild(other.path, { BANDSYNC_LOW_MEMORY: '1' })).toMatchObject({ ok: true, workouts: 0 });
      } finally {
        other.remove();
      }
    });

    it('opens and answers as a quick command opens it (baseline compiler only), and only then or in low-memory mode is that chosen', async () => {
      const other = tempDir();
      try {
        expect(await runChild(other.path, {}, 'quick')).toMatchObject({ ok: true, workouts: 0 });
      } finally {
        other.remove();
      }
      // Without either, V8's tiered compile stays (the flag would hold for this whole test process).
      expect(baselineWasmOnly({}, {})).toBe(false);
      expect(baselineWasmOnly({ quick: false }, { BANDSYNC_LOW_MEMORY: '0' })).toBe(false);
    });

    it('names this process as the holder', () => {
      expect(readLockHolder(dir.path)).toMatchObject({ pid: process.pid, alive: true });
    });

    it('refuses a second opener in this process with the holder pid', async () => {
      const second = openStore({ dataDir: dir.path });
      await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(second).rejects.toThrow(`pid ${process.pid}`);
    });

    it('refuses another process with a message naming our pid, and leaves the lock alone', async () => {
      const child = await runChild(dir.path);
      expect(child.ok).toBe(false);
      expect(child.name).toBe('DataDirLockedError');
      expect(child.message).toContain(`pid ${process.pid}`);
      expect(readLockHolder(dir.path)?.pid).toBe(process.pid);
      // The store still works after the refused attempt.
      expect(await opened.store.listAccounts()).toEqual([]);
    });

    it('keeps data across close and reopen, with secrets from the key file (mode 0600)', async () => {
      const account = await opened.store.saveAccount({
        kind: 'zepp-cloud',
        label: 'band',
        settings: { userId: 'u1' },
        secrets: { appToken: 'tok-123' },
      });
      const w = makeWorkout('persist-1', '2024-06-01T06:00:00Z');
      const saved = await opened.store.saveWorkout(account.id, w, 'rev-1');
      await opened.store.ensureRecord(saved.id, 'strava', 'ext-1');
      await opened.store.transition({
        workoutId: saved.id,
        destination: 'strava',
        from: ['discovered'],
        to: 'synced',
        patch: { activityId: '77' },
        reason: 'ok',
      });
      await opened.budget.tryReserve('upload', new Date('2030-02-01T10:00:00Z'), 0);
      await opened.close();
      expect(readLockHolder(dir.path)).toBeNull();
      expect(statSync(join(dir.path, 'secret.key')).mode & 0o777).toBe(0o600);

      opened = await openStore({ dataDir: dir.path });
      expect(await opened.store.getSecrets(account.id)).toEqual({ appToken: 'tok-123' });
      expect((await opened.store.getWorkout(saved.id))?.workout).toEqual(w);
      expect(await opened.store.getRecord(saved.id, 'strava')).toMatchObject({ state: 'synced', activityId: '77' });
      expect((await opened.store.listLedger({ workoutId: saved.id })).map((e) => e.toState)).toEqual([
        'discovered',
        'synced',
      ]);
      expect((await opened.budget.snapshot(new Date('2030-02-01T10:01:00Z'))).overall.usage15).toBe(1);
      // Migrations already applied: a second run applies nothing.
      expect(await migrate(opened.db)).toEqual([]);
      const versions = await opened.db.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(versions.map((v) => v.version)).toEqual(migrationFileVersions());
    });

    it('gives a clear error, not garbage, when opened with another secret key', async () => {
      await opened.close();
      opened = await openStore({ dataDir: dir.path, secretKey: randomBytes(32).toString('base64') });
      const [account] = await opened.store.listAccounts();
      const failure = opened.store.getSecrets(account!.id);
      await expect(failure).rejects.toBeInstanceOf(SecretKeyMismatchError);
      await expect(failure).rejects.not.toThrow(/tok-123/);
      await opened.close();
      await expect(openStore({ dataDir: dir.path, secretKey: 'c2hvcnQ=' })).rejects.toThrow(/32 bytes/);
      opened = await openStore({ dataDir: dir.path });
      expect(await opened.store.getSecrets(account!.id)).toEqual({ appToken: 'tok-123' });
    });

    it('aborts running handlers when the queue stops', async () => {
      let sawAbort = false;
      let started = false;
      await opened.queue.work('long', async (_payload, ctx) => {
        started = true;
        await new Promise<void>((done) =>
          ctx.signal.addEventListener('abort', () => {
            sawAbort = true;
            done();
          }),
        );
      });
      await opened.queue.send('long', {});
      while (!started) await new Promise((r) => setTimeout(r, 50));
      await opened.close();
      expect(sawAbort).toBe(true);
      expect(readLockHolder(dir.path)).toBeNull();
    });
  });

  it('reclaims a stale lock left by a dead process', async () => {
    const pid = await deadPid();
    writeFileSync(
      join(dir.path, 'bandsync.lock'),
      JSON.stringify({ pid, command: 'bandsync daemon', startedAt: '2024-01-01T00:00:00Z' }),
    );
    expect(readLockHolder(dir.path)).toMatchObject({ pid, alive: false, command: 'bandsync daemon' });
    const child = await runChild(dir.path);
    expect(child).toMatchObject({ ok: true });
    expect(existsSync(join(dir.path, 'bandsync.lock'))).toBe(false);
    const reopened = await openStore({ dataDir: dir.path });
    expect(JSON.parse(readFileSync(join(dir.path, 'bandsync.lock'), 'utf8')).pid).toBe(process.pid);
    expect((await reopened.store.listAccounts()).map((a) => a.label)).toEqual(['band']);
    await reopened.close();
  });
});

describe('PGlite after a crash', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('hands a job that was running in a killed process back to the next opener at once', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/run-ts.js'), childScript, dir.path, 'hang-job'], {
      cwd: repoRoot,
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise((r) => child.on('exit', r));
    try {
      const deadline = Date.now() + 90_000;
      while (!out.includes('"handling":true')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`child never started the job: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(readLockHolder(dir.path)).toMatchObject({ pid: child.pid, alive: false });

    const opened = await openStore({ dataDir: dir.path, queue: { pollIntervalMs: 100 } });
    try {
      const got: unknown[] = [];
      await opened.queue.work('crash-me', async (payload) => {
        got.push(payload);
      });
      const deadline = Date.now() + 20_000; // far below pg-boss's 15-minute expiry
      while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual([{ from: child.pid }]);
    } finally {
      await opened.close();
    }
  });
});

describe('PGlite damaged data dir', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('says which directory cannot be opened and releases the lock', async () => {
    mkdirSync(join(dir.path, 'db'));
    writeFileSync(join(dir.path, 'db', 'PG_VERSION'), '17\n'); // a cluster marker with no cluster behind it
    await expect(openStore({ dataDir: dir.path })).rejects.toThrow(
      `cannot open the embedded database in ${join(dir.path, 'db')}`,
    );
    expect(readLockHolder(dir.path)).toBeNull();
  });
});
