// I/O for a set of workout files: walks files, folders (recursively) and zips
// without reading their contents, then reads one file or zip entry at a time
// (gzip undone, size capped) when it is fetched.
import { opendir, readFile, stat } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import path from 'node:path';
import { BandsyncError } from '../../sync/failures.js';
import { entryRevision, isFileEntry, readZipDirectory, readZipEntry, type ZipEntry } from './zip.js';

const gunzipAsync = promisify(gunzip);

/** Largest workout file accepted (after decompression): far above any real activity, far below a zip bomb. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

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
export async function* walkPaths(paths: readonly string[], signal?: AbortSignal): AsyncGenerator<FileItem> {
  for (const given of paths) {
    const abs = path.resolve(given);
    let info;
    try {
      info = await stat(abs);
    } catch {
      throw new BandsyncError('source_unavailable', `${abs}: no such file or folder`);
    }
    if (info.isDirectory()) yield* walkDir(abs, signal);
    else yield* itemsOfFile(abs, info.size, info.mtimeMs);
  }
}

async function* walkDir(dir: string, signal?: AbortSignal): AsyncGenerator<FileItem> {
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
    if (d.isDir) yield* walkDir(full, signal);
    else if (d.isFile && (isWorkoutFileName(d.name) || isZipFileName(d.name))) {
      const info = await stat(full).catch(() => null);
      if (info) yield* itemsOfFile(full, info.size, info.mtimeMs);
    }
  }
}

async function* itemsOfFile(file: string, size: number, mtimeMs: number): AsyncGenerator<FileItem> {
  if (!isZipFileName(file)) {
    yield { path: file, revision: `${size}:${Math.floor(mtimeMs)}`, mtimeMs };
    return;
  }
  let entries;
  try {
    entries = await readZipDirectory(file);
  } catch (err) {
    // A broken zip is one bad file: list it so fetch() reports why, and go on.
    if (err instanceof BandsyncError) {
      yield { path: file, revision: `${size}:${Math.floor(mtimeMs)}`, mtimeMs };
      return;
    }
    throw err;
  }
  const picked = entries.filter(
    (e) => isFileEntry(e) && isWorkoutFileName(e.name) && !isJunk(path.posix.basename(e.name)),
  );
  picked.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of picked) yield { path: file, entry: e.name, revision: entryRevision(e), mtimeMs };
}

/**
 * The last zip's directory, by name: fetching 2,000 entries one by one would
 * otherwise re-read the same central directory 2,000 times. One zip at a time
 * is kept, checked against its size and mtime.
 */
let lastZip: { path: string; version: string; entries: Map<string, ZipEntry> } | null = null;
async function zipDirectory(zipPath: string): Promise<Map<string, ZipEntry>> {
  const info = await stat(zipPath).catch(() => null);
  if (!info) throw new BandsyncError('source_unavailable', `${zipPath}: file is gone (moved or deleted?)`);
  const version = `${info.size}:${info.mtimeMs}`;
  if (lastZip?.path === zipPath && lastZip.version === version) return lastZip.entries;
  const entries = new Map((await readZipDirectory(zipPath)).map((e) => [e.name, e] as const));
  lastZip = { path: zipPath, version, entries };
  return entries;
}

const invalid = (item: { path: string; entry?: string }, reason: string): BandsyncError =>
  new BandsyncError('source_file_invalid', `${displayName(item)}: ${reason}`);

/** The file's bytes, decompressed when gzipped, with the name to decode it by. */
export async function readItem(
  item: { path: string; entry?: string },
  signal?: AbortSignal,
  password?: string,
): Promise<{ bytes: Uint8Array; name: string }> {
  let bytes: Uint8Array;
  let name = item.entry ?? item.path;
  if (item.entry !== undefined) {
    const entry = (await zipDirectory(item.path)).get(item.entry);
    if (!entry) throw invalid(item, 'no longer in the zip');
    bytes = await readZipEntry(item.path, entry, MAX_FILE_BYTES, signal, password);
  } else {
    let info;
    try {
      info = await stat(item.path);
    } catch {
      throw new BandsyncError('source_unavailable', `${item.path}: file is gone (moved or deleted?)`);
    }
    if (info.size > MAX_FILE_BYTES) throw invalid(item, `${info.size} bytes is too large for a workout file`);
    if (isZipFileName(item.path)) await readZipDirectory(item.path); // throws the zip's own reason
    bytes = await readFile(item.path, { signal });
  }
  if (bytes.length === 0) throw invalid(item, 'empty file');
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes, { maxOutputLength: MAX_FILE_BYTES });
    } catch (err) {
      throw invalid(item, `gzip data is damaged or too large (${(err as Error).message})`);
    }
    name = name.replace(/\.gz$/i, '');
  }
  return { bytes, name };
}
