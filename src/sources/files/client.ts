// I/O for a set of workout files: walks files, folders (recursively) and zips
// without reading their contents, then reads one file or zip entry at a time
// (gzip undone) within the input limits when it is fetched.
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import { BandsyncError } from '../../sync/failures.js';
import { entryRevision, isFileEntry, maybeGunzip, readFileWithin, ZipArchive } from '../../archive/index.js';

const WORKOUT_FILE = /\.(fit|tcx|gpx)(\.gz)?$/i;
const ZIP_FILE = /\.zip$/i;

export interface FileItem {
  /** Absolute path of the file on disk (the zip for zip entries). */
  readonly path: string;
  /** Entry name inside the zip, when the workout is in one. */
  readonly entry?: string;
  /** Changes whenever the content may have changed (size + mtime, or the entry's CRC). */
  readonly revision: string;
  /** When the file was last written: a workout cannot start after it. */
  readonly mtimeMs: number;
}

export const isWorkoutFileName = (name: string): boolean => WORKOUT_FILE.test(name);
export const isZipFileName = (name: string): boolean => ZIP_FILE.test(name);
/** Hidden files, editor backups and half-downloaded files (also skipped by the folder watch). */
export const isJunk = (name: string): boolean =>
  name.startsWith('.') || name.endsWith('~') || /\.(part|crdownload|tmp|download)$/i.test(name);

export function displayName(item: { path: string; entry?: string }): string {
  return item.entry ? `${item.path}!${item.entry}` : item.path;
}

/**
 * Yields every workout file under `paths`, in a stable order. A path given
 * explicitly is yielded whatever its name (so the user hears why it is not a
 * workout); inside folders, only workout files and zips are picked up.
 */
export async function* walkPaths(
  paths: readonly string[],
  signal?: AbortSignal,
  limits: InputLimits = DEFAULT_LIMITS,
): AsyncGenerator<FileItem> {
  for (const given of paths) {
    const abs = path.resolve(given);
    let info;
    try {
      info = await stat(abs);
    } catch {
      throw new BandsyncError('source_unavailable', `${abs}: no such file or folder`);
    }
    if (info.isDirectory()) yield* walkDir(abs, signal, limits);
    else yield* itemsOfFile(abs, info.size, info.mtimeMs, limits);
  }
}

async function* walkDir(dir: string, signal: AbortSignal | undefined, limits: InputLimits): AsyncGenerator<FileItem> {
  const names: { name: string; isDir: boolean; isFile: boolean }[] = [];
  // Names only (not contents): bounded by the folder's size, sorted so listings are repeatable.
  for await (const d of await opendir(dir)) {
    // A symlink to a file counts as that file; symlinked folders are not followed (loops).
    const isFile =
      d.isFile() || (d.isSymbolicLink() && ((await stat(path.join(dir, d.name)).catch(() => null))?.isFile() ?? false));
    names.push({ name: d.name, isDir: d.isDirectory(), isFile });
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const d of names) {
    signal?.throwIfAborted();
    if (isJunk(d.name)) continue;
    const full = path.join(dir, d.name);
    if (d.isDir) yield* walkDir(full, signal, limits);
    else if (d.isFile && (isWorkoutFileName(d.name) || isZipFileName(d.name))) {
      const info = await stat(full).catch(() => null);
      if (info) yield* itemsOfFile(full, info.size, info.mtimeMs, limits);
    }
  }
}

async function* itemsOfFile(
  file: string,
  size: number,
  mtimeMs: number,
  limits: InputLimits,
): AsyncGenerator<FileItem> {
  if (!isZipFileName(file)) {
    yield { path: file, revision: `${size}:${Math.floor(mtimeMs)}`, mtimeMs };
    return;
  }
  let zip;
  try {
    zip = await openZip(file, limits, true);
  } catch (err) {
    // A broken or hostile zip is one bad file: list it so fetch() reports why, and go on.
    if (err instanceof BandsyncError) {
      yield { path: file, revision: `${size}:${Math.floor(mtimeMs)}`, mtimeMs };
      return;
    }
    throw err;
  }
  const picked = zip.entries.filter(
    (e) => isFileEntry(e) && isWorkoutFileName(e.name) && !isJunk(path.posix.basename(e.name)),
  );
  picked.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of picked) yield { path: file, entry: e.name, revision: entryRevision(e), mtimeMs };
}

/**
 * The last zip, open, by path: fetching 2,000 entries one by one would
 * otherwise re-read the same central directory 2,000 times. One zip at a time
 * is kept, checked against its size and mtime; listing opens it afresh, so
 * what its entries may inflate to together is counted per pass.
 */
let lastZip: { path: string; version: string; zip: ZipArchive } | null = null;
async function openZip(zipPath: string, limits: InputLimits, fresh = false): Promise<ZipArchive> {
  const info = await stat(zipPath).catch(() => null);
  if (!info) throw new BandsyncError('source_unavailable', `${zipPath}: file is gone (moved or deleted?)`);
  const version = `${info.size}:${info.mtimeMs}`;
  if (!fresh && lastZip?.path === zipPath && lastZip.version === version) return lastZip.zip;
  const zip = await ZipArchive.open(zipPath, limits);
  void lastZip?.zip.close();
  lastZip = { path: zipPath, version, zip };
  return zip;
}

const invalid = (item: { path: string; entry?: string }, reason: string): BandsyncError =>
  new BandsyncError('source_file_invalid', `${displayName(item)}: ${reason}`);

/** The file's bytes, decompressed when gzipped, with the name to decode it by; every step within `limits`. */
export async function readItem(
  item: { path: string; entry?: string },
  signal?: AbortSignal,
  password?: string,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<{ bytes: Uint8Array; name: string }> {
  let bytes: Uint8Array;
  const name = item.entry ?? item.path;
  if (item.entry !== undefined) {
    const zip = await openZip(item.path, limits);
    const entry = zip.entry(item.entry);
    if (!entry) throw invalid(item, 'no longer in the zip');
    bytes = await zip.read(entry, { signal, password });
  } else {
    if (isZipFileName(item.path)) await openZip(item.path, limits, true); // throws the zip's own reason
    bytes = await readFileWithin(item.path, { limits, signal });
  }
  if (bytes.length === 0) throw invalid(item, 'empty file');
  return maybeGunzip(bytes, name, displayName(item), limits);
}
