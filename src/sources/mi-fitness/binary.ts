// Decodes the decrypted FDS files (notes/mi-fitness.md §4) with the tables in
// layouts.ts: the common 8-byte header, the dataValid bitmap, then per-second
// record segments (a new segment after each pause) or GPS points. Pure; no
// value scaling here beyond the documented bit ranges: to-workout.ts decides
// what the numbers mean.
import { familyFor, GPS_FIELDS, GPS_VALID_BYTES, type FieldSpec, type RecordLayout } from './layouts.js';

export interface FdsHeader {
  readonly timestamp: number;
  /** UTC offset in 15-minute units (signed byte). */
  readonly timezone: number;
  readonly version: number;
  /** Byte 6: (1 << 7) + (proto_type << 2) + fileType, or the bare proto_type. */
  readonly typeByte: number;
}

export interface RecordSegment {
  /** Unix seconds of the segment's first record; record i is at startTime + i. */
  readonly startTime: number;
  /** Kept values by field id, one map per record. */
  readonly records: readonly ReadonlyMap<number, number>[];
}

export interface DecodedRecords {
  readonly header: FdsHeader;
  readonly family: string;
  readonly segments: readonly RecordSegment[];
  readonly problems: readonly string[];
}

export interface GpsPoint {
  readonly time: number;
  readonly lon: number;
  readonly lat: number;
  readonly accuracy?: number;
  readonly speed?: number; // m/s
  readonly altitude?: number;
}

export interface DecodedGps {
  readonly header: FdsHeader;
  readonly points: readonly GpsPoint[];
  readonly problems: readonly string[];
}

/** Thrown for a file that cannot be read at all (unsupported family/version, too short). */
export class FdsFormatError extends Error {}

const HEADER_BYTES = 8;

