// Builds the hostile files of issue 14 on disk without ever holding their
// expanded content in memory: a deflate stream whose blocks each end with a
// full flush (no reference to earlier data) can be repeated verbatim, so a
// 1 MiB run compressed once, written N times, inflates to N MiB. The CRC of
// the whole is computed from the run's CRC by zlib's crc32_combine (GF(2)
// matrices), so the archives are valid, not merely big.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { constants, crc32, deflateRawSync } from 'node:zlib';

const MiB = 1024 * 1024;

/** A deflate chunk that inflates to `run` and can be repeated (it ends with a full flush). */
function repeatableDeflate(run: Uint8Array): Buffer {
  return deflateRawSync(run, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
}
/** The last block: empty, with BFINAL set. */
const FINAL_BLOCK = deflateRawSync(Buffer.alloc(0));

// --- crc32_combine (zlib's algorithm) ----------------------------------------
function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i]!;
  return sum >>> 0;
}
function gf2Square(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(mat, mat[n]!);
}
/** CRC of A followed by B, from crc(A), crc(B) and B's length. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row >>> 0;
  gf2Square(even, odd);
  gf2Square(odd, even);
  let crc = crcA >>> 0;
  let len = lengthB;
  do {
    gf2Square(even, odd);
    if (len % 2) crc = gf2Times(even, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
    gf2Square(odd, even);
    if (len % 2) crc = gf2Times(odd, crc);
    len = Math.floor(len / 2);
  } while (len !== 0);
  return (crc ^ crcB) >>> 0;
}

/** CRC of `bytes` repeated `times` times, by doubling. */
function crcOfRepeats(bytes: Uint8Array, times: number): number {
  let result = 0;
  let resultLength = 0;
  let power = crc32(bytes) >>> 0; // crc of bytes × 2^k
  let powerLength = bytes.length;
  for (let n = times; n > 0; n = Math.floor(n / 2)) {
    if (n % 2) {
      result = resultLength === 0 ? power : crc32Combine(result, power, powerLength);
      resultLength += powerLength;
    }
    power = crc32Combine(power, power, powerLength);
    powerLength *= 2;
  }
  return result;
}

/** What a piece of content is: a head, a run repeated, a tail. Inflates to head + run×times + tail. */
export interface RepeatedContent {
  readonly head: Uint8Array;
  readonly run: Uint8Array;
  readonly times: number;
  readonly tail: Uint8Array;
}

const contentLength = (c: RepeatedContent): number => c.head.length + c.run.length * c.times + c.tail.length;

function contentCrc(c: RepeatedContent): number {
  let crc = crc32(c.head) >>> 0;
  crc = crc32Combine(crc, crcOfRepeats(c.run, c.times), c.run.length * c.times);
  return crc32Combine(crc, crc32(c.tail) >>> 0, c.tail.length);
}

/** Writes the raw deflate stream of `c` through `write`; returns its compressed length. */
async function writeDeflated(c: RepeatedContent, write: (b: Uint8Array) => Promise<void>): Promise<number> {
  const head = repeatableDeflate(c.head);
  const run = repeatableDeflate(c.run);
  const tail = repeatableDeflate(c.tail);
  let n = 0;
  const put = async (b: Uint8Array) => {
    await write(b);
    n += b.length;
  };
  await put(head);
  // Batches of runs per write keep the number of stream writes small.
  const batch = Buffer.concat(Array.from({ length: Math.min(64, c.times) }, () => run));
  const perBatch = Math.min(64, c.times);
  let left = c.times;
  while (left >= perBatch && perBatch > 0) {
    await put(batch);
    left -= perBatch;
  }
  for (; left > 0; left--) await put(run);
  await put(tail);
  await put(FINAL_BLOCK);
  return n;
}

