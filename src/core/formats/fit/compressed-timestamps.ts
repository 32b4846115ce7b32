// Older Garmin devices (the FR70 of the corpus, many ANT+ watches) write record
// messages with compressed-timestamp headers: a 5-bit offset from the last full
// timestamp instead of a timestamp field. Garmin's JavaScript SDK stops at the
// first such header ("compressed timestamp messages are not currently
// supported"), which left those files with laps but no records. This rewrites
// them into plain messages before the SDK reads them: each compressed message
// becomes a normal one under a definition with the timestamp field (253)
// appended, following the FIT protocol's rules for the rollover of the offset.
import { CrcCalculator } from '@garmin/fitsdk';

const TIMESTAMP_FIELD = 253;
const UINT32 = 0x86;
/** How much the rewrite may grow a file: a real one gains 4 bytes per compressed message (at most about 2×). */
const GROWTH = 4;
const SLACK_BYTES = 64 * 1024;

interface Definition {
  readonly content: Uint8Array; // the definition message after its header byte
  readonly hasDeveloperFields: boolean;
  readonly bigEndian: boolean;
  readonly dataSize: number;
  readonly timestampAt: number | null; // byte offset of field 253 within a data message
}

/** The file with compressed-timestamp headers expanded, or null when it has none or cannot be walked. */
export function expandCompressedTimestamps(bytes: Uint8Array): Uint8Array | null {
  // A first walk writes nothing: most files have no such header and are left as they are.
  if (!walk(bytes, null)) return null;
  const out: Uint8Array[] = [];
  return walk(bytes, out) ? concat(out) : null;
}

/** Whether any compressed header was found; with `out`, also writes the rewritten files there. */
function walk(bytes: Uint8Array, out: Uint8Array[] | null): boolean {
  let at = 0;
  let expandedAny = false;
  while (at < bytes.length) {
    const file = expandOneFile(bytes, at, out);
    if (!file) return false;
    expandedAny ||= file.expanded;
    at = file.end;
  }
  return expandedAny;
}

/** Rewrites the file starting at `start` (a chained FIT file may follow) into `out`, when given. */
function expandOneFile(
  bytes: Uint8Array,
  start: number,
  out: Uint8Array[] | null,
): { end: number; expanded: boolean } | null {
  const headerSize = bytes[start];
  if ((headerSize !== 12 && headerSize !== 14) || start + headerSize > bytes.length) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataEnd = start + headerSize + view.getUint32(start + 4, true);
  if (dataEnd + 2 > bytes.length) return null;

  const chunks: Uint8Array[] = [];
  // Counted in both walks: a hostile file alternating compressed and plain messages of one local type
  // with a large definition would make every message re-emit it (hundreds of times its size).
  const budget = GROWTH * (dataEnd - start) + SLACK_BYTES;
  let written = 0;
  const body = {
    push: (...c: Uint8Array[]) => {
      for (const x of c) {
        written += x.length;
        if (out) chunks.push(x);
      }
    },
  };
  const definitions = new Map<number, Definition>();
  const expandedNow = new Set<number>(); // local types whose current definition on the output is the expanded one
  let lastTimestamp: number | null = null;
  let expanded = false;
  let at = start + headerSize;
  while (at < dataEnd) {
    if (written > budget) return null; // read as it is: the SDK reports the compressed header
    const header = bytes[at]!;
    if (header & 0x80) {
      const local = (header >> 5) & 0x03;
      const definition = definitions.get(local);
      if (!definition || lastTimestamp === null || definition.timestampAt !== null) return null;
      const offset = header & 0x1f;
      const base: number = lastTimestamp - (lastTimestamp & 0x1f);
      lastTimestamp = base + offset + (offset >= (lastTimestamp & 0x1f) ? 0 : 0x20);
      if (!expandedNow.has(local)) {
        body.push(
          Uint8Array.of(0x40 | local | (definition.hasDeveloperFields ? 0x20 : 0)),
          withTimestampField(definition),
        );
        expandedNow.add(local);
      }
      const data = bytes.subarray(at + 1, at + 1 + definition.dataSize);
      if (data.length < definition.dataSize) return null;
      body.push(Uint8Array.of(local), data, uint32(lastTimestamp, definition.bigEndian));
      at += 1 + definition.dataSize;
      expanded = true;
    } else if (header & 0x40) {
      const local = header & 0x0f;
      const definition = readDefinition(bytes, at + 1, (header & 0x20) !== 0, dataEnd);
      if (!definition) return null;
      definitions.set(local, definition);
      expandedNow.delete(local);
      body.push(Uint8Array.of(header), definition.content);
      at += 1 + definition.content.length;
    } else {
      const local = header & 0x0f;
      const definition = definitions.get(local);
      if (!definition || at + 1 + definition.dataSize > dataEnd) return null;
      if (expandedNow.delete(local))
        body.push(Uint8Array.of(0x40 | local | (definition.hasDeveloperFields ? 0x20 : 0)), definition.content);
      if (definition.timestampAt !== null) {
        const field = at + 1 + definition.timestampAt;
        lastTimestamp = view.getUint32(field, !definition.bigEndian);
      }
      body.push(bytes.subarray(at, at + 1 + definition.dataSize));
      at += 1 + definition.dataSize;
    }
  }
  if (at !== dataEnd) return null;
  if (!out) return { end: dataEnd + 2, expanded };

  const data = concat(chunks);
  const header = bytes.slice(start, start + headerSize);
  header.set(uint32(data.length, false), 4);
  if (headerSize === 14) header.set(uint16(CrcCalculator.calculateCRC(header, 0, 12)), 12);
  const file = concat([header, data]);
  out.push(file, uint16(CrcCalculator.calculateCRC(file, 0, file.length)));
  return { end: dataEnd + 2, expanded };
}

function readDefinition(bytes: Uint8Array, at: number, hasDeveloperFields: boolean, end: number): Definition | null {
  if (at + 5 > end) return null;
  const bigEndian = bytes[at + 1] === 1;
  const fieldCount = bytes[at + 4]!;
  let size = 5 + fieldCount * 3;
  if (at + size > end) return null;
  let dataSize = 0;
  let timestampAt: number | null = null;
  for (let i = 0; i < fieldCount; i++) {
    const field = at + 5 + i * 3;
    if (bytes[field] === TIMESTAMP_FIELD) timestampAt = dataSize;
    dataSize += bytes[field + 1]!;
  }
  if (hasDeveloperFields) {
    if (at + size + 1 > end) return null;
    const developerCount = bytes[at + size]!;
    for (let i = 0; i < developerCount; i++) dataSize += bytes[at + size + 1 + i * 3 + 1] ?? 0;
    size += 1 + developerCount * 3;
    if (at + size > end) return null;
  }
  return { content: bytes.subarray(at, at + size), hasDeveloperFields, bigEndian, dataSize, timestampAt };
}

/** The definition with field 253 (uint32) appended to its regular fields. */
function withTimestampField(d: Definition): Uint8Array {
  const regular = 5 + d.content[4]! * 3;
  const content = concat([
    d.content.subarray(0, regular),
    Uint8Array.of(TIMESTAMP_FIELD, 4, UINT32),
    d.content.subarray(regular),
  ]);
  content[4] = d.content[4]! + 1;
  return content;
}

function uint32(value: number, bigEndian: boolean): Uint8Array {
  const le = Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  return bigEndian ? le.reverse() : le;
}

function uint16(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
