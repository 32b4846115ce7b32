// Pure mapping of one Mi Fitness workout (list element + summary JSON +
// decoded FDS files) to our Workout. No I/O, no clock. Per-second records give
// HR, distance, cadence and power; gaps between record segments are pauses;
// integer-km markers end laps; swim records are pool lengths; the GPS file
// gives the track, altitude and speed. The summary's declared totals are the
// band's numbers (DESIGN §4.1): core's assembleWorkout makes the streams and
// laps agree with them. Its time zone is the offset.
import type { Issue, Lap, Length, Pause, Samples, Workout } from '../../core/workout/types.js';
import { INDOOR_SPORTS } from '../../core/workout/sport.js';
import { assembleWorkout } from '../../core/workout/assemble.js';
import { distanceBetween } from '../../core/metrics/distance.js';
import { pausedSecondsBetween } from '../../core/metrics/timer.js';
import type { DecodedGps, DecodedRecords } from './binary.js';
import { F } from './layouts.js';
import type { MiSummary, RecordEnvelope } from './schema.js';
import { mapMiSport } from './sport.js';

export interface MiDetail {
  readonly records?: DecodedRecords | null;
  readonly gps?: DecodedGps | null;
  /** Why a detail file is absent (missing obj_key, expired, undecodable…), one line each. */
  readonly missing?: readonly string[];
}

export interface MiMapOptions {
  readonly accountId?: string;
  readonly deviceName?: string;
  readonly sourceKind?: 'mi-fitness' | 'mi-fitness-export';
}

/** FIT has no Xiaomi manufacturer id: 255 (development) with the band's model as product name. */
export const MI_MANUFACTURER = 255;

/** Stable id of a workout: K's "<sid>:<key>:<time>" (notes, checklist 9). */
export function miSourceId(envelope: Pick<RecordEnvelope, 'sid' | 'key' | 'time'>): string {
  return `${envelope.sid ?? 'unknown'}:${envelope.key}:${envelope.time}`;
}

const positive = (v: number | undefined): number | undefined => (v !== undefined && v > 0 ? v : undefined);
const nonNegative = (v: number | undefined): number | undefined => (v !== undefined && v >= 0 ? v : undefined);

/** The UTC offset: the envelope's zone_offset (seconds), else the summary's timezone × 15 min. */
export function miUtcOffset(envelope: Pick<RecordEnvelope, 'zone_offset'>, summary: MiSummary): number {
  if (envelope.zone_offset !== undefined) return envelope.zone_offset;
  const tz = summary.timezone ?? summary.time_zone;
  if (tz === undefined) return 0;
  // A signed byte in the file id; a plain number in the JSON.
  return (tz > 127 ? tz - 256 : tz) * 900;
}

export function describeMiDevice(envelope: Pick<RecordEnvelope, 'sid'>, summary: MiSummary, override?: string) {
  const model = summary.device_model ?? summary.model ?? summary.device_name;
  const name =
    override && override.trim() !== ''
      ? override.trim()
      : model
        ? model
        : summary.did && summary.did !== 'xiaomiwear_app'
          ? `Xiaomi (${summary.did})`
          : 'Xiaomi band / watch (Mi Fitness)';
  return { manufacturer: MI_MANUFACTURER, product: 0, name };
}

interface Row {
  hr?: number | null;
  distance?: number | null;
  cadence?: number | null;
  power?: number | null;
  lat?: number | null;
  lon?: number | null;
  altitude?: number | null;
  speed?: number | null;
}

