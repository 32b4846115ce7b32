// A zip reader that never unpacks to disk and never loads the archive whole:
// the central directory (names, sizes, offsets) is read once from the end of
// the file, and one entry at a time is streamed from its offset through
// fflate's inflater. Used by the files source and the Zepp export source.
// Password-protected entries are opened in place: ZipCrypto (zipcrypto.ts) and
// WinZip AES AE-1 / AE-2 (zip-aes.ts; authenticated before any byte is given out).
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Inflate } from 'fflate';
import { BandsyncError } from '../../sync/failures.js';
import { checkEncryptionHeader, ZipCryptoDecipher } from './zipcrypto.js';
import {
  AES_MAC_LENGTH,
  AES_METHOD,
  AES_VERIFIER_LENGTH,
  aesOverhead,
  aesSaltLength,
  deriveAesKeys,
  parseAesExtra,
  verifierMatches,
  type AesCtrDecipher,
  type AesInfo,
} from './zip-aes.js';

export interface ZipEntry {
  readonly name: string;
  readonly method: number; // 0 stored, 8 deflate, 99 WinZip AES (the real method is in `aes`)
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
  /** DOS modification date and time (date << 16 | time), as stored. */
  readonly modified: number;
  readonly encrypted: boolean;
  /** Method-99 entries: the AES extra field (0x9901), or why it cannot be used. */
  readonly aes?: AesInfo | string;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;
/** The end-of-central-directory record is 22 bytes plus a comment of up to 64 KiB. */
const EOCD_SEARCH = 22 + 0xffff;

function invalid(zipPath: string, reason: string): BandsyncError {
  return new BandsyncError('source_file_invalid', `${zipPath}: ${reason}`);
}

/** A missing or wrong password is the user's to fix, not damage: the next pass reads the entry again. */
function passwordProblem(zipPath: string, reason: string): BandsyncError {
  return new BandsyncError('source_password', `${zipPath}: ${reason}`);
}

/**
 * What tells a changed entry from an unchanged one without reading it: CRC and
 * size; AE-2 AES entries store CRC 0, so their size and modification time.
 */
export function entryRevision(e: ZipEntry): string {
  if (typeof e.aes === 'object' && e.crc32 === 0) return `aes:${e.size}:${e.modified.toString(16)}`;
  return `${e.crc32.toString(16)}:${e.size}`;
}

/** Reads the central directory: every entry's metadata, no entry data. */
export async function readZipDirectory(zipPath: string): Promise<ZipEntry[]> {
  const fh = await open(zipPath, 'r');
  try {
    const { size } = await fh.stat();
    const tailLength = Math.min(size, EOCD_SEARCH);
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw invalid(zipPath, 'not a zip archive (no end-of-central-directory record; truncated?)');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff)
      throw invalid(zipPath, 'zip64 archives are not supported; re-zip it or unpack it into a folder');
    if (cdOffset + cdSize > size)
      throw invalid(zipPath, 'central directory lies beyond the end of the file (truncated?)');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CEN_SIG)
        throw invalid(zipPath, `central directory entry ${i} is damaged`);
      const flags = cd.readUInt16LE(p + 8);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
      // Bit 11 says UTF-8; older zips use CP437, which agrees with UTF-8 for ASCII names.
      const name = nameBytes.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1');
      const method = cd.readUInt16LE(p + 10);
      const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
      entries.push({
        name,
        method,
        crc32: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
        modified: ((cd.readUInt16LE(p + 14) << 16) | cd.readUInt16LE(p + 12)) >>> 0,
        encrypted: (flags & 1) !== 0,
        ...(method === AES_METHOD ? { aes: parseAesExtra(extra) ?? 'it has no AES extra field (0x9901)' } : {}),
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** True for entries that hold a file (not a folder, not macOS resource forks). */
export function isFileEntry(entry: ZipEntry): boolean {
  return !entry.name.endsWith('/') && !entry.name.startsWith('__MACOSX/') && !/(^|\/)\._/.test(entry.name);
}

/**
 * Streams one entry's uncompressed bytes, chunk by chunk; `password` opens
 * ZipCrypto and WinZip AES entries. An AES entry is read twice: once to check
 * its authentication code (nothing is kept), then to decrypt and inflate it,
 * so damaged or forged data is refused before any of it is given out.
 */
export async function* streamZipEntry(
  zipPath: string,
  entry: ZipEntry,
  signal?: AbortSignal,
  password?: string,
): AsyncGenerator<Uint8Array> {
  let aes: AesInfo | null = null;
  if (entry.method === AES_METHOD) {
    if (typeof entry.aes !== 'object')
      throw invalid(
        zipPath,
        `${entry.name} is AES-encrypted, but ${entry.aes ?? 'it has no AES extra field (0x9901)'} (damaged archive?)`,
      );
    if (!entry.encrypted)
      throw invalid(zipPath, `${entry.name} is marked AES-encrypted but not encrypted (damaged archive)`);
    aes = entry.aes;
  }
  const method = aes ? aes.method : entry.method;
  if (method !== 0 && method !== 8)
    throw invalid(
      zipPath,
      `${entry.name} uses compression method ${method}${aes ? ' (under AES)' : ''}; only stored and deflate are supported`,
    );
  if (entry.encrypted && !password)
    throw passwordProblem(zipPath, `${entry.name} is password-protected; give the zip's password`);
  const local = await readLocalHeader(zipPath, entry);
  let dataStart = local.dataStart;
  let dataLength = entry.compressedSize;
  let aesDecipher: AesCtrDecipher | null = null;
  if (aes) {
    aesDecipher = await openAesEntry(zipPath, entry, aes, local.dataStart, password!, signal);
    dataStart += aesSaltLength(aes.strength) + AES_VERIFIER_LENGTH;
    dataLength -= aesOverhead(aes.strength);
  }
  if (dataLength === 0) return;
  const raw = createReadStream(zipPath, {
    start: dataStart,
    end: dataStart + dataLength - 1,
    highWaterMark: 64 * 1024,
    signal,
  });
  let decipher: ZipCryptoDecipher | null = null;
  let header: Uint8Array | null = null; // the 12-byte encryption header, collected across chunks
  if (entry.encrypted && !aes) {
    decipher = new ZipCryptoDecipher(new TextEncoder().encode(password));
    header = new Uint8Array(0);
  }

  const out: Uint8Array[] = [];
  let ended = method === 0;
  const inflater =
    method === 8
      ? new Inflate((data, final) => {
          out.push(data);
          if (final) ended = true;
        })
      : null;
  let received = 0;
  let crc = 0xffffffff;
  let produced = 0;
  const emit = function* (): Generator<Uint8Array> {
    while (out.length > 0) {
      const chunk = out.shift()!;
      crc = crc32Update(crc, chunk);
      produced += chunk.length;
      yield chunk;
    }
  };
  try {
    for await (const piece of raw) {
      let chunk: Uint8Array = new Uint8Array(piece as Buffer);
      received += chunk.length;
      if (decipher && header) {
        const need = 12 - header.length;
        const combined = new Uint8Array(header.length + Math.min(need, chunk.length));
        combined.set(header);
        combined.set(chunk.subarray(0, need), header.length);
        header = combined;
        chunk = chunk.subarray(Math.min(need, chunk.length));
        if (header.length < 12) continue;
        const check = (local.flags & 0x8) !== 0 ? (local.modTime >>> 8) & 0xff : entry.crc32 >>> 24;
        if (!checkEncryptionHeader(decipher, header, check))
          throw passwordProblem(zipPath, `${entry.name}: wrong password`);
        header = null;
      }
      if (decipher) chunk = decipher.decrypt(chunk);
      else if (aesDecipher) chunk = aesDecipher.decrypt(chunk);
      const last = received >= dataLength;
      if (inflater) inflater.push(chunk, last);
      else out.push(chunk);
      yield* emit();
    }
  } catch (err) {
    if (err instanceof BandsyncError || (err as Error).name === 'AbortError') throw err;
    // An AES entry's password and bytes were proven by its authentication code: what is left is damage from before encryption.
    throw invalid(
      zipPath,
      `${entry.name}: ${decipher ? 'wrong password or ' : ''}damaged data (${(err as Error).message})`,
    );
  }
  yield* emit();
  if (!ended || received < dataLength) throw invalid(zipPath, `${entry.name} is truncated`);
  // AE-2 stores no CRC (0): its authentication code is the check instead.
  const crcKept = aes === null || aes.vendorVersion === 1;
  if (crcKept && produced === entry.size && (crc ^ 0xffffffff) >>> 0 !== entry.crc32) {
    throw invalid(
      zipPath,
      `${entry.name}: ${decipher ? 'wrong password (CRC mismatch)' : 'CRC mismatch (damaged archive)'}`,
    );
  }
}

/**
 * First pass over an AES entry: derives the keys from the password and the
 * salt, refuses a wrong password by the verifier, then runs the ciphertext
 * through the HMAC (streamed, nothing kept) and compares it with the stored
 * authentication code. Returns the decipher for the second pass.
 */
async function openAesEntry(
  zipPath: string,
  entry: ZipEntry,
  aes: AesInfo,
  dataStart: number,
  password: string,
  signal?: AbortSignal,
): Promise<AesCtrDecipher> {
  signal?.throwIfAborted();
  const saltLength = aesSaltLength(aes.strength);
  const headerLength = saltLength + AES_VERIFIER_LENGTH;
  const cipherLength = entry.compressedSize - aesOverhead(aes.strength);
  if (cipherLength < 0)
    throw invalid(zipPath, `${entry.name} is too short for AES data (truncated or damaged archive)`);
  const header = await readAt(zipPath, dataStart, headerLength, `${entry.name} is truncated`);
  const keys = await deriveAesKeys(new TextEncoder().encode(password), header.subarray(0, saltLength), aes.strength);
  if (!verifierMatches(keys, header.subarray(saltLength)))
    throw passwordProblem(zipPath, `${entry.name}: wrong password`);
  if (cipherLength > 0) {
    let read = 0;
    try {
      const body = createReadStream(zipPath, {
        start: dataStart + headerLength,
        end: dataStart + headerLength + cipherLength - 1,
        highWaterMark: 64 * 1024,
        signal,
      });
      for await (const piece of body) {
        keys.authenticator.update(piece as Buffer);
        read += (piece as Buffer).length;
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw invalid(zipPath, `${entry.name}: cannot be read (${(err as Error).message})`);
    }
    if (read < cipherLength) throw invalid(zipPath, `${entry.name} is truncated`);
  }
  const code = await readAt(
    zipPath,
    dataStart + headerLength + cipherLength,
    AES_MAC_LENGTH,
    `${entry.name} is truncated`,
  );
  if (!keys.authenticator.matches(code)) {
    throw invalid(
      zipPath,
      `${entry.name}: damaged or wrong password (its AES authentication code does not match its data)`,
    );
  }
  return keys.decipher;
}

/** `length` bytes at `position`; fewer (the file ends) is the archive's damage, said as `whenShort`. */
async function readAt(zipPath: string, position: number, length: number, whenShort: string): Promise<Buffer> {
  const fh = await open(zipPath, 'r');
  try {
    const bytes = Buffer.alloc(length);
    const { bytesRead } = await fh.read(bytes, 0, length, position);
    if (bytesRead < length) throw invalid(zipPath, whenShort);
    return bytes;
  } finally {
    await fh.close();
  }
}

export async function readZipEntry(
  zipPath: string,
  entry: ZipEntry,
  maxBytes: number,
  signal?: AbortSignal,
  password?: string,
): Promise<Uint8Array> {
  if (entry.size > maxBytes)
    throw invalid(zipPath, `${entry.name} is ${entry.size} bytes, more than the ${maxBytes} allowed`);
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of streamZipEntry(zipPath, entry, signal, password)) {
    total += chunk.length;
    if (total > maxBytes) throw invalid(zipPath, `${entry.name} inflates to more than ${maxBytes} bytes`);
    parts.push(chunk);
  }
  const bytes = Buffer.concat(parts, total);
  if (total !== entry.size)
    throw invalid(zipPath, `${entry.name} inflated to ${total} bytes, the directory says ${entry.size}`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

async function readLocalHeader(
  zipPath: string,
  entry: ZipEntry,
): Promise<{ dataStart: number; flags: number; modTime: number }> {
  const missing = `${entry.name}: local header missing (truncated or damaged archive)`;
  const header = await readAt(zipPath, entry.localHeaderOffset, 30, missing);
  if (header.readUInt32LE(0) !== LOC_SIG) throw invalid(zipPath, missing);
  // The local extra field can differ from the central one, so read its own lengths.
  return {
    dataStart: entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28),
    flags: header.readUInt16LE(6),
    modTime: header.readUInt16LE(10),
  };
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32Update(crc: number, data: Uint8Array): number {
  let c = crc;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}
