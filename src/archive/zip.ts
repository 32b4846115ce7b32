// Zip archives, read in place (never unpacked to disk, never loaded whole),
// through @zip.js/zip.js (docs/decisions/0003-zip-reader.md): stored and
// deflate entries, Zip64, ZipCrypto and WinZip AES (AE-1 / AE-2). What this
// module adds around it is bandsync's policy for untrusted archives:
//  - budgets (core/limits.ts): entries per archive, a central directory in
//    proportion, bytes each entry and the whole archive may inflate to;
//  - overlapping or repeated entry ranges (a zip bomb's trick) refuse the
//    archive before anything is inflated;
//  - every entry's CRC and size are checked on every path, streaming
//    included, and an AES entry's authentication code is checked before any
//    of its bytes is given out (one pass to authenticate, one to read);
//  - errors say the file, the entry and what to do, never the password.
import { stat } from 'node:fs/promises';
import { configure, ZipReader, type Entry, type FileEntry } from '@zip.js/zip.js';
import { DEFAULT_LIMITS, type InputLimits } from '../core/limits.js';
import { BandsyncError } from '../sync/failures.js';
import { fileInvalid, overLimit, passwordProblem } from './errors.js';
import { DirectoryTooLarge, FileRangeReader } from './file-reader.js';
import { parseCsv, type Row } from './csv.js';
import { groupDigits } from '../core/group-digits.js';

configure({ useWebWorkers: false });

/** Method 99 marks a WinZip AES entry; its real method is in the AES extra field. */
const AES_METHOD = 99;
/** The central directory may take this many bytes per entry the budget allows (names are rarely over 200 bytes). */
const DIRECTORY_BYTES_PER_ENTRY = 1024;
const LOCAL_HEADER_LENGTH = 30;

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate, 99 WinZip AES (the real method is in `aes`). */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** Where its local header starts. */
  readonly offset: number;
  /** DOS modification date and time (date << 16 | time), as stored. */
  readonly modified: number;
  readonly encrypted: boolean;
  readonly directory: boolean;
  /** WinZip AES entries: AE-1 keeps the CRC, AE-2 stores 0 and relies on the authentication code. */
  readonly aes?: { readonly vendorVersion: number; readonly strength: number; readonly method: number };
}

export interface ReadEntryOptions {
  readonly password?: string;
  readonly signal?: AbortSignal;
}

/**
 * What tells a changed entry from an unchanged one without reading it: CRC and
 * size; AE-2 AES entries store CRC 0, so their size and modification time.
 */
export function entryRevision(e: ZipEntry): string {
  if (e.aes && e.crc32 === 0) return `aes:${e.size}:${e.modified.toString(16)}`;
  return `${e.crc32.toString(16)}:${e.size}`;
}

/** True for entries that hold a file (not a folder, not macOS resource forks). */
export function isFileEntry(entry: ZipEntry): boolean {
  return (
    !entry.directory &&
    !entry.name.endsWith('/') &&
    !entry.name.startsWith('__MACOSX/') &&
    !/(^|\/)\._/.test(entry.name)
  );
}

function toEntry(e: Entry): ZipEntry {
  const aes = e.extraFieldAES;
  return {
    name: e.filename,
    method: aes ? AES_METHOD : e.compressionMethod,
    compressedSize: e.compressedSize,
    size: e.uncompressedSize,
    crc32: e.signature ?? 0,
    offset: e.offset,
    modified: Number(e.rawLastModDate),
    encrypted: e.encrypted,
    directory: e.directory,
    ...(aes
      ? { aes: { vendorVersion: aes.vendorVersion ?? 0, strength: aes.strength ?? 0, method: e.compressionMethod } }
      : {}),
  };
}