export function miToWorkout(
  envelope: RecordEnvelope,
  summary: MiSummary,
  detail: MiDetail,
  options: MiMapOptions = {},
): { workout: Workout; issues: Issue[] } {
  const issues: Issue[] = [];
  const mapped = mapMiSport(envelope.key, envelope.category, summary.sport_type);
  if (!mapped.known)
    issues.push({
      code: 'sport_unknown',
      path: 'envelope.key',
      detail: `Mi Fitness sport "${envelope.key}" (category ${envelope.category ?? '-'}, sport_type ${summary.sport_type ?? '-'}) is not in the table; mapped to a generic Workout`,
    });
  const start = summary.start_time;
  const declaredElapsed =
    summary.end_time !== undefined && summary.end_time >= start ? summary.end_time - start : (summary.duration ?? 0);
  for (const m of detail.missing ?? []) issues.push({ code: 'mi_fitness_detail_missing', path: 'fds', detail: m });

  const rows = new Map<number, Row>();
  const row = (t: number): Row => {
    let r = rows.get(t);
    if (!r) rows.set(t, (r = {}));
    return r;
  };
  const pauses: Pause[] = [];
  const lapEnds: number[] = [];
  const lengths: Length[] = [];
  const swim = mapped.sport === 'pool_swimming' || mapped.sport === 'open_water_swimming';
  const records = detail.records;
  if (records) {
    for (const p of records.problems) issues.push({ code: 'mi_fitness_record_file', path: 'fds.records', detail: p });
    if (swim) readSwim(records, start, row, lengths);
    else readSeconds(records, start, row, pauses, lapEnds, declaredElapsed, issues);
  }
  if (detail.gps) {
    for (const p of detail.gps.problems) issues.push({ code: 'mi_fitness_gps_file', path: 'fds.gps', detail: p });
    for (const p of detail.gps.points) {
      const r = row(p.time - start);
      r.lat = p.lat;
      r.lon = p.lon;
      if (p.altitude !== undefined) r.altitude = Math.round(p.altitude * 100) / 100;
      if (p.speed !== undefined) r.speed = p.speed;
    }
  }

  const samples = toSamples(rows);
  const lastT = samples.t.length > 0 ? samples.t[samples.t.length - 1]! : 0;
  const elapsedSeconds = Math.max(declaredElapsed, lastT, 0);
  const laps = buildLaps(lapEnds, samples, pauses, elapsedSeconds);
  const hasGps = (samples.lat ?? []).some((v) => v !== null);
  const pool = positive(summary.pool_width);
  if (swim && summary.turn_count !== undefined && lengths.length > 0) {
    const active = lengths.filter((l) => l.kind === 'active').length;
    if (active !== summary.turn_count)
      issues.push({
        code: 'mi_fitness_lengths_mismatch',
        path: 'fds.records',
        detail: `${active} pool lengths in the record file; the summary says ${summary.turn_count}`,
      });
  }

  const footCadence = positive(summary.avg_cadence);
  const totals = {
    distanceMeters: positive(summary.corrected_distance) ?? positive(summary.distance),
    timerSeconds: positive(summary.valid_duration),
    calories: positive(summary.calories) ?? positive(summary.total_cal),
    avgHeartRate: positive(summary.avg_hrm),
    maxHeartRate: positive(summary.max_hrm),
    ascentMeters: nonNegative(summary.rise_height),
    descentMeters: nonNegative(summary.fall_height),
    steps: positive(summary.steps),
    avgCadence: footCadence !== undefined ? footCadence / 2 : positive(summary.avg_cycle_cadence),
  };
  const workout = assembleWorkout(
    {
      sport: mapped.sport,
      rawSport: mapped.rawSport,
      name: summary.course_name ?? summary.name ?? summary.title ?? summary.desc,
      startMs: start * 1000,
      utcOffsetSeconds: miUtcOffset(envelope, summary),
      elapsedSeconds,
      samples,
      pauses,
      laps,
      lengths,
      poolLengthMeters: swim && pool ? pool : undefined,
      indoor: !hasGps && INDOOR_SPORTS.has(mapped.sport),
      device: describeMiDevice(envelope, summary, options.deviceName),
      totals,
      source: {
        kind: options.sourceKind ?? 'mi-fitness',
        id: miSourceId(envelope),
        ...(options.accountId ? { accountId: options.accountId } : {}),
      },
    },
    issues,
  );
  return { workout, issues };
}

