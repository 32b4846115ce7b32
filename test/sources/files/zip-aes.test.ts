// WinZip AES (AE-1 / AE-2) entries read by bandsync's zip reader
// (src/archive, on @zip.js/zip.js), from zips written by zip.js's writer
// (test/sources/files/aes-zip.ts), never by bandsync.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import {
  entryRevision,
  readZipDirectory,
  readZipEntry,
  streamZipEntry,
  type ZipEntry,
} from '../../../src/archive/index.js';
import { createFilesSource } from '../../../src/sources/files/index.js';
import { BandsyncError } from '../../../src/sync/failures.js';
import type { WorkoutRef } from '../../../src/sync/ports.js';
import { aesZip, describeAesZip, tamper } from './aes-zip.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/sources');
// Not ASCII on purpose: WinZip AES keys come from the password's UTF-8 bytes.
const PASSWORD = 'Zepp-expört 2025';

let dir: string;
let files: Record<string, Uint8Array>;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bandsync-zip-aes-'));
  const fixture = async (name: string) => new Uint8Array(await readFile(path.join(FIXTURES, name)));
  // A pseudo-random body (no repeats for deflate to hide) over several 64 KiB read chunks.
  const big = new Uint8Array(200_003);
  let x = 2463534242;
  for (let i = 0; i < big.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    big[i] = x & 0xff;
  }
  files = {
    'watch/indoor.FIT': await fixture('20170518-191602-1740899583.fit'), // 56,960 bytes: the counter carries past 255
    'watch/fenix.fit': await fixture('garmin-fenix-5-run.fit'),
    'tracks/Mojstrovka.gpx': await fixture('Mojstrovka.gpx'),
    'big.bin': big,
    'tiny.txt': new TextEncoder().encode('less than one AES block'),
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function write(bytes: Uint8Array): Promise<string> {
  const p = path.join(dir, `z${n++}.zip`);
  await writeFile(p, bytes);
  return p;
}

async function entryNamed(zipPath: string, name: string): Promise<ZipEntry> {
  const entry = (await readZipDirectory(zipPath)).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} not in ${zipPath}`);
  return entry;
}

const read = async (zipPath: string, name: string, password?: string) =>
  readZipEntry(zipPath, await entryNamed(zipPath, name), 1 << 30, undefined, password);
const failure = async (p: Promise<unknown>) =>
  (await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  )) as BandsyncError;

describe('WinZip AES zips written by zip.js', () => {
  for (const strength of [1, 2, 3] as const) {
    for (const store of [true, false]) {
      it(`AES-${64 + 64 * strength} ${store ? 'stored' : 'deflated'} AE-2: every entry reads back byte for byte`, async () => {
        const zip = await aesZip(files, { password: PASSWORD, strength, store });
        // What zip.js wrote, as zip.js reads it back: AE-2, this strength, the real method inside.
        for (const info of (await describeAesZip(zip)).values()) {
          expect(info).toMatchObject({ vendorVersion: 2, strength, method: store ? 0 : 8 });
        }
        const zipPath = await write(zip);
        for (const entry of await readZipDirectory(zipPath)) {
          expect(entry).toMatchObject({
            method: 99,
            encrypted: true,
            crc32: 0,
            aes: { vendorVersion: 2, strength, method: store ? 0 : 8 },
          });
          const bytes = await readZipEntry(zipPath, entry, 1 << 30, undefined, PASSWORD);
          expect(Buffer.from(bytes).equals(Buffer.from(files[entry.name]!))).toBe(true);
        }
      });
    }
  }

  it('an AE-2 entry (CRC 0) still gets a revision that changes when it is rewritten: size and modification time', async () => {
    const name = 'watch/fenix.fit';
    const one = { [name]: files[name]! };
    const first = await entryNamed(
      await write(await aesZip(one, { password: PASSWORD, modified: new Date('2025-03-01T10:00:00') })),
      name,
    );
    const again = await entryNamed(
      await write(await aesZip(one, { password: PASSWORD, modified: new Date('2025-03-01T10:00:00') })),
      name,
    );
    const later = await entryNamed(
      await write(await aesZip(one, { password: PASSWORD, modified: new Date('2025-03-02T18:30:00') })),
      name,
    );
    expect(first.crc32).toBe(0);
    expect(entryRevision(first)).toBe(entryRevision(again)); // re-encrypted (new salt), same file: unchanged
    expect(entryRevision(later)).not.toBe(entryRevision(first));
    const plain = await entryNamed(await write(zipSync(one)), name);
    expect(entryRevision(plain)).toBe(`${(crc32(files[name]!) >>> 0).toString(16)}:${files[name]!.length}`);
  });

  it('AE-1 (CRC kept): reads back, and a CRC that does not match the content fails that entry alone', async () => {
    const zip = await aesZip(files, { password: PASSWORD, strength: 1, ae1: true });
    const zipPath = await write(zip);
    for (const [name, info] of await describeAesZip(zip)) {
      expect(info.vendorVersion).toBe(1);
      expect((await entryNamed(zipPath, name)).crc32).toBe(crc32(files[name]!) >>> 0);
      expect(Buffer.from(await read(zipPath, name, PASSWORD)).equals(Buffer.from(files[name]!))).toBe(true);
    }
    // zip.js writes a wrong CRC on request: the ciphertext and its code stay right, so only the CRC can catch it.
    const badCrc = await write(
      await aesZip(files, {
        password: PASSWORD,
        strength: 2,
        ae1: { crc: (name, real) => (name === 'watch/fenix.fit' ? (real ^ 1) >>> 0 : real) },
      }),
    );
    const err = await failure(read(badCrc, 'watch/fenix.fit', PASSWORD));
    expect(err.code).toBe('source_file_invalid');
    expect(err.message).toBe(`${badCrc}: watch/fenix.fit: CRC mismatch (damaged archive)`);
    expect((await read(badCrc, 'tracks/Mojstrovka.gpx', PASSWORD)).length).toBe(files['tracks/Mojstrovka.gpx']!.length);
  });

  it("the CTR counter is little-endian from 1: Node's big-endian aes-*-ctr does not decrypt the entry, the reader does, streamed in chunks", async () => {
    const zip = await aesZip(
      { 'watch/fenix.fit': files['watch/fenix.fit']!, 'big.bin': files['big.bin']! },
      { password: PASSWORD, strength: 3, store: true },
    );
    const info = (await describeAesZip(zip)).get('watch/fenix.fit')!;
    const data = zip.subarray(info.dataStart, info.dataStart + info.dataLength);
    const salt = data.subarray(0, 16);
    const ciphertext = data.subarray(18, data.length - 10);
    const plain = files['watch/fenix.fit']!;
    expect(ciphertext.length).toBe(plain.length);
    // The spec's keys, with the counter as OpenSSL counts (big-endian, IV = 1): not the content.
    const aesKey = pbkdf2Sync(new TextEncoder().encode(PASSWORD), salt, 1000, 66, 'sha1').subarray(0, 32);
    const beIv = Buffer.alloc(16);
    beIv[15] = 1;
    const bigEndian = createDecipheriv('aes-256-ctr', aesKey, beIv).update(ciphertext);
    expect(bigEndian.subarray(0, 16).equals(Buffer.from(plain.subarray(0, 16)))).toBe(false);
    // The reader streams the entries back in several chunks, byte for byte.
    const zipPath = await write(zip);
    for (const name of ['watch/fenix.fit', 'big.bin']) {
      const chunks: Uint8Array[] = [];
      for await (const c of streamZipEntry(zipPath, await entryNamed(zipPath, name), undefined, PASSWORD))
        chunks.push(c);
      expect(Buffer.concat(chunks).equals(Buffer.from(files[name]!))).toBe(true);
    }
  });

  it('a wrong password gets the same error as a ZipCrypto entry, without the password; none asks for it', async () => {
    const zipPath = await write(await aesZip(files, { password: PASSWORD, strength: 1 }));
    const wrong = await failure(read(zipPath, 'watch/fenix.fit', 'Zepp-export 2025'));
    expect(wrong.code).toBe('source_password');
    expect(wrong.message).toBe(`${zipPath}: watch/fenix.fit: wrong password`);
    const none = await failure(read(zipPath, 'watch/fenix.fit'));
    expect(none.message).toBe(`${zipPath}: watch/fenix.fit is password-protected; give the zip's password`);
  });

  for (const store of [true, false]) {
    it(`a flipped byte in the ${store ? 'stored' : 'deflated'} ciphertext or in the code fails that entry with "damaged or wrong password", before any byte is given out; the others read`, async () => {
      const zip = await aesZip(files, { password: PASSWORD, strength: 2, store });
      for (const where of ['ciphertext', 'code'] as const) {
        const zipPath = await write(await tamper(zip, 'big.bin', where));
        const chunks: Uint8Array[] = [];
        const err = await failure(
          (async () => {
            for await (const c of streamZipEntry(zipPath, await entryNamed(zipPath, 'big.bin'), undefined, PASSWORD))
              chunks.push(c);
          })(),
        );
        expect(err).toBeInstanceOf(BandsyncError);
        expect(err.code).toBe('source_file_invalid');
        expect(err.message).toBe(
          `${zipPath}: big.bin: damaged or wrong password (its AES authentication code does not match its data)`,
        );
        expect(err.message).not.toContain(PASSWORD);
        expect(chunks).toEqual([]);
        for (const name of Object.keys(files).filter((k) => k !== 'big.bin')) {
          expect(Buffer.from(await read(zipPath, name, PASSWORD)).equals(Buffer.from(files[name]!))).toBe(true);
        }
      }
    });
  }

  it('an AES entry cut short or with a damaged AES extra field is refused with the reason', async () => {
    const zip = await aesZip({ 'tiny.txt': files['tiny.txt']! }, { password: PASSWORD, strength: 3 });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const cen = zip.findIndex((_, i) => i + 4 <= zip.length && view.getUint32(i, true) === 0x02014b50);
    // Every 0x9901 record (local and central): [id 2][size 2][version 2]["AE"][strength 1][method 2].
    const aesRecords = [...zip.keys()]
      .slice(0, -10)
      .filter((i) => view.getUint16(i, true) === 0x9901 && zip[i + 6] === 0x41 && zip[i + 7] === 0x45);
    expect(aesRecords.length).toBe(2);
    const patched = async (edit: (b: Uint8Array, v: DataView) => void) => {
      const copy = Uint8Array.from(zip);
      edit(copy, new DataView(copy.buffer));
      return write(copy);
    };
    const refusal = async (zipPath: string) => {
      const err = await failure(
        (async () => readZipEntry(zipPath, await entryNamed(zipPath, 'tiny.txt'), 1 << 20, undefined, PASSWORD))(),
      );
      expect(err).toBeInstanceOf(BandsyncError);
      expect(err.code).toBe('source_file_invalid');
      expect(err.message.startsWith(`${zipPath}: `)).toBe(true);
      expect(err.message).not.toContain(PASSWORD);
      return err.message;
    };
    // Cut short: the directory says 20 bytes, fewer than salt + verifier + code.
    expect(await refusal(await patched((_, v) => v.setUint32(cen + 20, 20, true)))).toMatch(/tiny\.txt: /);
    // An AES entry whose AES record names a method no reader knows.
    expect(await refusal(await patched((_, v) => aesRecords.forEach((i) => v.setUint16(i + 9, 12, true))))).toMatch(
      /tiny\.txt: uses compression method 12, which cannot be read/,
    );
    // Without its AES record (another extra field id), method 99 cannot be read.
    expect(await refusal(await patched((_, v) => aesRecords.forEach((i) => v.setUint16(i, 0x9902, true))))).toMatch(
      /tiny\.txt: /,
    );
  });
});