/** zip.js's words for what went wrong, in ours. */
function explain(zipPath: string, entry: ZipEntry | null, err: unknown): BandsyncError {
  if (err instanceof BandsyncError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const at = entry ? `${entry.name}: ` : '';
  const zipCrypto = entry !== null && entry.encrypted && !entry.aes;
  if (message === 'Invalid password') return passwordProblem(zipPath, `${at}wrong password`);
  if (message === 'Invalid authentication code')
    return fileInvalid(zipPath, `${at}damaged or wrong password (its AES authentication code does not match its data)`);
  if (message === 'Invalid CRC32')
    return fileInvalid(
      zipPath,
      `${at}${zipCrypto ? 'wrong password (CRC mismatch)' : 'CRC mismatch (damaged archive)'}`,
    );
  if (message === 'Invalid uncompressed size')
    return fileInvalid(zipPath, `${at}inflates to another size than the directory says (damaged archive)`);
  if (message === 'End of central directory not found' || message === 'File format is not recognized')
    return fileInvalid(zipPath, 'not a zip archive (no end-of-central-directory record; truncated?)');
  if (message === 'Local file header not found' || message === 'Entry data out of bounds')
    return fileInvalid(zipPath, `${at}local header or data missing (truncated or damaged archive)`);
  if (message === 'Compression method not supported')
    return fileInvalid(
      zipPath,
      `${at}uses compression method ${entry?.aes?.method ?? entry?.method}, which cannot be read; re-zip it with deflate`,
    );
  if (message === 'Split zip file') return fileInvalid(zipPath, 'a split (multi-part) zip; join the parts first');
  if (zipCrypto && /compressed data|invalid/i.test(message))
    return fileInvalid(zipPath, `${at}wrong password or damaged data (${message})`);
  return fileInvalid(zipPath, `${at}damaged archive (${message})`);
}

/**
 * Refuses entries whose bytes overlap: each local header and its data must
 * lie after the previous one's. Two directory records for one local entry,
 * or a record pointing inside another entry's data, is how a small zip
 * inflates the same data thousands of times.
 */
function checkNoOverlap(zipPath: string, entries: readonly ZipEntry[], nameLengths: readonly number[]): void {
  const order = entries.map((_, i) => i).sort((a, b) => entries[a]!.offset - entries[b]!.offset);
  for (let k = 1; k < order.length; k++) {
    const prev = entries[order[k - 1]!]!;
    const next = entries[order[k]!]!;
    const prevEnd = prev.offset + LOCAL_HEADER_LENGTH + nameLengths[order[k - 1]!]! + prev.compressedSize;
    if (next.offset < prevEnd)
      throw fileInvalid(
        zipPath,
        next.offset === prev.offset
          ? `entries "${prev.name}" and "${next.name}" are the same bytes (overlapping entries: a zip bomb or a damaged archive); refused`
          : `entry "${next.name}" overlaps "${prev.name}" (overlapping entries: a zip bomb or a damaged archive); refused`,
      );
  }
}

/**
 * One zip, its directory read once: entries are read from it one at a time
 * afterwards. What its entries inflate to is added up per open archive
 * (limits.archiveInflatedBytes), so open it anew for each pass over it.
 */
export class ZipArchive {
  private inflated = 0;

  private constructor(
    readonly path: string,
    readonly entries: readonly ZipEntry[],
    private readonly raw: ReadonlyMap<string, FileEntry>,
    private readonly reader: ZipReader<unknown>,
    private readonly limits: InputLimits,
  ) {}

  static async open(zipPath: string, limits: InputLimits = DEFAULT_LIMITS): Promise<ZipArchive> {
    const reader = new ZipReader(new FileRangeReader(zipPath, limits.archiveEntries * DIRECTORY_BYTES_PER_ENTRY), {
      useWebWorkers: false,
      // We never write entries to disk by name, so a "../" name is harmless here; refusing the whole zip for it is not.
      filenameValidation: 'tolerant',
    });
    const entries: ZipEntry[] = [];
    const nameLengths: number[] = [];
    const raw = new Map<string, FileEntry>();
    try {
      for await (const e of reader.getEntriesGenerator()) {
        if (entries.length >= limits.archiveEntries)
          throw overLimit(zipPath, 'the number of entries', 'archiveEntries', limits);
        const entry = toEntry(e);
        entries.push(entry);
        nameLengths.push(e.rawFilename.length);
        // A repeated name keeps its first entry (the overlap check refuses two records of one entry anyway).
        if (!e.directory && !raw.has(entry.name)) raw.set(entry.name, e);
      }
    } catch (err) {
      await reader.close().catch(() => {});
      if (err instanceof DirectoryTooLarge)
        throw overLimit(
          zipPath,
          `its central directory (${groupDigits(err.bytes)} bytes, ${DIRECTORY_BYTES_PER_ENTRY} per allowed entry)`,
          'archiveEntries',
          limits,
        );
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new BandsyncError('source_unavailable', `${zipPath}: file is gone (moved or deleted?)`);
      throw explain(zipPath, null, err);
    }
    checkNoOverlap(zipPath, entries, nameLengths);
    return new ZipArchive(zipPath, entries, raw, reader, limits);
  }

  entry(name: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === name && !e.directory);
  }

  /**
   * One entry's bytes, chunk by chunk, inflated and decrypted. Throws (after
   * the last chunk at the latest) when its CRC or size is wrong; an AES entry
   * is authenticated before its first chunk.
   */
  /** The rows of a CSV entry (header first), streamed within this archive's limits; see parseCsv. */
  csvRows(entry: ZipEntry, options: ReadEntryOptions = {}): AsyncGenerator<Row> {
    return parseCsv(this.stream(entry, options), { limits: this.limits, where: `${this.path}: ${entry.name}` });
  }

  async *stream(entry: ZipEntry, options: ReadEntryOptions = {}): AsyncGenerator<Uint8Array> {
    const raw = this.raw.get(entry.name);
    if (!raw) throw fileInvalid(this.path, `${entry.name}: no such entry in the zip`);
    if (entry.encrypted && !options.password)
      throw passwordProblem(this.path, `${entry.name} is password-protected; give the zip's password`);
    if (entry.size > this.limits.inflatedBytes)
      throw overLimit(
        this.path,
        `${entry.name} (${groupDigits(entry.size)} bytes inflated, says the directory)`,
        'inflatedBytes',
        this.limits,
      );
    const common = {
      ...(entry.encrypted ? { password: options.password } : {}),
      signal: options.signal,
      checkCrc32: true,
      useWebWorkers: false,
    };
    if (entry.aes) {
      // Authenticate first: the ciphertext runs through the HMAC (decrypted, not inflated, nothing kept).
      try {
        await raw.getData(new WritableStream<Uint8Array>(), { ...common, passThrough: 'compressed' });
      } catch (err) {
        throw this.failure(entry, err, options.signal);
      }
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const chunks = readable.getReader();
    // zip.js may fail before it writes anything, without closing the stream: its failure ends our reads too.
    let zipError: unknown = null;
    const done = raw.getData(writable, common).then(
      () => undefined,
      (err: unknown) => {
        zipError = err;
        return chunks.cancel(err).catch(() => {});
      },
    );
    let produced = 0;
    let settled = false;
    try {
      for (;;) {
        const { value, done: end } = await chunks.read();
        if (end) break;
        produced += value.length;
        this.inflated += value.length;
        if (produced > this.limits.inflatedBytes)
          throw overLimit(this.path, `${entry.name} inflated`, 'inflatedBytes', this.limits);
        if (this.inflated > this.limits.archiveInflatedBytes)
          throw overLimit(this.path, 'what its entries inflate to together', 'archiveInflatedBytes', this.limits);
        yield value;
      }
      await done;
      settled = true;
    } catch (err) {
      throw this.failure(entry, err, options.signal);
    } finally {
      // Stopped early (an error, a budget, or the consumer had enough): stop zip.js too, and wait for it.
      if (!settled) {
        await chunks.cancel().catch(() => {});
        await done;
      }
      chunks.releaseLock();
    }
    if (zipError) throw this.failure(entry, zipError, options.signal);
    if (produced !== entry.size)
      throw fileInvalid(
        this.path,
        `${entry.name} inflated to ${produced} bytes, the directory says ${entry.size} (damaged archive)`,
      );
  }

  /** One entry whole, at most limits.fileBytes (or `maxBytes`) of it. */
  async read(entry: ZipEntry, options: ReadEntryOptions & { maxBytes?: number } = {}): Promise<Uint8Array> {
    const max = Math.min(options.maxBytes ?? this.limits.fileBytes, this.limits.fileBytes);
    const tooBig = () =>
      options.maxBytes !== undefined && options.maxBytes < this.limits.fileBytes
        ? fileInvalid(this.path, `${entry.name} is more than the ${options.maxBytes} bytes allowed`)
        : overLimit(this.path, entry.name, 'fileBytes', this.limits);
    if (entry.size > max) throw tooBig();
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.stream(entry, options)) {
      total += chunk.length;
      if (total > max) throw tooBig();
      parts.push(chunk);
    }
    const bytes = Buffer.concat(parts, total);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  async close(): Promise<void> {
    await this.reader.close().catch(() => {});
  }

  private failure(entry: ZipEntry, err: unknown, signal?: AbortSignal): Error {
    if (signal?.aborted)
      return signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
    if ((err as Error)?.name === 'AbortError') return err as Error;
    return explain(this.path, entry, err);
  }
}

/**
 * Opens a zip the user pointed at (an export): one that is gone is
 * source_unavailable, "`what` cannot be read (moved or deleted?)", not a zip error.
 */
export async function openZipFile(
  zipPath: string,
  what: string,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<ZipArchive> {
  try {
    await stat(zipPath);
  } catch {
    throw new BandsyncError('source_unavailable', `${zipPath}: ${what} cannot be read (moved or deleted?)`);
  }
  return ZipArchive.open(zipPath, limits);
}

/** Every entry's metadata, no entry data. */
export async function readZipDirectory(zipPath: string, limits: InputLimits = DEFAULT_LIMITS): Promise<ZipEntry[]> {
  const zip = await ZipArchive.open(zipPath, limits);
  await zip.close();
  return [...zip.entries];
}

/** Streams one entry of `zipPath` (the directory is read again; keep a ZipArchive to read many). */
export async function* streamZipEntry(
  zipPath: string,
  entry: ZipEntry,
  signal?: AbortSignal,
  password?: string,
  limits: InputLimits = DEFAULT_LIMITS,
): AsyncGenerator<Uint8Array> {
  const zip = await ZipArchive.open(zipPath, limits);
  try {
    yield* zip.stream(entry, { signal, password });
  } finally {
    await zip.close();
  }
}

/** One entry of `zipPath` whole, at most `maxBytes`. */
export async function readZipEntry(
  zipPath: string,
  entry: ZipEntry,
  maxBytes: number,
  signal?: AbortSignal,
  password?: string,
  limits: InputLimits = DEFAULT_LIMITS,
): Promise<Uint8Array> {
  const zip = await ZipArchive.open(zipPath, limits);
  try {
    return await zip.read(entry, { maxBytes, signal, password });
  } finally {
    await zip.close();
  }
}