function readSeconds(
  records: DecodedRecords,
  start: number,
  row: (t: number) => Row,
  pauses: Pause[],
  lapEnds: number[],
  elapsed: number,
  issues: Issue[],
): void {
  let distance = 0;
  let previousEnd: number | null = null;
  let outside = 0;
  for (const seg of records.segments) {
    const segStart = seg.startTime - start;
    if (previousEnd !== null && segStart > previousEnd)
      pauses.push({ startOffset: previousEnd, endOffset: segStart, kind: 'manual' });
    for (const [i, rec] of seg.records.entries()) {
      const t = segStart + i;
      if (t < 0 || t > elapsed + 60) {
        outside++;
        continue;
      }
      const r = row(t);
      const hr = rec.get(F.hr);
      if (hr !== undefined) r.hr = hr > 0 && hr < 255 ? hr : null;
      const d = rec.get(F.distance);
      if (d !== undefined) {
        distance += d;
        r.distance = distance;
      }
      const cadence = rec.get(F.cadence);
      if (cadence !== undefined) r.cadence = cadence > 0 ? cadence / 2 : null; // steps/min → FIT's strides/min
      const cycle = rec.get(F.cycleCadence);
      if (cycle !== undefined) r.cadence = cycle > 0 ? cycle : null;
      const power = rec.get(F.power) ?? rec.get(F.runningPower);
      if (power !== undefined) r.power = power;
      // The kilometre was completed during this second: the lap ends with it.
      if (rec.get(F.integerKm) === 1) lapEnds.push(t);
    }
    previousEnd = segStart + seg.records.length;
  }
  if (outside > 0)
    issues.push({
      code: 'mi_fitness_record_outside',
      path: 'fds.records',
      detail: `${outside} per-second records fall outside the workout's start and end; dropped`,
    });
}

function readSwim(records: DecodedRecords, start: number, row: (t: number) => Row, lengths: Length[]): void {
  let distance = 0;
  for (const seg of records.segments) {
    let from = seg.startTime;
    for (const rec of seg.records) {
      const end = rec.get(F.endTime);
      if (end === undefined || end < from) continue;
      const active = rec.get(F.swimType) === 0;
      const strokes = rec.get(F.strokeCount);
      lengths.push({
        startOffset: from - start,
        elapsedSeconds: end - from,
        ...(active && strokes !== undefined ? { strokes } : {}),
        kind: active ? 'active' : 'idle',
      });
      if (active) {
        distance += rec.get(F.distance) ?? 0;
        row(end - start).distance = distance;
      }
      from = end;
    }
  }
}

function toSamples(rows: Map<number, Row>): Samples {
  const t = [...rows.keys()].sort((a, b) => a - b);
  const out: { -readonly [K in keyof Samples]: Samples[K] } = { t };
  for (const key of ['lat', 'lon', 'altitude', 'speed', 'hr', 'distance', 'cadence', 'power'] as const) {
    const values = t.map((x) => rows.get(x)![key] ?? null);
    if (!values.some((v) => v !== null)) continue;
    const name = key === 'hr' ? 'heartRate' : key;
    out[name] = values;
  }
  // Cumulative distance holds between records (GPS rows in between have none).
  if (out.distance) {
    let held: number | null = null;
    out.distance = out.distance.map((v) => (v === null ? held : (held = v)));
  }
  return out;
}

function buildLaps(ends: readonly number[], samples: Samples, pauses: readonly Pause[], elapsed: number): Lap[] {
  if (ends.length === 0) return [];
  const bounds = [0, ...ends.filter((e) => e > 0 && e < elapsed)];
  const laps: Lap[] = [];
  for (let i = 0; i < bounds.length; i++) {
    const from = bounds[i]!;
    const to = i + 1 < bounds.length ? bounds[i + 1]! : elapsed;
    if (to - from < 1) continue;
    const meters = distanceBetween(samples.t, samples.distance ?? null, from, to);
    laps.push({
      startOffset: from,
      elapsedSeconds: to - from,
      timerSeconds: Math.max(0, to - from - pausedSecondsBetween(pauses, from, to)),
      ...(meters !== null ? { distanceMeters: meters } : {}),
      trigger: i + 1 < bounds.length ? 'distance' : 'session_end',
    });
  }
  return laps;
}