function writer(path: string): {
  out: WriteStream;
  write: (b: Uint8Array) => Promise<void>;
  close: () => Promise<void>;
} {
  const out = createWriteStream(path);
  return {
    out,
    write: async (b) => {
      if (!out.write(b)) await once(out, 'drain');
    },
    close: async () => {
      out.end();
      await once(out, 'finish');
    },
  };
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `line` repeated to about 1 MiB (whole lines). */
export function runOfLines(line: string): Uint8Array {
  const one = text(line);
  const count = Math.max(1, Math.floor(MiB / one.length));
  const out = new Uint8Array(one.length * count);
  for (let i = 0; i < count; i++) out.set(one, i * one.length);
  return out;
}

/** A .gz file whose content is `c` (the gzip ISIZE is the length mod 2^32, as gzip writes it). */
export async function writeGzip(path: string, c: RepeatedContent): Promise<{ bytes: number; inflated: number }> {
  const w = writer(path);
  await w.write(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
  const body = await writeDeflated(c, w.write);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(contentCrc(c), 0);
  trailer.writeUInt32LE(contentLength(c) % 2 ** 32, 4);
  await w.write(trailer);
  await w.close();
  return { bytes: 10 + body + 8, inflated: contentLength(c) };
}

/** A plain file of `c` written out in full (for files too large to be read, such as the 247 MB GPX). */
export async function writeExpanded(path: string, c: RepeatedContent): Promise<number> {
  const w = writer(path);
  await w.write(c.head);
  for (let i = 0; i < c.times; i++) await w.write(c.run);
  await w.write(c.tail);
  await w.close();
  return contentLength(c);
}

export interface ZipBombOptions {
  /** The one entry's content. */
  readonly content: RepeatedContent;
  readonly name: string;
  /**
   * Central directory records for that one entry: 1 is an honest zip; more are
   * records under other names all pointing at the same local entry (overlapping entries).
   */
  readonly records?: number;
  /** The name of record i (i ≥ 1) when `records` > 1. */
  readonly alias?: (i: number) => string;
}

/**
 * A zip whose one deflated entry is `content`, streamed to disk. With
 * `records` > 1 every extra central directory record points at the same
 * local entry (the overlapping-entries bomb: each inflates the same data).
 */
export async function writeZipBomb(
  path: string,
  options: ZipBombOptions,
): Promise<{ bytes: number; inflatedPerEntry: number }> {
  const { content } = options;
  const size = contentLength(content);
  if (size >= 2 ** 32) throw new Error('zip64 sizes are not built here');
  const crc = contentCrc(content);
  const name = Buffer.from(options.name, 'utf8');
  const w = writer(path);
  // Local header with the sizes left to a data descriptor (written after the data, as streaming zippers do).
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0808, 6); // data descriptor + UTF-8 names
  local.writeUInt16LE(8, 8);
  local.writeUInt16LE(0, 10);
  local.writeUInt16LE(0x5a21, 12); // 2025-01-01
  local.writeUInt16LE(name.length, 26);
  await w.write(local);
  await w.write(name);
  const compressed = await writeDeflated(content, w.write);
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc, 4);
  descriptor.writeUInt32LE(compressed, 8);
  descriptor.writeUInt32LE(size, 12);
  await w.write(descriptor);
  const cdStart = 30 + name.length + compressed + 16;
  let cdLength = 0;
  const records = options.records ?? 1;
  for (let i = 0; i < records; i++) {
    const n = i === 0 ? name : Buffer.from(options.alias?.(i) ?? `${i}-${options.name}`, 'utf8');
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(0x0808, 8);
    cen.writeUInt16LE(8, 10);
    cen.writeUInt16LE(0, 12);
    cen.writeUInt16LE(0x5a21, 14);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(compressed, 20);
    cen.writeUInt32LE(size, 24);
    cen.writeUInt16LE(n.length, 28);
    cen.writeUInt32LE(0, 42); // every record: the one local header at offset 0
    await w.write(cen);
    await w.write(n);
    cdLength += 46 + n.length;
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(records, 8);
  eocd.writeUInt16LE(records, 10);
  eocd.writeUInt32LE(cdLength, 12);
  eocd.writeUInt32LE(cdStart, 16);
  await w.write(eocd);
  await w.close();
  return { bytes: cdStart + cdLength + 22, inflatedPerEntry: size };
}

// --- The files of issue 14's table -------------------------------------------

const GPX_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="hostile" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>hostile</name><trkseg>\n';
const GPX_TAIL = '</trkseg></trk></gpx>\n';
const TRKPT = '<trkpt lat="50.600000" lon="3.240000"><ele>31.0</ele><time>2024-05-01T07:00:00Z</time></trkpt>\n';

/** The Zepp export whose SPORT CSV has its header and then `csvBytes` without a newline (1.9 GB in the issue). */
export function csvWithoutNewline(csvBytes: number): RepeatedContent {
  const head = text('\uFEFFtype,startTime,sportTime(s),distance(m),calories(kcal)\n1,');
  return { head, run: new Uint8Array(MiB).fill(0x31), times: Math.ceil(csvBytes / MiB), tail: new Uint8Array(0) };
}

/** A GPX of about `bytes` (3 GB inside the issue's .gpx.gz, 247 MB as a plain file): one point repeated. */
export function bigGpx(bytes: number): RepeatedContent {
  const run = runOfLines(TRKPT);
  return { head: text(GPX_HEAD), run, times: Math.ceil(bytes / run.length), tail: text(GPX_TAIL) };
}

/** A GPX whose body is `bytes` of blank lines (the overlapping-entries zip's 60 MB entry). */
export function blankGpx(bytes: number): RepeatedContent {
  return {
    head: text(GPX_HEAD),
    run: new Uint8Array(MiB).fill(0x0a),
    times: Math.ceil(bytes / MiB),
    tail: text(GPX_TAIL),
  };
}
