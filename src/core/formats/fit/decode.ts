// FIT → Workout with the Garmin SDK's Decoder. Never throws: SDK errors become
// issues, and the result is an error only when nothing usable is left
// (not a FIT file, or no timestamped data at all).
import { Decoder, Profile, Stream } from '@garmin/fitsdk';
import type { DecodeResult, Device, Issue, Lap, Length, Pause, Samples, SwimStroke } from '../../workout/types.js';
import { assembleWorkout } from '../../workout/assemble.js';
import { INDOOR_SPORTS } from '../../workout/sport.js';
import { expandCompressedTimestamps } from './compressed-timestamps.js';
import { fromFitSport } from './sport-map.js';
import { fromSemicircles } from './time.js';

type AnyMesg = Record<string, unknown>;
type Messages = Record<string, AnyMesg[] | undefined>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ms = (v: unknown): number | undefined =>
  v instanceof Date && Number.isFinite(v.getTime()) ? v.getTime() : undefined;

export function decodeFit(bytes: Uint8Array): DecodeResult {
  const issues: Issue[] = [];
  let messages: Messages;
  try {
    const stream = Stream.fromArrayBuffer(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    if (!Decoder.isFIT(stream))
      return { ok: false, error: 'not a FIT file: the header has no ".FIT" signature', issues };
    const decoder = new Decoder(stream);
    const cut = truncation(bytes);
    if (cut) issues.push({ code: 'fit.truncated', path: 'file', detail: cut, damage: true });
    if (!decoder.checkIntegrity())
      issues.push({
        code: 'fit.integrity',
        path: 'file',
        detail: 'file or header CRC does not match, or the file is truncated',
        damage: true,
      });
    // Checked above on the file as it came; read from the rewrite when it has compressed timestamps.
    const expanded = expandCompressedTimestamps(bytes);
    const reader = expanded ? new Decoder(Stream.fromArrayBuffer(expanded.buffer as ArrayBuffer)) : decoder;
    const out = reader.read({ mergeHeartRates: true });
    for (const e of out.errors)
      issues.push({ code: 'fit.decode_error', path: 'file', detail: describeError(e), damage: true });
    messages = out.messages as unknown as Messages;
  } catch (e) {
    return { ok: false, error: `FIT file could not be decoded: ${describeError(e)}`, issues };
  }
  try {
    return toWorkout(messages, issues);
  } catch (e) {
    return { ok: false, error: `FIT file could not be mapped: ${describeError(e)}`, issues };
  }
}

/**
 * Why a FIT file is shorter than its header says (copy interrupted, sync half
 * done), or null. A cut at a record boundary decodes without an error, so the
 * declared size is the only sure sign. Chained files are longer, never shorter.
 */
function truncation(bytes: Uint8Array): string | null {
  const headerSize = bytes[0] ?? 0;
  if (headerSize !== 12 && headerSize !== 14) return null;
  const dataSize = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
  const expected = headerSize + dataSize + 2; // + the file CRC
  return bytes.length < expected
    ? `truncated FIT file: ${bytes.length} of the ${expected} bytes its header declares`
    : null;
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e.cause as { message?: string } | undefined)?.message;
    return cause && cause !== e.message ? `${e.message} (${cause})` : e.message;
  }
  return String(e);
}

