// A 48-hour 1 Hz recording (172,800 points: an ultra or a multi-day hike) as
// GPX, TCX and FIT, written straight to disk in chunks, never held whole in
// memory, and by hand here (not by bandsync's encoders), so what bandsync
// reads is independent of what it writes. The route runs due north along one
// meridian at 1.5 m/s, so its length is known without bandsync's metrics:
// R × Δlatitude. The TCX and FIT declare hourly laps and their totals; the GPX
// declares nothing (its distance is the track's).
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export const LONG_POINTS = 172_800;
export const LONG_SECONDS = LONG_POINTS - 1;
const STEP_M = 1.5;
const LAP_S = 3600;
const R = 6_371_008.8; // mean Earth radius, as gpxpy and Strava
const LAT0 = 44.5;
const LON = 6.25;
const CALORIES_PER_LAP = 200;

export type LongFormat = 'gpx' | 'tcx' | 'fit';

/** What the files say, computed here from the generator's own numbers. */
export interface LongTruth {
  readonly startMs: number;
  readonly points: number;
  readonly elapsedSeconds: number;
  /** The declared distance (TCX, FIT: 1.5 m a second), and the track's length (GPX: along the meridian). */
  readonly distanceMeters: number;
  readonly laps: number;
  readonly calories: number | null;
  readonly avgHeartRate: number;
  readonly maxHeartRate: number;
  /** Climbed over the whole route: the altitude rises 200 m every 90 minutes. */
  readonly ascentMeters: number;
}

const lat = (i: number) => LAT0 + ((i * STEP_M) / R) * (180 / Math.PI);
const alt = (i: number) => 500 + 100 * Math.sin((2 * Math.PI * i) / 5400);
const hr = (i: number) => Math.round(125 + 20 * Math.sin((2 * Math.PI * i) / 900));
const cadence = 80; // strides per minute (FIT's unit for running); TCX's Cadence is the same number
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const laps = () => {
  const out: { start: number; seconds: number }[] = [];
  for (let s = 0; s < LONG_SECONDS; s += LAP_S) out.push({ start: s, seconds: Math.min(LAP_S, LONG_SECONDS - s) });
  return out;
};

export function longTruth(format: LongFormat, startMs: number): LongTruth {
  let sum = 0;
  let max = 0;
  let ascent = 0;
  for (let i = 0; i < LONG_POINTS; i++) {
    sum += hr(i);
    max = Math.max(max, hr(i));
    if (i > 0 && alt(i) > alt(i - 1)) ascent += alt(i) - alt(i - 1);
  }
  // The GPX carries 7 decimals: its length is that of the rounded end points (the route never turns back).
  const gpxMeters = ((Number(lat(LONG_SECONDS).toFixed(7)) - Number(lat(0).toFixed(7))) * Math.PI * R) / 180;
  return {
    startMs,
    points: LONG_POINTS,
    elapsedSeconds: LONG_SECONDS,
    distanceMeters: format === 'gpx' ? gpxMeters : LONG_SECONDS * STEP_M,
    laps: format === 'gpx' ? 0 : laps().length,
    calories: format === 'gpx' ? null : laps().length * CALORIES_PER_LAP,
    avgHeartRate: Math.round(sum / LONG_POINTS),
    maxHeartRate: max,
    ascentMeters: ascent,
  };
}

