// Watches a folder for new workout files and reports each one once it has
// stopped growing (a phone sync or a copy writes a file over seconds; decoding
// it half-written would fail). Polls by scanning: fs.watch misses events on
// network shares and some sync tools, and a scan of names and sizes is cheap.
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isJunk, isWorkoutFileName, isZipFileName } from './client.js';

export interface WatchOptions {
  readonly signal: AbortSignal;
  /** How long a file's size and mtime must stay unchanged before it is reported (ms). */
  readonly settleMs: number;
  /** Scan interval (ms); by default a quarter of settleMs, between 50 ms and 2 s. */
  readonly pollMs?: number;
  /** Also report files already there when watching starts (default: only new ones). */
  readonly includeExisting?: boolean;
  /** Called once the files already there are known, so "watching" is only said when it is true. */
  readonly onReady?: () => void;
}

interface Seen {
  size: number;
  mtimeMs: number;
  since: number; // when this size/mtime was first seen
  reported: boolean;
}

const wanted = (name: string): boolean => !isJunk(name) && (isWorkoutFileName(name) || isZipFileName(name));

async function scan(dir: string, out: Map<string, { size: number; mtimeMs: number }>): Promise<void> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch {
    return; // the folder (or a subfolder) vanished between scans
  }
  for await (const d of handle) {
    const full = path.join(dir, d.name);
    if (d.isDirectory() && !d.name.startsWith('.')) await scan(full, out);
    else if (d.isFile() && wanted(d.name)) {
      const info = await stat(full).catch(() => null);
      if (info) out.set(full, { size: info.size, mtimeMs: info.mtimeMs });
    }
  }
}

/** Resolves when `signal` aborts. `onFile` gets absolute paths; it is awaited, so reports never overlap. */
export async function watchDirectory(
  dir: string,
  onFile: (file: string) => void | Promise<void>,
  options: WatchOptions,
): Promise<void> {
  const root = path.resolve(dir);
  const pollMs = options.pollMs ?? Math.min(2000, Math.max(50, Math.floor(options.settleMs / 4)));
  const seen = new Map<string, Seen>();
  const now = (): number => performance.now();

  if (!options.includeExisting) {
    const first = new Map<string, { size: number; mtimeMs: number }>();
    await scan(root, first);
    for (const [file, s] of first) seen.set(file, { ...s, since: now(), reported: true });
  }
  options.onReady?.();

  while (!options.signal.aborted) {
    const current = new Map<string, { size: number; mtimeMs: number }>();
    await scan(root, current);
    const t = now();
    for (const [file, s] of current) {
      const prev = seen.get(file);
      if (!prev || prev.size !== s.size || prev.mtimeMs !== s.mtimeMs) {
        // New, or changed since last seen: the settle clock starts again (and a rewritten file is reported again).
        seen.set(file, { ...s, since: t, reported: false });
        continue;
      }
      if (!prev.reported && s.size > 0 && t - prev.since >= options.settleMs) {
        prev.reported = true;
        if (options.signal.aborted) return;
        await onFile(file);
      }
    }
    for (const file of seen.keys()) if (!current.has(file)) seen.delete(file);
    try {
      await sleep(pollMs, undefined, { signal: options.signal });
    } catch {
      return; // aborted
    }
  }
}