function toWorkout(m: Messages, issues: Issue[]): DecodeResult {
  const records = (m.recordMesgs ?? []).filter((r) => ms(r.timestamp) != null);
  const dropped = (m.recordMesgs?.length ?? 0) - records.length;
  if (dropped > 0)
    issues.push({
      code: 'fit.record_without_time',
      path: 'record',
      detail: `${dropped} record(s) have no timestamp and were skipped`,
    });
  const session = m.sessionMesgs?.[0];
  if ((m.sessionMesgs?.length ?? 0) > 1)
    issues.push({
      code: 'fit.multiple_sessions',
      path: 'session',
      detail: `${m.sessionMesgs!.length} sessions; they are read as one workout`,
    });
  const fileId = m.fileIdMesgs?.[0];
  const startMs =
    ms(session?.startTime) ?? ms(records[0]?.timestamp) ?? ms(m.lapMesgs?.[0]?.startTime) ?? ms(fileId?.timeCreated);
  if (startMs == null) {
    const why = issues.find((i) => i.code === 'fit.decode_error')?.detail;
    return {
      ok: false,
      error: `FIT file has no usable data: no session, record or start time${why ? ` (${why})` : ''}`,
      issues,
    };
  }
  const at = (v: unknown): number | undefined => {
    const x = ms(v);
    return x == null ? undefined : (x - startMs) / 1000;
  };

  const samples = toSamples(records, startMs);
  const lastT = samples.t.length ? samples.t[samples.t.length - 1]! : 0;
  const sessions = m.sessionMesgs ?? [];
  const endMs = ms(sessions[sessions.length - 1]?.timestamp) ?? ms(m.activityMesgs?.[0]?.timestamp);
  // One session: its elapsed time is exact (fractional); several (multisport, chained files): the whole span.
  const elapsed =
    (sessions.length <= 1 ? num(session?.totalElapsedTime) : undefined) ??
    (endMs != null ? (endMs - startMs) / 1000 : lastT);
  const sum = (key: string): number | undefined => {
    const vals = sessions.map((s) => num(s[key])).filter((v): v is number => v != null);
    return vals.length ? vals.reduce((a, b) => a + b, 0) : undefined;
  };
  // Several sessions (multisport): the whole workout's average weighs each session by its timer time,
  // its maximum is the largest; a cadence averaged over swim strokes, pedalling and steps means nothing.
  const average = (key: string): number | undefined => {
    if (sessions.length <= 1) return num(session?.[key]);
    let total = 0,
      time = 0;
    for (const s of sessions) {
      const v = num(s[key]);
      const t = num(s.totalTimerTime);
      if (v == null || t == null) return undefined;
      total += v * t;
      time += t;
    }
    return time > 0 ? Math.round(total / time) : undefined;
  };
  const maximum = (key: string): number | undefined => {
    const vals = sessions.map((s) => num(s[key])).filter((v): v is number => v != null);
    return vals.length ? vals.reduce((a, b) => Math.max(a, b)) : undefined;
  };
  const sport = fromFitSport(
    session?.sport ?? m.sportMesgs?.[0]?.sport,
    session?.subSport ?? m.sportMesgs?.[0]?.subSport,
  );
  const activity = m.activityMesgs?.[0];
  const local = num(activity?.localTimestamp);
  const actTs = ms(activity?.timestamp);
  const utcOffsetSeconds =
    local != null && actTs != null ? Math.round(local + Date.UTC(1989, 11, 31) / 1000 - actTs / 1000) : 0;

  const workout = assembleWorkout(
    {
      sport,
      subSport: typeof session?.subSport === 'string' && session.subSport !== 'generic' ? session.subSport : undefined,
      rawSport:
        session?.sport != null ? `${String(session.sport)}/${String(session.subSport ?? 'generic')}` : undefined,
      startMs,
      utcOffsetSeconds: Math.abs(utcOffsetSeconds) <= 18 * 3600 ? utcOffsetSeconds : 0,
      elapsedSeconds: elapsed,
      samples,
      pauses: toPauses(m.eventMesgs ?? [], at, elapsed),
      laps: (m.lapMesgs ?? []).map((l) => toLap(l, at)).filter((l): l is Lap => l != null),
      lengths: (m.lengthMesgs ?? []).map((l) => toLength(l, at)).filter((l): l is Length => l != null),
      poolLengthMeters: num(session?.poolLength),
      indoor: INDOOR_SPORTS.has(sport) || !samples.lat,
      device: toDevice(fileId, m.deviceInfoMesgs ?? []),
      totals: {
        distanceMeters: sum('totalDistance'),
        timerSeconds: sum('totalTimerTime'),
        calories: sum('totalCalories'),
        avgHeartRate: average('avgHeartRate'),
        maxHeartRate: maximum('maxHeartRate'),
        ascentMeters: sum('totalAscent'),
        descentMeters: sum('totalDescent'),
        avgCadence: sessions.length <= 1 ? num(session?.avgCadence) : undefined,
        steps: sum('totalStrides'),
      },
      source: { kind: 'files', id: '' },
    },
    issues,
  );
  return { ok: true, issues, workout };
}

const STREAMS: [keyof Samples, (r: AnyMesg) => number | undefined][] = [
  [
    'lat',
    (r) => {
      const v = num(r.positionLat);
      return v == null ? undefined : fromSemicircles(v);
    },
  ],
  [
    'lon',
    (r) => {
      const v = num(r.positionLong);
      return v == null ? undefined : fromSemicircles(v);
    },
  ],
  ['altitude', (r) => num(r.enhancedAltitude) ?? num(r.altitude)],
  ['heartRate', (r) => num(r.heartRate)],
  ['cadence', (r) => num(r.cadence)],
  ['speed', (r) => num(r.enhancedSpeed) ?? num(r.speed)],
  ['distance', (r) => num(r.distance)],
  ['power', (r) => num(r.power)],
  ['temperature', (r) => num(r.temperature)],
];