/** Writes chunks with back-pressure; the caller's text is batched to about 1 MB. */
class ChunkWriter {
  private readonly out: WriteStream;
  private parts: (string | Buffer)[] = [];
  private size = 0;
  constructor(path: string) {
    this.out = createWriteStream(path);
  }
  async add(part: string | Buffer): Promise<void> {
    this.parts.push(part);
    this.size += part.length;
    if (this.size >= 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    const chunk = Buffer.concat(this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    this.parts = [];
    this.size = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'close');
  }
}

/** Writes the 48-hour recording in `format` to `path`; returns what it declares. */
export async function writeLongRecording(path: string, format: LongFormat, startMs: number): Promise<LongTruth> {
  if (format === 'gpx') await writeGpx(path, startMs);
  else if (format === 'tcx') await writeTcx(path, startMs);
  else await writeFit(path, startMs);
  return longTruth(format, startMs);
}

async function writeGpx(path: string, startMs: number): Promise<void> {
  const w = new ChunkWriter(path);
  await w.add(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<gpx version="1.1" creator="bandsync tests" xmlns="http://www.topografix.com/GPX/1/1" ' +
      'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n' +
      `<metadata><time>${iso(startMs)}</time></metadata>\n<trk><name>48 hours</name><type>running</type><trkseg>\n`,
  );
  for (let i = 0; i < LONG_POINTS; i++)
    await w.add(
      `<trkpt lat="${lat(i).toFixed(7)}" lon="${LON.toFixed(7)}"><ele>${alt(i).toFixed(1)}</ele>` +
        `<time>${iso(startMs + i * 1000)}</time><extensions><gpxtpx:TrackPointExtension>` +
        `<gpxtpx:hr>${hr(i)}</gpxtpx:hr><gpxtpx:cad>${cadence}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>\n`,
    );
  await w.add('</trkseg></trk>\n</gpx>\n');
  await w.close();
}

async function writeTcx(path: string, startMs: number): Promise<void> {
  const w = new ChunkWriter(path);
  await w.add(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n' +
      `<Activities><Activity Sport="Running"><Id>${iso(startMs)}</Id>\n`,
  );
  for (const lap of laps()) {
    let sum = 0;
    let max = 0;
    const last = lap.start + lap.seconds;
    for (let i = lap.start; i <= last; i++) {
      sum += hr(i);
      max = Math.max(max, hr(i));
    }
    await w.add(
      `<Lap StartTime="${iso(startMs + lap.start * 1000)}"><TotalTimeSeconds>${lap.seconds}</TotalTimeSeconds>` +
        `<DistanceMeters>${lap.seconds * STEP_M}</DistanceMeters><Calories>${CALORIES_PER_LAP}</Calories>` +
        `<AverageHeartRateBpm><Value>${Math.round(sum / (last - lap.start + 1))}</Value></AverageHeartRateBpm>` +
        `<MaximumHeartRateBpm><Value>${max}</Value></MaximumHeartRateBpm>` +
        '<Intensity>Active</Intensity><TriggerMethod>Time</TriggerMethod><Track>\n',
    );
    // Each point once: a lap's track runs up to the second before the next lap's start (the last lap to the end).
    const end = last === LONG_SECONDS ? LONG_SECONDS : last - 1;
    for (let i = lap.start; i <= end; i++)
      await w.add(
        `<Trackpoint><Time>${iso(startMs + i * 1000)}</Time><Position><LatitudeDegrees>${lat(i).toFixed(7)}</LatitudeDegrees>` +
          `<LongitudeDegrees>${LON.toFixed(7)}</LongitudeDegrees></Position><AltitudeMeters>${alt(i).toFixed(1)}</AltitudeMeters>` +
          `<DistanceMeters>${(i * STEP_M).toFixed(1)}</DistanceMeters><HeartRateBpm><Value>${hr(i)}</Value></HeartRateBpm>` +
          `<Cadence>${cadence}</Cadence></Trackpoint>\n`,
      );
    await w.add('</Track></Lap>\n');
  }
  await w.add('</Activity></Activities>\n</TrainingCenterDatabase>\n');
  await w.close();
}

// ---- FIT, byte by byte (FIT protocol 2.0, little-endian) ---------------------
const FIT_EPOCH_S = 631_065_600; // 1989-12-31T00:00:00Z
const CRC_TABLE = [
  0x0000, 0xcc01, 0xd801, 0x1400, 0xf001, 0x3c00, 0x2800, 0xe401, 0xa001, 0x6c00, 0x7800, 0xb401, 0x5000, 0x9c01,
  0x8801, 0x4400,
];
function crc16(crc: number, bytes: Uint8Array): number {
  for (const byte of bytes) {
    let tmp = CRC_TABLE[crc & 0xf]!;
    crc = ((crc >> 4) & 0x0fff) ^ tmp ^ CRC_TABLE[byte & 0xf]!;
    tmp = CRC_TABLE[crc & 0xf]!;
    crc = ((crc >> 4) & 0x0fff) ^ tmp ^ CRC_TABLE[(byte >> 4) & 0xf]!;
  }
  return crc;
}

type BaseType = 'enum' | 'uint8' | 'uint16' | 'sint32' | 'uint32';
const BASE: Record<BaseType, [size: number, code: number]> = {
  enum: [1, 0x00],
  uint8: [1, 0x02],
  uint16: [2, 0x84],
  sint32: [4, 0x85],
  uint32: [4, 0x86],
};
interface MesgDef {
  readonly local: number;
  readonly global: number;
  readonly fields: readonly [num: number, type: BaseType][];
}
const FILE_ID: MesgDef = {
  local: 0,
  global: 0,
  fields: [
    [0, 'enum'],
    [1, 'uint16'],
    [2, 'uint16'],
    [4, 'uint32'],
  ],
};
const EVENT: MesgDef = {
  local: 1,
  global: 21,
  fields: [
    [253, 'uint32'],
    [0, 'enum'],
    [1, 'enum'],
  ],
};
const RECORD: MesgDef = {
  local: 2,
  global: 20,
  fields: [
    [253, 'uint32'],
    [0, 'sint32'],
    [1, 'sint32'],
    [2, 'uint16'],
    [3, 'uint8'],
    [4, 'uint8'],
    [5, 'uint32'],
  ],
};
const LAP: MesgDef = {
  local: 3,
  global: 19,
  fields: [
    [253, 'uint32'],
    [254, 'uint16'],
    [0, 'enum'],
    [1, 'enum'],
    [2, 'uint32'],
    [7, 'uint32'],
    [8, 'uint32'],
    [9, 'uint32'],
    [11, 'uint16'],
  ],
};
const SESSION: MesgDef = {
  local: 4,
  global: 18,
  fields: [
    [253, 'uint32'],
    [254, 'uint16'],
    [0, 'enum'],
    [1, 'enum'],
    [2, 'uint32'],
    [5, 'enum'],
    [7, 'uint32'],
    [8, 'uint32'],
    [9, 'uint32'],
    [11, 'uint16'],
    [16, 'uint8'],
    [17, 'uint8'],
    [25, 'uint16'],
    [26, 'uint16'],
  ],
};
const ACTIVITY: MesgDef = {
  local: 5,
  global: 34,
  fields: [
    [253, 'uint32'],
    [0, 'uint32'],
    [1, 'uint16'],
    [2, 'enum'],
    [3, 'enum'],
    [4, 'enum'],
  ],
};

function definition(d: MesgDef): Buffer {
  const b = Buffer.alloc(6 + 3 * d.fields.length);
  b[0] = 0x40 | d.local;
  b.writeUInt16LE(d.global, 3);
  b[5] = d.fields.length;
  d.fields.forEach(([num, type], i) => {
    b[6 + 3 * i] = num;
    b[7 + 3 * i] = BASE[type][0];
    b[8 + 3 * i] = BASE[type][1];
  });
  return b;
}
function data(d: MesgDef, values: readonly number[]): Buffer {
  const b = Buffer.alloc(1 + d.fields.reduce((s, [, t]) => s + BASE[t][0], 0));
  b[0] = d.local;
  let at = 1;
  d.fields.forEach(([, type], i) => {
    const v = Math.round(values[i]!);
    if (type === 'enum' || type === 'uint8') b.writeUInt8(v, at);
    else if (type === 'uint16') b.writeUInt16LE(v, at);
    else if (type === 'sint32') b.writeInt32LE(v, at);
    else b.writeUInt32LE(v, at);
    at += BASE[type][0];
  });
  return b;
}

function* fitMessages(startMs: number): Generator<Buffer> {
  const ts = (s: number) => Math.floor(startMs / 1000) - FIT_EPOCH_S + s;
  const semicircles = (deg: number) => (deg * 2 ** 31) / 180;
  for (const d of [FILE_ID, EVENT, RECORD, LAP, SESSION, ACTIVITY]) yield definition(d);
  yield data(FILE_ID, [4 /* activity */, 255 /* development */, 48, ts(0)]);
  yield data(EVENT, [ts(0), 0 /* timer */, 0 /* start */]);
  const all = laps();
  let lapIndex = 0;
  for (let i = 0; i < LONG_POINTS; i++) {
    yield data(RECORD, [ts(i), semicircles(lat(i)), semicircles(LON), (alt(i) + 500) * 5, hr(i), cadence, i * 150]);
    const lap = all[lapIndex];
    if (lap && i === lap.start + lap.seconds) {
      yield data(LAP, [
        ts(i),
        lapIndex,
        9 /* lap */,
        1 /* stop */,
        ts(lap.start),
        lap.seconds * 1000,
        lap.seconds * 1000,
        lap.seconds * STEP_M * 100,
        CALORIES_PER_LAP,
      ]);
      lapIndex++;
    }
  }
  yield data(EVENT, [ts(LONG_SECONDS), 0 /* timer */, 4 /* stop_all */]);
  const truth = longTruth('fit', startMs);
  yield data(SESSION, [
    ts(LONG_SECONDS),
    0,
    8 /* session */,
    1 /* stop */,
    ts(0),
    1 /* running */,
    LONG_SECONDS * 1000,
    LONG_SECONDS * 1000,
    LONG_SECONDS * STEP_M * 100,
    truth.calories!,
    truth.avgHeartRate,
    truth.maxHeartRate,
    0,
    all.length,
  ]);
  yield data(ACTIVITY, [ts(LONG_SECONDS), LONG_SECONDS * 1000, 1, 0 /* manual */, 26 /* activity */, 1 /* stop */]);
}

async function writeFit(path: string, startMs: number): Promise<void> {
  let size = 0;
  for (const m of fitMessages(startMs)) size += m.length;
  const header = Buffer.alloc(14);
  header[0] = 14;
  header[1] = 0x20; // protocol 2.0
  header.writeUInt16LE(2132, 2); // profile 21.32
  header.writeUInt32LE(size, 4);
  header.write('.FIT', 8, 'ascii');
  header.writeUInt16LE(crc16(0, header.subarray(0, 12)), 12);
  const w = new ChunkWriter(path);
  let crc = crc16(0, header);
  await w.add(header);
  for (const m of fitMessages(startMs)) {
    crc = crc16(crc, m);
    await w.add(m);
  }
  const tail = Buffer.alloc(2);
  tail.writeUInt16LE(crc, 0);
  await w.add(tail);
  await w.close();
}