export function readHeader(bytes: Uint8Array): FdsHeader {
  if (bytes.length < HEADER_BYTES)
    throw new FdsFormatError(`the file is ${bytes.length} bytes, shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    timestamp: view.getUint32(0, true),
    timezone: view.getInt8(4),
    version: bytes[5]!,
    typeByte: bytes[6]!,
  };
}

class Reader {
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    public offset: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  left(): number {
    return this.bytes.length - this.offset;
  }
  uint(size: number): number {
    const o = this.offset;
    this.offset += size;
    if (size === 0) return 0;
    if (size === 1) return this.view.getUint8(o);
    if (size === 2) return this.view.getUint16(o, true);
    return this.view.getUint32(o, true);
  }
  f32(): number {
    const v = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return v;
  }
}

const keepBits = (value: number, field: FieldSpec): number =>
  field.bits ? Math.floor(value / 2 ** field.bits[0]) % 2 ** field.bits[1] : value;

/** Per field of the layout (in order): is it stored in each record, and is its value kept? */
function validity(layout: RecordLayout, version: number, valid: Uint8Array): { stored: boolean; kept: boolean }[] {
  let slot = 0;
  return layout.fields.map((field) => {
    if (field.from > version) return { stored: false, kept: false };
    if (layout.dimension === 'one') {
      // One bit per field with an id (the swim type byte has none); every field of the version is stored.
      if (field.id < 0) return { stored: true, kept: true };
      const bit = slot++;
      const byte = valid[bit >> 3];
      return { stored: true, kept: byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0 };
    }
    const nibbleIndex = slot++;
    const byte = valid[nibbleIndex >> 1];
    // A field past the bitmap's end is treated as absent (the documented lengths are short for some versions).
    if (byte === undefined) return { stored: false, kept: false };
    const nibble = nibbleIndex % 2 === 0 ? byte >> 4 : byte & 0x0f;
    return { stored: (nibble & 0x8) !== 0, kept: (nibble & 0xc) === 0xc };
  });
}

const fieldsBytes = (fields: readonly FieldSpec[], version: number): number =>
  fields.filter((x) => x.from <= version).reduce((s, x) => s + x.bytes, 0);

/** A per-second record file (fileType 0) of a workout whose summary says `protoType`. */
export function decodeRecordFile(bytes: Uint8Array, protoType: number): DecodedRecords {
  const header = readHeader(bytes);
  const family = familyFor(protoType);
  if (!family) throw new FdsFormatError(`proto_type ${protoType} has no supported record layout`);
  const validBytes = family.validBytes[header.version];
  if (validBytes === undefined)
    throw new FdsFormatError(`${family.name}: record file version ${header.version} is not documented`);
  if (bytes.length < HEADER_BYTES + validBytes) throw new FdsFormatError('the file ends inside its dataValid bitmap');
  const valid = bytes.subarray(HEADER_BYTES, HEADER_BYTES + validBytes);
  const layout = family.records(header.version);
  const flags = validity(layout, header.version, valid);
  const reader = new Reader(bytes, HEADER_BYTES + validBytes);
  const pauseInit = fieldsBytes(family.pauseInit, header.version);
  const summaryBytes = fieldsBytes(family.segmentSummary, header.version);
  const problems: string[] = [];
  const segments: RecordSegment[] = [];
  while (reader.left() > 0) {
    if (reader.left() < pauseInit + 8 + summaryBytes) {
      problems.push(`${reader.left()} trailing bytes after segment ${segments.length} are not a segment`);
      break;
    }
    reader.offset += pauseInit;
    const count = reader.uint(4);
    const startTime = reader.uint(4);
    reader.offset += summaryBytes;
    const records: Map<number, number>[] = [];
    for (let i = 0; i < count; i++) {
      const record = readRecord(reader, layout, flags);
      if (!record) {
        problems.push(`segment ${segments.length} announces ${count} records; the file ends after ${i}`);
        break;
      }
      records.push(record);
    }
    segments.push({ startTime, records });
    if (records.length < count) break;
  }
  return { header, family: family.name, segments, problems };
}

function readRecord(
  reader: Reader,
  layout: RecordLayout,
  flags: readonly { stored: boolean; kept: boolean }[],
): Map<number, number> | null {
  const record = new Map<number, number>();
  let swimType: number | undefined;
  for (const [i, field] of layout.fields.entries()) {
    const flag = flags[i]!;
    if (!flag.stored) continue;
    if (field.lengthOnly && swimType !== 0) continue;
    if (reader.left() < field.bytes) return null;
    const raw = reader.uint(field.bytes);
    if (field.id === -1) swimType = raw;
    // The first of two fields with one id (integer-km in 2 and 1 bytes) does not hide the second.
    if (flag.kept && !(record.has(field.id) && keepBits(raw, field) === 0)) record.set(field.id, keepBits(raw, field));
  }
  return record;
}

/** A GPS file (fileType 2). */
export function decodeGpsFile(bytes: Uint8Array): DecodedGps {
  const header = readHeader(bytes);
  const validBytes = GPS_VALID_BYTES[header.version];
  if (validBytes === undefined) throw new FdsFormatError(`GPS file version ${header.version} is not documented`);
  if (bytes.length < HEADER_BYTES + validBytes)
    throw new FdsFormatError('the GPS file ends inside its dataValid bitmap');
  const valid = bytes.subarray(HEADER_BYTES, HEADER_BYTES + validBytes);
  const layout: RecordLayout = { dimension: 'one', fields: GPS_FIELDS };
  const flags = validity(layout, header.version, valid);
  const recordBytes = fieldsBytes(GPS_FIELDS, header.version);
  const reader = new Reader(bytes, HEADER_BYTES + validBytes);
  const problems: string[] = [];
  let count = Math.floor(reader.left() / recordBytes);
  if (header.version >= 4) {
    if (reader.left() < 4) throw new FdsFormatError('the GPS file ends before its record count');
    const announced = reader.uint(4);
    count = Math.floor(reader.left() / recordBytes);
    if (announced !== count) problems.push(`the GPS file announces ${announced} points and holds ${count}`);
    count = Math.min(count, announced);
  } else if (reader.left() % recordBytes !== 0) {
    problems.push(`${reader.left() % recordBytes} trailing bytes after ${count} GPS points`);
  }
  const points: GpsPoint[] = [];
  for (let i = 0; i < count; i++) {
    const values = new Map<number, number>();
    for (const [j, field] of GPS_FIELDS.entries()) {
      if (field.from > header.version) continue;
      const v = field.float ? reader.f32() : reader.uint(field.bytes);
      if (flags[j]!.kept && field.bytes > 0) values.set(field.id, v);
    }
    const time = values.get(0);
    const lon = values.get(1);
    const lat = values.get(2);
    if (time === undefined || lon === undefined || lat === undefined) continue;
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      problems.push(`GPS point ${i} is outside the globe (${lat}, ${lon}); dropped`);
      continue;
    }
    const speedRaw = values.get(4);
    const altitude = values.get(6);
    const accuracy = values.get(3);
    points.push({
      time,
      lon,
      lat,
      ...(accuracy !== undefined && Number.isFinite(accuracy) ? { accuracy } : {}),
      ...(speedRaw !== undefined ? { speed: (speedRaw >> 4) / 10 } : {}),
      ...(altitude !== undefined && Number.isFinite(altitude) ? { altitude } : {}),
    });
  }
  return { header, points, problems };
}
