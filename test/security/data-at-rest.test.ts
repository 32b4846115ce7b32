// Issue 14 item 5: data at rest is private. After `bandsync demo` and after a
// normal run, nothing in the data dir is open to group or others (checked with
// find(1), not with our own walker), including PGlite's files and a data dir
// an earlier release left 0755 with 0666 files; `bandsync doctor` fails while
// it is open. The tests run under umask 022, as a user's shell usually does.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExposed, isOwnerOnly, makePrivate } from '../../src/private-files.js';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

const root = mkdtempSync(join(tmpdir(), 'bandsync-private-'));
const previousUmask = process.umask(0o022);
afterAll(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

/** Everything under `dir` that group or others may read, write or enter, as find(1) sees it. */
const openToOthers = (dir: string): string[] =>
  execFileSync('find', [dir, '-perm', '/077', '-not', '-type', 'l'], { encoding: 'utf8' }).split('\n').filter(Boolean);
const count = (dir: string): number =>
  execFileSync('find', [dir], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** As releases before this one left a data dir: folders 0755, PGlite's files 0666. */
function loosen(dir: string): void {
  execFileSync('find', [dir, '-type', 'd', '-exec', 'chmod', '755', '{}', '+']);
  execFileSync('find', [dir, '-type', 'f', '-exec', 'chmod', '666', '{}', '+']);
}

const env = (dataDir: string) => ({ BANDSYNC_DATA_DIR: dataDir, BANDSYNC_CONFIG: '', DATABASE_URL: '' });

describe('the data dir is owner-only', () => {
  it('after bandsync demo, which also creates the default data dir (its parent) 0700', async () => {
    const xdg = join(root, 'xdg-data');
    const r = await runCli(
      ['demo', '--workouts', '3', '--seed', '2', '--json'],
      { XDG_DATA_HOME: xdg, BANDSYNC_CONFIG: '', DATABASE_URL: '' },
      {
        timeoutMs: 240_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const dataDir = join(xdg, 'bandsync', 'demo');
    expect(JSON.parse(r.stdout).dataDir).toBe(dataDir);
    expect(modeOf(join(xdg, 'bandsync'))).toBe('700');
    expect(modeOf(dataDir)).toBe('700');
    expect(count(dataDir)).toBeGreaterThan(100); // PGlite's cluster is there
    expect(openToOthers(join(xdg, 'bandsync'))).toEqual([]);
  }, 300_000);

  describe('a data dir an earlier release left open', () => {
    const dataDir = join(root, 'old-release');
    beforeAll(async () => {
      const made = await runCli(['status'], env(dataDir), { timeoutMs: 180_000 });
      expect(made.code, made.stderr).toBe(0);
      loosen(dataDir);
      expect(openToOthers(dataDir).length).toBeGreaterThan(100);
    }, 180_000);

    it('bandsync doctor fails while group or others can reach it', async () => {
      // A live process holds the data dir (this test runner), so doctor reports without opening it.
      const lock = join(dataDir, 'bandsync.lock');
      writeFileSync(lock, JSON.stringify({ pid: process.pid, command: 'vitest', startedAt: new Date().toISOString() }));
      try {
        const r = await runCli(['doctor', '--json'], env(dataDir));
        expect(r.code).toBe(1);
        const check = (JSON.parse(r.stdout) as { id: string; status: string; summary: string; fix: string }[]).find(
          (c) => c.id === 'data-dir-private',
        );
        expect(check).toMatchObject({ status: 'fail' });
        expect(check!.summary).toContain(`group or others can read or change ${dataDir}`);
        expect(check!.summary).toContain('the data dir is 0755');
        expect(check!.fix).toContain(`chmod -R go= ${dataDir}`);
      } finally {
        rmSync(lock);
      }
    }, 120_000);

    it('is made owner-only by a normal run, files PGlite writes included', async () => {
      const folder = join(root, 'fit-folder');
      mkdirSync(folder);
      const connect = await runCli(['connect', 'files', folder], env(dataDir), { timeoutMs: 180_000 });
      expect(connect.code, connect.stderr).toBe(0);
      const status = await runCli(['status', '--json'], env(dataDir), { timeoutMs: 180_000 });
      expect(status.code, status.stderr).toBe(0);
      expect(modeOf(dataDir)).toBe('700');
      expect(modeOf(join(dataDir, 'secret.key'))).toBe('600');
      expect(modeOf(join(dataDir, 'db', 'PG_VERSION'))).toBe('600');
      expect(openToOthers(dataDir)).toEqual([]);
    }, 300_000);

    it('doctor says so when the store it opened had been open to others until then', async () => {
      loosen(dataDir);
      const r = await runCli(['doctor', '--json'], env(dataDir), { timeoutMs: 180_000 });
      expect(r.code).toBe(1);
      const check = (JSON.parse(r.stdout) as { id: string; status: string; summary: string }[]).find(
        (c) => c.id === 'data-dir-private',
      );
      expect(check).toMatchObject({ status: 'fail' });
      expect(check!.summary).toMatch(/until this check opened it .*; it is owner-only now/);
      expect(openToOthers(dataDir)).toEqual([]);
    }, 180_000);
  });

  it('a data dir closed to others but with an open entry directly in it is tightened whole', async () => {
    const dataDir = join(root, 'open-entry');
    const made = await runCli(['status'], env(dataDir), { timeoutMs: 180_000 });
    expect(made.code, made.stderr).toBe(0);
    loosen(dataDir);
    chmodSync(dataDir, 0o700); // the top closed, its db folder and every file in it open
    expect(openToOthers(dataDir).length).toBeGreaterThan(100);
    const status = await runCli(['status', '--json'], env(dataDir), { timeoutMs: 180_000 });
    expect(status.code, status.stderr).toBe(0);
    expect(openToOthers(dataDir)).toEqual([]);
  }, 300_000);

  it('nothing is open while the store is open, when it was owner-only before (no walk at open)', async () => {
    const dataDir = join(root, 'open-while-open');
    const umask = process.umask(0o077); // the CLI's
    try {
      await (await openStore({ dataDir })).close(); // creates the cluster, tightened whole
      expect(openToOthers(dataDir)).toEqual([]);
      const opened = await openStore({ dataDir, quick: true });
      try {
        // PostgreSQL rewrote its pg_internal.init files at start; PGlite left them 0666 until tightened.
        expect(openToOthers(dataDir)).toEqual([]);
        expect(findExposed(dataDir).count).toBe(0);
      } finally {
        await opened.close();
      }
    } finally {
      process.umask(umask);
    }
  }, 120_000);

  it('isOwnerOnly looks at the folder and what lies directly in it: nothing deeper is reachable through them', () => {
    const dir = join(root, 'owner-only');
    mkdirSync(join(dir, 'db', 'base'), { recursive: true });
    writeFileSync(join(dir, 'secret.key'), 'k');
    writeFileSync(join(dir, 'db', 'base', 'deep'), 'x');
    execFileSync('chmod', ['-R', 'go=', dir]);
    expect(isOwnerOnly(dir)).toBe(true);
    chmodSync(join(dir, 'db', 'base', 'deep'), 0o666); // behind the closed db folder: nobody else gets there
    expect(isOwnerOnly(dir)).toBe(true);
    symlinkSync('/etc/hostname', join(dir, 'link')); // a link's own bits mean nothing
    expect(isOwnerOnly(dir)).toBe(true);
    chmodSync(join(dir, 'secret.key'), 0o644);
    expect(isOwnerOnly(dir)).toBe(false);
    chmodSync(join(dir, 'secret.key'), 0o600);
    chmodSync(join(dir, 'db'), 0o755);
    expect(isOwnerOnly(dir)).toBe(false);
    chmodSync(join(dir, 'db'), 0o700);
    chmodSync(dir, 0o750);
    expect(isOwnerOnly(dir)).toBe(false);
    expect(isOwnerOnly(join(root, 'missing'))).toBe(false);
  });

  it('makePrivate leaves links and what they point to alone', () => {
    const dir = join(root, 'links');
    mkdirSync(join(dir, 'sub'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, 'not ours', { mode: 0o644 });
    chmodSync(outside, 0o644);
    writeFileSync(join(dir, 'sub', 'file'), 'x', { mode: 0o666 });
    chmodSync(join(dir, 'sub', 'file'), 0o666);
    symlinkSync(outside, join(dir, 'link'));
    expect(findExposed(dir)).toMatchObject({ mode: 0o755, count: 3 });
    expect(makePrivate(dir)).toBe(3);
    expect(openToOthers(dir)).toEqual([]);
    expect(modeOf(join(dir, 'sub', 'file'))).toBe('600');
    expect(modeOf(outside)).toBe('644');
    expect(findExposed(dir)).toMatchObject({ mode: 0o700, count: 0 });
  });
});
