// How CLI commands find a running daemon (DESIGN §4.2): the daemon writes
// <dataDir>/daemon.json — its pid, its local URL and a random token — readable
// by the owner only, and removes it when it stops. A file whose pid is dead is
// stale and ignored.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../process-alive.js';

export const DAEMON_FILE_NAME = 'daemon.json';

export interface DaemonInfo {
  readonly pid: number;
  /** Loopback URL of the daemon's HTTP server (the local API lives under /api/local/). */
  readonly url: string;
  /** Bearer token for the local API; only the data dir's owner can read it. */
  readonly token: string;
  /** Whether the process syncs (`daemon`) or only serves the dashboard (`serve`). */
  readonly works: boolean;
}

export const newLocalApiToken = (): string => randomBytes(32).toString('base64url');

/** Writes the file atomically (a reader never sees half of it) with mode 0600; returns its remover. */
export function writeDaemonFile(dataDir: string, info: DaemonInfo): () => void {
  const path = join(dataDir, DAEMON_FILE_NAME);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(info), { mode: 0o600 });
  renameSync(temp, path);
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    try {
      // Only remove it if it is still ours (a restarted daemon may have replaced it).
      if ((JSON.parse(readFileSync(path, 'utf8')) as DaemonInfo).token === info.token) unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  process.on('exit', remove);
  return remove;
}

/** The running daemon of this data dir, or null when none runs. */
export function readDaemonFile(dataDir: string): DaemonInfo | null {
  let parsed: Partial<DaemonInfo>;
  try {
    parsed = JSON.parse(readFileSync(join(dataDir, DAEMON_FILE_NAME), 'utf8')) as Partial<DaemonInfo>;
  } catch {
    return null; // absent, or half-written by a daemon that died mid-write
  }
  const { pid, url, token, works } = parsed;
  if (typeof pid !== 'number' || typeof url !== 'string' || typeof token !== 'string') return null;
  return isProcessAlive(pid) ? { pid, url, token, works: works !== false } : null;
}
