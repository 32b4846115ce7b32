// Writes WinZip-AES-encrypted zips for tests with @zip.js/zip.js (a dev
// dependency), so the bytes come from a producer independent of bandsync's
// reader. zip.js encrypts as AE-2 (CRC stored as 0); AE-1 is made by zip.js
// too, copying the AE-2 ciphertext verbatim (`passThrough: true`) and giving
// it the content's CRC, the one case where zip.js marks an entry AE-1.
import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipReader, ZipWriter } from '@zip.js/zip.js';
import { crc32 } from 'node:zlib';

configure({ useWebWorkers: false });

export interface AesZipOptions {
  readonly password: string;
  /** 1 = AES-128, 2 = AES-192, 3 = AES-256 (zip.js's default). */
  readonly strength?: 1 | 2 | 3;
  /** Stored (level 0) instead of deflated (level 6). */
  readonly store?: boolean;
  /** AE-1 (CRC kept) instead of AE-2; `crc` overrides the CRC written (to test that it is checked). */
  readonly ae1?: boolean | { readonly crc: (name: string, real: number) => number };
  /** The entries' modification time (zip.js's default: now). */
  readonly modified?: Date;
}

/** One zip of `files` ("NAME/" with empty content is a folder), every file AES-encrypted. */
export async function aesZip(files: Record<string, Uint8Array | string>, options: AesZipOptions): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), {
    password: options.password,
    encryptionStrength: options.strength ?? 3,
    zipCrypto: false,
    level: options.store ? 0 : 6,
  });
  const crcs = new Map<string, number>();
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith('/')) {
      await writer.add(name, undefined, { directory: true });
      continue;
    }
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    crcs.set(name, crc32(bytes) >>> 0);
    await writer.add(name, new Uint8ArrayReader(bytes), options.modified ? { lastModDate: options.modified } : {});
  }
  const ae2 = await writer.close();
  if (!options.ae1) return ae2;
  const override = typeof options.ae1 === 'object' ? options.ae1.crc : (_: string, real: number) => real;
  const reader = new ZipReader(new Uint8ArrayReader(ae2));
  const copy = new ZipWriter(new Uint8ArrayWriter());
  for (const entry of await reader.getEntries()) {
    if (entry.directory) {
      await copy.add(entry.filename, undefined, { directory: true });
      continue;
    }
    const raw = await entry.getData(new Uint8ArrayWriter(), { passThrough: true });
    await copy.add(entry.filename, new Uint8ArrayReader(raw), {
      entry,
      passThrough: true,
      crc32: override(entry.filename, crcs.get(entry.filename)!),
    });
  }
  await reader.close();
  return copy.close();
}

/** How zip.js itself reads each file entry back: its AES extra field, and where its data lies. */
export async function describeAesZip(zip: Uint8Array): Promise<
  Map<
    string,
    {
      vendorVersion: number | undefined;
      strength: number | undefined;
      method: number | undefined;
      dataStart: number;
      dataLength: number;
    }
  >
> {
  const reader = new ZipReader(new Uint8ArrayReader(zip));
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = new Map<
    string,
    {
      vendorVersion: number | undefined;
      strength: number | undefined;
      method: number | undefined;
      dataStart: number;
      dataLength: number;
    }
  >();
  for (const entry of await reader.getEntries()) {
    if (entry.directory) continue;
    // The local header's own name and extra lengths say where the data starts.
    const dataStart =
      entry.offset + 30 + view.getUint16(entry.offset + 26, true) + view.getUint16(entry.offset + 28, true);
    const aes = entry.extraFieldAES;
    out.set(entry.filename, {
      vendorVersion: aes?.vendorVersion,
      strength: aes?.strength,
      method: aes?.compressionMethod,
      dataStart,
      dataLength: entry.compressedSize,
    });
  }
  await reader.close();
  return out;
}

/** A copy of `zip` with one byte of `name`'s ciphertext (mid-entry) or of its authentication code flipped. */
export async function tamper(zip: Uint8Array, name: string, where: 'ciphertext' | 'code'): Promise<Uint8Array> {
  const entry = (await describeAesZip(zip)).get(name);
  if (!entry?.strength) throw new Error(`${name}: no AES entry of that name`);
  const header = 4 + 4 * entry.strength + 2; // salt + verifier
  const at =
    where === 'code'
      ? entry.dataStart + entry.dataLength - 3
      : entry.dataStart + header + Math.floor((entry.dataLength - header - 10) / 2);
  const copy = Uint8Array.from(zip);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}
