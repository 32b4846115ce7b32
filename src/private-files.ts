// Data at rest is private (issue 14): the data dir holds workouts (GPS tracks
// start at home), sealed tokens and the key that opens them, so only its owner
// may read or change anything in it — the folders 0700, the files 0600.
//
// The process umask (077, set by the CLI) covers what bandsync writes itself,
// but not PGlite: emscripten's file system chmods a new cluster's files to
// 0666, and the ones PostgreSQL writes at each start (pg_internal.init) too.
// So the store tightens the whole tree when it creates a cluster or finds the
// data dir, or what lies directly in it, open to others (data dirs made by
// earlier releases), else those start files; and the whole tree again when it
// closes. The data dir being 0700 keeps everyone else out in between.
import { chmodSync, lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Every folder and file under `dir`, itself included (followed if it is a
 * link: a data dir may live elsewhere); links inside are neither followed nor changed.
 */
function walk(dir: string, visit: (path: string, stat: Stats) => void, root = true): void {
  let stat: Stats;
  try {
    stat = root ? statSync(dir) : lstatSync(dir);
  } catch {
    return; // gone meanwhile (PGlite removes temporary files while it runs)
  }
  visit(dir, stat);
  if (!stat.isDirectory()) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) walk(join(dir, name), visit, false);
}

/**
 * Makes `dir` and everything in it owner-only: folders 0700, files 0600.
 * Best effort per entry (one that vanished or belongs to someone else is left
 * as it is; `bandsync doctor` reports what stays open). Returns how many changed.
 */
export function makePrivate(dir: string): number {
  let changed = 0;
  walk(dir, (path, stat) => {
    if (stat.isSymbolicLink()) return;
    const mode = stat.mode & 0o777;
    const wanted = stat.isDirectory() ? DIR_MODE : FILE_MODE;
    if (mode === wanted) return;
    try {
      chmodSync(path, wanted);
      changed++;
    } catch {
      /* vanished, or not ours */
    }
  });
  return changed;
}

/**
 * True when `dir` and what lies directly in it are closed to group and others
 * (links aside). Then nobody else can reach anything deeper either, as every
 * path to it passes through a folder they cannot enter. About ten stat calls,
 * where makePrivate's walk of a data dir stats every one of PGlite's files.
 */
export function isOwnerOnly(dir: string): boolean {
  try {
    if ((statSync(dir).mode & 0o077) !== 0) return false;
    for (const name of readdirSync(dir)) {
      const stat = lstatSync(join(dir, name));
      if (!stat.isSymbolicLink() && (stat.mode & 0o077) !== 0) return false;
    }
    return true;
  } catch {
    return false; // missing or unreadable: let makePrivate do what it can
  }
}

export interface Exposure {
  /** The data dir's own permission bits (e.g. 0o755); null when it does not exist. */
  readonly mode: number | null;
  /** Folders and files (the data dir included) that group or others may read, write or enter. */
  readonly count: number;
  /** A few of them, relative to the data dir ("." is the data dir itself). */
  readonly examples: readonly string[];
}

/** What in `dir` is open to group or others. */
export function findExposed(dir: string, maxExamples = 3): Exposure {
  let mode: number | null = null;
  let count = 0;
  const examples: string[] = [];
  walk(dir, (path, stat) => {
    if (path === dir) mode = stat.mode & 0o777;
    if (stat.isSymbolicLink() || (stat.mode & 0o077) === 0) return;
    count++;
    if (examples.length < maxExamples) examples.push(relative(dir, path) || '.');
  });
  return { mode, count, examples };
}
