// How the CLI finds a running daemon: daemon.json, owner-only, stale when its pid is gone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAEMON_FILE_NAME, readDaemonFile, writeDaemonFile } from '../../src/local-api/discovery.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'bandsync-discovery-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('daemon.json', () => {
  it('is written owner-only and read back while its process lives', () => {
    const dir = tempDir();
    const remove = writeDaemonFile(dir, {
      pid: process.pid,
      url: 'http://127.0.0.1:4321/',
      token: 't0ken',
      works: true,
    });
    expect(statSync(join(dir, DAEMON_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(readDaemonFile(dir)).toEqual({
      pid: process.pid,
      url: 'http://127.0.0.1:4321/',
      token: 't0ken',
      works: true,
    });
    remove();
    expect(readDaemonFile(dir)).toBeNull();
  });

  it('is ignored when its process is gone, half-written or foreign', () => {
    const dir = tempDir();
    const path = join(dir, DAEMON_FILE_NAME);
    writeFileSync(path, JSON.stringify({ pid: deadPid(), url: 'http://127.0.0.1:1/', token: 'x' }));
    expect(readDaemonFile(dir)).toBeNull();
    writeFileSync(path, '{"pid": 12');
    expect(readDaemonFile(dir)).toBeNull();
    writeFileSync(path, JSON.stringify({ pid: process.pid, url: 42 }));
    expect(readDaemonFile(dir)).toBeNull();
  });

  it('is removed only by the daemon that wrote it', () => {
    const dir = tempDir();
    const removeOld = writeDaemonFile(dir, { pid: process.pid, url: 'http://127.0.0.1:1/', token: 'old', works: true });
    const removeNew = writeDaemonFile(dir, { pid: process.pid, url: 'http://127.0.0.1:2/', token: 'new', works: true });
    removeOld();
    expect(JSON.parse(readFileSync(join(dir, DAEMON_FILE_NAME), 'utf8')).token).toBe('new');
    removeNew();
    expect(readDaemonFile(dir)).toBeNull();
  });
});