describe('files source and an AES zip', () => {
  it('lists the same workout entries as the plain zip; without the password each fails alone asking for it', async () => {
    const root = path.join(dir, 'folder');
    await mkdir(path.join(root, 'aes'), { recursive: true });
    await mkdir(path.join(root, 'plain'), { recursive: true });
    const workouts = {
      'watch/indoor.FIT': files['watch/indoor.FIT']!,
      'tracks/wahoo.gpx': new Uint8Array(await readFile(path.join(FIXTURES, 'wahoo_example.gpx'))),
    };
    await writeFile(path.join(root, 'plain/export.zip'), zipSync(workouts));
    await writeFile(path.join(root, 'aes/export.zip'), await aesZip(workouts, { password: PASSWORD }));
    const listed = async (sub: string) => {
      const source = createFilesSource({ paths: [path.join(root, sub)], accountId: 'acc' });
      const refs: WorkoutRef[] = [];
      for await (const ref of source.list({})) refs.push(ref);
      return { source, refs };
    };
    const plain = await listed('plain');
    const aes = await listed('aes');
    expect(aes.refs.map((r) => (r.handle as { entry: string }).entry)).toEqual(
      plain.refs.map((r) => (r.handle as { entry: string }).entry),
    );
    for (const ref of plain.refs) await expect(plain.source.fetch(ref)).resolves.toBeTruthy();
    for (const ref of aes.refs) {
      const err = await failure(aes.source.fetch(ref));
      expect(err.code).toBe('source_password');
      expect(err.message).toMatch(/is password-protected/);
    }
  });
});
