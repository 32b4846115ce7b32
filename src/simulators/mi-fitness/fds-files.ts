// Builds decrypted FDS detail files byte by byte from the layouts the notes
// document (notes/mi-fitness.md §4; K fds/sport_records.py for the field
// lists), one hand-written writer per family and version, deliberately not
// sharing the adapter's tables (src/sources/mi-fitness/layouts.ts): the tests
// decode these files with the adapter, so a mistake in one shows against the
// other. Each four-dimension field gets the nibble 0xC (exists, value kept)
// unless listed in `absent` (nibble 0: not stored) or `notKept` (0x8: stored,
// value dropped), to exercise both.

export interface Second {
  readonly hr: number;
  /** kcal nibble (the record keeps bits 4–7). */
  readonly kcal: number;
  /** Metres covered in this second (one byte). */
  readonly meters: number;
  /** A whole kilometre completed in this second. */
  readonly km: boolean;
  readonly cadence?: number; // steps/min or rpm
  readonly stride?: number; // cm
  readonly pace?: number; // s/km
  readonly power?: number; // W
  readonly speed?: number; // raw u16
  readonly resistance?: number;
  readonly spo2?: number;
  readonly stress?: number;
}

export interface Segment {
  readonly start: number; // unix s of its first record
  readonly seconds: readonly Second[];
}

export interface SwimLength {
  /** 0 = a length swum, other = rest. */
  readonly type: number;
  readonly end: number; // unix s
  readonly meters: number;
  readonly strokes: number;
  readonly kcal: number;
}

export interface GpsFix {
  readonly time: number;
  readonly lat: number;
  readonly lon: number;
  readonly altitude: number;
  readonly speed: number; // m/s
}

