// PGlite lives inside one process: a second process opening the same data dir
// would corrupt it. The lock file (created with O_EXCL) names its holder; a
// lock whose pid is dead is stale and reclaimed.
import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../process-alive.js';

export const LOCK_FILE_NAME = 'bandsync.lock';

export interface LockHolder {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
  /** False when the process is gone (a stale lock, reclaimed by the next opener). */
  readonly alive: boolean;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the data directory ${dataDir} is in use by another bandsync process (pid ${holder.pid}: ${holder.command}, since ${holder.startedAt}). ` +
        'Stop it for this command (status, log, retry, skip and sync go through a running bandsync daemon by themselves), or point DATABASE_URL at PostgreSQL to run several processes.',
    );
    this.name = 'DataDirLockedError';
  }
}

/** Who holds the data dir, or null if nobody (used by `bandsync doctor`). */
export function readLockHolder(dataDir: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, LOCK_FILE_NAME), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; command?: unknown; startedAt?: unknown };
    const pid = Number(parsed.pid);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error('no pid');
    return {
      pid,
      command: String(parsed.command ?? '?'),
      startedAt: String(parsed.startedAt ?? '?'),
      alive: isProcessAlive(pid),
    };
  } catch {
    // Half-written or foreign content: treat as stale rather than blocking forever.
    return { pid: 0, command: 'unreadable lock file', startedAt: '?', alive: false };
  }
}

export interface DataDirLock {
  release(): void;
}

export function acquireDataDirLock(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  const path = join(dataDir, LOCK_FILE_NAME);
  const content = JSON.stringify({ pid: process.pid, command, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLockHolder(dataDir);
      if (holder?.alive) throw new DataDirLockedError(dataDir, holder);
      try {
        unlinkSync(path); // stale: its process is gone
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
      continue;
    }
    writeSync(fd, content);
    closeSync(fd);
    return makeLock(path, content);
  }
  throw new Error(`could not take the lock file ${path}: another process keeps re-creating it`);
}

function makeLock(path: string, content: string): DataDirLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      // Only remove it if it is still ours.
      if (readFileSync(path, 'utf8') === content) unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  process.on('exit', release);
  return { release };
}