function toSamples(records: AnyMesg[], startMs: number): Samples {
  const t = records.map((r) => (ms(r.timestamp)! - startMs) / 1000);
  const out: Record<string, readonly (number | null)[]> = {};
  for (const [key, read] of STREAMS) {
    let any = false;
    const col = records.map((r) => {
      const v = read(r);
      if (v != null) any = true;
      return v ?? null;
    });
    if (any) out[key] = col;
  }
  const { lat, lon } = out;
  if (lat && lon) {
    // A fix needs both coordinates; a lone one is noise.
    out.lat = lat.map((v, i) => (v != null && lon[i] != null ? v : null));
    out.lon = lon.map((v, i) => (v != null && lat[i] != null ? v : null));
  } else {
    delete out.lat;
    delete out.lon;
  }
  return { t, ...out };
}

/** Timer stop(All) … start pairs are pauses; a final stop ≥1 s before the end pauses the tail. */
function toPauses(events: AnyMesg[], at: (v: unknown) => number | undefined, elapsed: number): Pause[] {
  const pauses: Pause[] = [];
  let stoppedAt: number | undefined;
  let stopKind: Pause['kind'];
  for (const e of events) {
    if (e.event !== 'timer') continue;
    const t = at(e.timestamp);
    if (t == null) continue;
    if ((e.eventType === 'stopAll' || e.eventType === 'stop') && stoppedAt == null) {
      stoppedAt = t;
      stopKind = e.timerTrigger === 'auto' ? 'auto' : 'manual';
    } else if (e.eventType === 'start' && stoppedAt != null) {
      if (t > stoppedAt) pauses.push({ startOffset: stoppedAt, endOffset: t, kind: stopKind });
      stoppedAt = undefined;
    }
  }
  // Stopped before the session ended and never restarted: the tail is not active time.
  if (stoppedAt != null && elapsed - stoppedAt >= 1)
    pauses.push({ startOffset: stoppedAt, endOffset: elapsed, kind: stopKind });
  return pauses;
}

const TRIGGER: Record<string, Lap['trigger']> = {
  manual: 'manual',
  distance: 'distance',
  time: 'time',
  sessionEnd: 'session_end',
};

function toLap(l: AnyMesg, at: (v: unknown) => number | undefined): Lap | null {
  const startOffset = at(l.startTime);
  const elapsed = num(l.totalElapsedTime);
  if (startOffset == null || elapsed == null) return null;
  return {
    startOffset,
    elapsedSeconds: elapsed,
    timerSeconds: num(l.totalTimerTime) ?? elapsed,
    distanceMeters: num(l.totalDistance),
    calories: num(l.totalCalories),
    avgHeartRate: num(l.avgHeartRate),
    maxHeartRate: num(l.maxHeartRate),
    trigger: TRIGGER[String(l.lapTrigger)] ?? 'manual',
  };
}

const STROKES: ReadonlySet<string> = new Set([
  'freestyle',
  'backstroke',
  'breaststroke',
  'butterfly',
  'mixed',
  'drill',
]);

function toLength(l: AnyMesg, at: (v: unknown) => number | undefined): Length | null {
  const startOffset = at(l.startTime);
  const elapsed = num(l.totalElapsedTime);
  if (startOffset == null || elapsed == null) return null;
  const stroke =
    typeof l.swimStroke === 'string' && STROKES.has(l.swimStroke) ? (l.swimStroke as SwimStroke) : undefined;
  return {
    startOffset,
    elapsedSeconds: elapsed,
    strokes: num(l.totalStrokes),
    stroke,
    kind: l.lengthType === 'idle' ? 'idle' : 'active',
  };
}

const MANUFACTURER_ID = new Map<string, number>(
  Object.entries((Profile.types as unknown as Record<string, Record<string, string>>).manufacturer ?? {}).map(
    ([k, v]) => [v, Number(k)],
  ),
);

function toDevice(fileId: AnyMesg | undefined, infos: AnyMesg[]): Device {
  const creator = infos.find((d) => d.deviceIndex === 'creator' || d.deviceIndex === 0) ?? {};
  const manuf = fileId?.manufacturer ?? creator.manufacturer;
  const manufacturer = num(manuf) ?? (typeof manuf === 'string' ? MANUFACTURER_ID.get(manuf) : undefined) ?? 255;
  const product = num(fileId?.product) ?? num(creator.product) ?? 0;
  const productName = [fileId?.productName, creator.productName, fileId?.garminProduct, creator.garminProduct].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  const name = productName ?? (typeof manuf === 'string' ? manuf : `manufacturer ${manufacturer}`);
  const serial = num(fileId?.serialNumber) ?? num(creator.serialNumber);
  return serial != null ? { manufacturer, product, name, serial } : { manufacturer, product, name };
}
