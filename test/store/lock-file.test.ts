// Issue 12 item 8: the data-dir lock after crashes and restarts. Real files,
// real processes: a lock holding our own pid from an earlier incarnation (a
// container restarts with the same pid), a half-written lock another process
// may still be writing, a live other holder, and two openers racing.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  acquireDataDirLock,
  DataDirLockedError,
  LOCK_FILE_NAME,
  readLockHolder,
  UNREADABLE_LOCK_GRACE_MS,
} from '../../src/store/lock-file.js';
import { tempDir } from './helpers.js';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
function dir(): string {
  const d = tempDir('bandsync-lock-');
  dirs.push(d);
  return d.path;
}
const lockPath = (d: string) => join(d, LOCK_FILE_NAME);

describe('data-dir lock file', () => {
  it('is written whole: the lock names this process, and no temporary file is left behind', () => {
    const d = dir();
    const lock = acquireDataDirLock(d, 'bandsync test');
    expect(JSON.parse(readFileSync(lockPath(d), 'utf8'))).toMatchObject({ pid: process.pid, command: 'bandsync test' });
    expect(readdirSync(d)).toEqual([LOCK_FILE_NAME]);
    expect(readLockHolder(d)).toMatchObject({ pid: process.pid, alive: true });
    lock.release();
    expect(readdirSync(d)).toEqual([]);
  });

  it('treats a lock with our own pid that this process did not take as stale (a restarted container)', () => {
    const d = dir();
    writeFileSync(
      lockPath(d),
      JSON.stringify({ pid: process.pid, command: 'bandsync daemon', startedAt: '2026-01-01T00:00:00Z' }),
    );
    expect(readLockHolder(d)).toMatchObject({ pid: process.pid, alive: false });
    const lock = acquireDataDirLock(d, 'bandsync daemon (restarted)');
    expect(JSON.parse(readFileSync(lockPath(d), 'utf8')).command).toBe('bandsync daemon (restarted)');
    // Held by this process now: a second opener in the same process is refused.
    expect(() => acquireDataDirLock(d)).toThrow(DataDirLockedError);
    lock.release();
    expect(readdirSync(d)).toEqual([]);
  });

  it('does not delete an empty lock another process may still be writing; reclaims it once it is old', () => {
    const d = dir();
    writeFileSync(lockPath(d), '');
    expect(() => acquireDataDirLock(d)).toThrow(/still writing.*Try again in a few seconds/);
    expect(readFileSync(lockPath(d), 'utf8')).toBe('');
    const old = (Date.now() - UNREADABLE_LOCK_GRACE_MS - 5_000) / 1000;
    utimesSync(lockPath(d), old, old);
    expect(readLockHolder(d)).toMatchObject({ pid: 0, alive: false, command: 'unreadable lock file' });
    const lock = acquireDataDirLock(d);
    expect(JSON.parse(readFileSync(lockPath(d), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('refuses the lock of a live other process with a message naming it, and leaves it in place', async () => {
    const d = dir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const content = JSON.stringify({ pid: other.pid, command: 'bandsync daemon', startedAt: '2026-12-01T10:00:00Z' });
      writeFileSync(lockPath(d), content);
      let error: unknown;
      try {
        acquireDataDirLock(d);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as Error).message).toContain(
        `in use by another bandsync process (pid ${other.pid}: bandsync daemon`,
      );
      expect(readFileSync(lockPath(d), 'utf8')).toBe(content);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('lets exactly one of several processes racing for a stale lock win', async () => {
    const d = dir();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(lockPath(d), JSON.stringify({ pid: dead.pid, command: 'crashed', startedAt: '?' }));
    const script = `
      const { acquireDataDirLock } = await import(${JSON.stringify(new URL('../../src/store/lock-file.ts', import.meta.url).href)});
      try { acquireDataDirLock(process.argv[1], 'racer'); console.log('won'); setTimeout(() => {}, 3000); }
      catch (e) { console.log('lost: ' + e.name); }`;
    const racers = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, d], {
        cwd: new URL('../..', import.meta.url).pathname,
      }),
    );
    const outputs = await Promise.all(
      racers.map(
        (c) =>
          new Promise<string>((resolve) => {
            let out = '';
            c.stdout!.on('data', (b: Buffer) => (out += b.toString()));
            c.on('exit', () => resolve(out.trim()));
          }),
      ),
    );
    expect(
      outputs.filter((o) => o === 'won'),
      outputs.join(' | '),
    ).toHaveLength(1);
    expect(outputs.filter((o) => o === 'lost: DataDirLockedError')).toHaveLength(3);
  }, 60_000);
});
