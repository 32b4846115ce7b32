// PGlite lives inside one process: a second process opening the same data dir
// would corrupt it. The lock file names its holder. It is written in full to
// a temporary file first and then hard-linked into place (link fails when the
// name exists), so a lock is never seen half-written by our own processes.
// A lock whose process is gone is stale and reclaimed; so is one holding our
// own pid that this process does not hold (a container restarts the daemon
// with the same pid every time).
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isProcessAlive } from '../process-alive.js';

export const LOCK_FILE_NAME = 'bandsync.lock';

/**
 * An unreadable lock younger than this may be one another process (an older
 * bandsync that wrote in place) is still writing: it is respected, not reclaimed.
 */
export const UNREADABLE_LOCK_GRACE_MS = 10_000;

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
      holder.pid === 0
        ? `the data directory ${dataDir} has a lock file another process is still writing (${holder.command}). Try again in a few seconds; if it stays, check no bandsync runs and delete ${join(dataDir, LOCK_FILE_NAME)}.`
        : `the data directory ${dataDir} is in use by another bandsync process (pid ${holder.pid}: ${holder.command}, since ${holder.startedAt}). ` +
            'Stop it for this command (status, log, retry, skip and sync go through a running bandsync daemon by themselves), or point DATABASE_URL at PostgreSQL to run several processes.',
    );
    this.name = 'DataDirLockedError';
  }
}

/** Lock files this process holds now (by path), to tell our own live lock from a previous incarnation's. */
const heldHere = new Set<string>();

/** Who holds the data dir, or null if nobody (used by `bandsync doctor`). */
export function readLockHolder(dataDir: string, now = Date.now()): LockHolder | null {
  const path = join(dataDir, LOCK_FILE_NAME);
  const read = readLock(path);
  if (read === null) return null;
  if (read.kind === 'unreadable') {
    const young = now - read.mtimeMs < UNREADABLE_LOCK_GRACE_MS;
    return {
      pid: 0,
      command: young ? 'lock file being written' : 'unreadable lock file',
      startedAt: '?',
      alive: young,
    };
  }
  const { pid, command, startedAt } = read;
  // Our own pid is alive by definition; it is ours only if this process took the lock.
  const alive = pid === process.pid ? heldHere.has(path) : isProcessAlive(pid);
  return { pid, command, startedAt, alive };
}

type ReadLock =
  | { kind: 'holder'; pid: number; command: string; startedAt: string; text: string }
  | { kind: 'unreadable'; mtimeMs: number; text: string };

function readLock(path: string): ReadLock | null {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(path, 'utf8');
    mtimeMs = statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; command?: unknown; startedAt?: unknown };
    const pid = Number(parsed.pid);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error('no pid');
    return {
      kind: 'holder',
      pid,
      command: String(parsed.command ?? '?'),
      startedAt: String(parsed.startedAt ?? '?'),
      text,
    };
  } catch {
    return { kind: 'unreadable', mtimeMs, text };
  }
}

export interface DataDirLock {
  release(): void;
}

export function acquireDataDirLock(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  const path = join(dataDir, LOCK_FILE_NAME);
  const content = JSON.stringify({ pid: process.pid, command, startedAt: new Date().toISOString() });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(temp, path); // atomic: the full content appears at once, or EEXIST
        heldHere.add(path);
        return makeLock(path, content);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readLockHolder(dataDir);
      if (holder === null) continue; // released meanwhile
      if (holder.alive) throw new DataDirLockedError(dataDir, holder);
      reclaimStale(path);
    }
    throw new Error(`could not take the lock file ${path}: another process keeps re-creating it`);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Removes a stale lock without removing a fresh one another process put in
 * its place between our look and our delete: the lock is renamed aside
 * (atomic), and if what was moved is no longer stale it is linked back.
 */
function reclaimStale(path: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readLock(aside);
  const stillStale =
    moved === null ||
    (moved.kind === 'unreadable'
      ? Date.now() - moved.mtimeMs >= UNREADABLE_LOCK_GRACE_MS
      : moved.pid === process.pid
        ? !heldHere.has(path)
        : !isProcessAlive(moved.pid));
  if (!stillStale) {
    try {
      linkSync(aside, path); // give it back; if a third process got in meanwhile, theirs stands
    } catch {
      /* the name is taken again: the next attempt reads that holder */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
}

function makeLock(path: string, content: string): DataDirLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    heldHere.delete(path);
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