class Out {
  private readonly parts: Buffer[] = [];
  u8(v: number): this {
    this.parts.push(Buffer.from([v & 0xff]));
    return this;
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(Math.max(0, Math.min(0xffff, Math.round(v))));
    this.parts.push(b);
    return this;
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.parts.push(b);
    return this;
  }
  f32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.parts.push(b);
    return this;
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** 4-byte time, signed tz byte, version, (1<<7 | proto<<2 | fileType), 0. */
function head(out: Out, time: number, tz: number, version: number, proto: number, fileType: number): void {
  out
    .u32(time)
    .u8(tz < 0 ? tz + 256 : tz)
    .u8(version)
    .u8(128 | (proto << 2) | fileType)
    .u8(0);
}

/** Packs nibbles high-first into `bytes` bytes (zero-padded). */
function nibbles(values: readonly number[], bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  values.forEach((v, i) => {
    b[i >> 1]! |= i % 2 === 0 ? v << 4 : v;
  });
  return b;
}

/** Packs bits MSB-first into `bytes` bytes. */
function bits(values: readonly boolean[], bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  values.forEach((v, i) => {
    if (v) b[i >> 3]! |= 0x80 >> (i & 7);
  });
  return b;
}

type Opts = { readonly absent?: ReadonlySet<string>; readonly notKept?: ReadonlySet<string> };
const nib = (name: string, o: Opts): number => (o.absent?.has(name) ? 0 : o.notKept?.has(name) ? 0x8 : 0xc);
const stored = (name: string, o: Opts): boolean => !o.absent?.has(name);

const kcal = (s: Second) => (s.kcal & 0x0f) << 4;
const km = (s: Second) => (s.km ? 0x80 : 0);
const meters = (s: Second) => Math.max(0, Math.min(255, Math.round(s.meters)));

/** proto 22 (outdoor step sports), version 8: 13 nibbles in 7 bytes; pause-init u32; 4 summary fields. */
export function stepRecordsV8(time: number, tz: number, segments: readonly Segment[], o: Opts = {}): Buffer {
  const names = [
    'cal',
    'hr',
    'km',
    'dist',
    'stride',
    'landing',
    'touchdown',
    'cadence',
    'pace',
    'f56',
    'runPower',
    'f79',
    'f80',
  ];
  const out = new Out();
  head(out, time, tz, 8, 22, 0);
  out.raw(
    nibbles(
      names.map((n) => nib(n, o)),
      7,
    ),
  );
  for (const seg of segments) {
    out.u32(0).u32(seg.seconds.length).u32(seg.start);
    // state (v1), id43 (v3), total duration (v7), id54 (v6), id55 (v6)
    out.u8(1).u32(0).u32(seg.seconds.length).u32(0).u16(0);
    for (const s of seg.seconds) {
      const w = (name: string, write: () => void) => stored(name, o) && write();
      w('cal', () => out.u8(kcal(s)));
      w('hr', () => out.u8(s.hr));
      w('km', () => out.u8(km(s)));
      w('dist', () => out.u8(meters(s)));
      w('stride', () => out.u8(s.stride ?? 0));
      w('landing', () => out.u32(12 << 26));
      w('touchdown', () => out.u8(40));
      w('cadence', () => out.u8(s.cadence ?? 0));
      w('pace', () => out.u16(s.pace ?? 0));
      w('f56', () => out.u16(7));
      w('runPower', () => out.u16(s.power ?? 0));
      w('f79', () => out.u16(0));
      w('f80', () => out.u16(0));
    }
  }
  return out.done();
}

/** proto 1/2/4/5/15 (older outdoor), version 2: 4 nibbles in 2 bytes; pause-init u32; state byte. */
export function outdoorRecordsV2(proto: number, time: number, tz: number, segments: readonly Segment[]): Buffer {
  const out = new Out();
  head(out, time, tz, 2, proto, 0);
  out.raw(nibbles([0xc, 0xc, 0xc, 0xc], 2));
  for (const seg of segments) {
    out.u32(0).u32(seg.seconds.length).u32(seg.start).u8(1);
    for (const s of seg.seconds) out.u8(kcal(s)).u8(s.hr).u8(km(s)).u8(meters(s));
  }
  return out.done();
}

/** proto 23 (outdoor no-step: cycling), version 5: 6 nibbles in 3 bytes; pause-init u32; state, id43, total, id58. */
export function noStepRecordsV5(time: number, tz: number, segments: readonly Segment[]): Buffer {
  const out = new Out();
  head(out, time, tz, 5, 23, 0);
  out.raw(nibbles([0xc, 0xc, 0xc, 0xc, 0xc, 0xc], 3));
  for (const seg of segments) {
    out.u32(0).u32(seg.seconds.length).u32(seg.start).u8(1).u32(0).u32(seg.seconds.length).u16(0);
    for (const s of seg.seconds)
      out
        .u8(kcal(s))
        .u8(s.hr)
        .u8(km(s))
        .u8(meters(s))
        .u16(s.speed ?? 0)
        .u8(s.cadence ?? 0);
  }
  return out.done();
}

/** proto 6 (older outdoor bike), version 2: calories, HR, integer-km; pause-init u32; state byte. */
export function outdoorBikeRecordsV2(time: number, tz: number, segments: readonly Segment[]): Buffer {
  const out = new Out();
  head(out, time, tz, 2, 6, 0);
  out.raw(nibbles([0xc, 0xc, 0xc], 2));
  for (const seg of segments) {
    out.u32(0).u32(seg.seconds.length).u32(seg.start).u8(1);
    for (const s of seg.seconds) out.u8(s.kcal).u8(s.hr).u8(km(s));
  }
  return out.done();
}

/** proto 3 (indoor run), version 2: calories, HR, distance; no pause-init; state byte. */
export function indoorRunRecordsV2(time: number, tz: number, segments: readonly Segment[]): Buffer {
  const out = new Out();
  head(out, time, tz, 2, 3, 0);
  out.raw(nibbles([0xc, 0xc, 0xc], 2));
  for (const seg of segments) {
    out.u32(seg.seconds.length).u32(seg.start).u8(1);
    for (const s of seg.seconds) out.u8(kcal(s)).u8(s.hr).u8(meters(s));
  }
  return out.done();
}

/** proto 7 (indoor bike), version 6: 7 nibbles in 4 bytes; state (v3), id43 (v4). */
export function indoorBikeRecordsV6(time: number, tz: number, segments: readonly Segment[]): Buffer {
  const out = new Out();
  head(out, time, tz, 6, 7, 0);
  out.raw(nibbles([0xc, 0xc, 0xc, 0xc, 0xc, 0xc, 0xc], 4));
  for (const seg of segments) {
    out.u32(seg.seconds.length).u32(seg.start).u8(1).u32(0);
    for (const s of seg.seconds)
      out
        .u8(kcal(s))
        .u8(s.hr)
        .u8(meters(s))
        .u8(s.resistance ?? 0)
        .u16(s.power ?? 0)
        .u16(s.speed ?? 0)
        .u8(s.cadence ?? 0);
  }
  return out.done();
}

/** proto 7 (indoor bike), version 1: one-dimension HR, calories (2 bits in 1 byte); no summary fields. */
export function indoorBikeRecordsV1(time: number, tz: number, segments: readonly Segment[]): Buffer {
  const out = new Out();
  head(out, time, tz, 1, 7, 0);
  out.raw(bits([true, true], 1));
  for (const seg of segments) {
    out.u32(seg.seconds.length).u32(seg.start);
    for (const s of seg.seconds) out.u8(s.hr).u8(s.kcal);
  }
  return out.done();
}

/** proto 8/12/16 (free training), version 5: HR, calories, SpO2, stress; state, total duration, 3 gym fields. */
export function freeTrainingRecordsV5(proto: number, time: number, tz: number, segments: readonly Segment[]): Buffer {
  const out = new Out();
  head(out, time, tz, 5, proto, 0);
  out.raw(nibbles([0xc, 0xc, 0xc, 0xc], 2));
  for (const seg of segments) {
    out.u32(seg.seconds.length).u32(seg.start).u8(1).u32(seg.seconds.length).u16(12).u16(20).u16(3);
    for (const s of seg.seconds)
      out
        .u8(s.hr)
        .u8(s.kcal)
        .u8(s.spo2 ?? 97)
        .u8(s.stress ?? 30);
  }
  return out.done();
}

/** proto 8/12/16 (free training), version 2: one-dimension HR, calories; state byte. */
export function freeTrainingRecordsV2(proto: number, time: number, tz: number, segments: readonly Segment[]): Buffer {
  const out = new Out();
  head(out, time, tz, 2, proto, 0);
  out.raw(bits([true, true], 1));
  for (const seg of segments) {
    out.u32(seg.seconds.length).u32(seg.start).u8(1);
    for (const s of seg.seconds) out.u8(s.hr).u8(s.kcal);
  }
  return out.done();
}

/** proto 9/10 (swimming), version 3: one record per length or rest; 21 validity bits in 3 bytes. */
export function swimRecordsV3(
  proto: number,
  time: number,
  tz: number,
  sets: readonly { start: number; lengths: readonly SwimLength[] }[],
): Buffer {
  const out = new Out();
  head(out, time, tz, 3, proto, 0);
  out.raw(
    bits(
      Array.from({ length: 21 }, () => true),
      3,
    ),
  );
  for (const set of sets) {
    out.u32(set.lengths.length).u32(set.start);
    let from = set.start;
    for (const l of set.lengths) {
      const secs = Math.max(1, l.end - from);
      // type, end time, id11 (style), pace (s/100 m), swolf
      out
        .u8(l.type)
        .u32(l.end)
        .u8(1)
        .u16(l.type === 0 ? (secs * 100) / Math.max(1, l.meters) : 0)
        .u16(secs + l.strokes);
      if (l.type === 0) {
        out
          .u16(l.meters)
          .u16(l.kcal)
          .u16(l.strokes)
          .u16(1)
          .u8(Math.round((l.strokes * 60) / secs));
        out.u8(0).u8(0).u8(0).u8(0).u8(0); // ids 18–22
        out.u16(l.kcal); // total calories (v2)
        out.u8(0).u8(0).u8(0).u16(0).u32(0).u8(0); // ids 81–86 (v3)
      }
      from = l.end;
    }
  }
  return out.done();
}

/** GPS file version 4: all 8 validity bits, a u32 count, 30-byte points. */
export function gpsFileV4(time: number, tz: number, proto: number, fixes: readonly GpsFix[]): Buffer {
  const out = new Out();
  head(out, time, tz, 4, proto, 2);
  out.u8(0xff).u32(fixes.length);
  for (const p of fixes)
    out
      .u32(p.time)
      .f32(p.lon)
      .f32(p.lat)
      .f32(4)
      .u16((Math.round(p.speed * 10) << 4) | 1)
      .f32(p.altitude)
      .f32(1.2);
  return out.done();
}

/** GPS file version 1: one validity byte (time, lon, lat), 12-byte points, no count. */
export function gpsFileV1(time: number, tz: number, proto: number, fixes: readonly GpsFix[]): Buffer {
  const out = new Out();
  head(out, time, tz, 1, proto, 2);
  out.u8(0b1110_0000);
  for (const p of fixes) out.u32(p.time).f32(p.lon).f32(p.lat);
  return out.done();
}
