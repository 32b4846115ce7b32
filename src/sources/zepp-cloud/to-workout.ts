// Pure mapping of one Zepp workout (history summary element + detail data)
// to our Workout. No I/O, no clock: the same input always gives the same
// workout. Used by the source and by `bandsync inspect` on a saved JSON.
import type { DecodeResult, Issue, Lap, Length, Pause, Samples, Sport, Workout } from '../../core/workout/types.js';
import { INDOOR_SPORTS } from '../../core/workout/sport.js';
import { assembleWorkout } from '../../core/workout/assemble.js';
import { distanceBetween } from '../../core/metrics/distance.js';
import { pausedSecondsBetween } from '../../core/metrics/timer.js';
import { gcj02ToWgs84 } from '../../core/geo/gcj02.js';
import { mapZeppSport } from '../zepp-common/map-sport.js';
import { alignStream, hasAnyValue, unionAxis } from './align.js';
import { detailSchema, formatZodError, summarySchema, type ZeppDetail, type ZeppSummary } from './schema.js';
import {
  decodeGps,
  decodeLaps,
  decodePauses,
  decodeSplits,
  decodeTimed,
  type GpsSeries,
  type SeriesProblem,
  type TimedSeries,
  type ZeppPause,
} from './series.js';
import { describeDevice } from './device.js';

export interface ZeppMapOptions {
  /** Convert GCJ-02 track coordinates to WGS-84: true/false, or 'auto' (China-region provider "gaode"). */
  readonly chinaCoordinates?: boolean | 'auto';
  readonly accountId?: string;
  readonly deviceName?: string;
  /** The workout's UTC offset (the cloud does not say; the source derives it from the configured zone). */
  readonly utcOffsetSeconds?: number;
}

/** Detail keys we know; the ones not decoded are listed so they are not reported as unknown. */
const DECODED = new Set([
  'trackid',
  'source',
  'version',
  'provider',
  'time',
  'longitude_latitude',
  'altitude',
  'heart_rate',
  'gait',
  'speed',
  'distance',
  'pause',
  'lap',
  'kilo_pace',
  'mile_pace',
  'air_pressure_altitude',
  'stroke_speed',
  'power_meter',
  'cadence',
]);
/** Known fields that carry nothing for a workout file (per-point GPS accuracy, flags, pace duplicates of speed). */
const KNOWN_UNUSED = new Set([
  'accuracy',
  'flag',
  'pace',
  'daily_performance_info',
  'spo2',
  'bearing',
  'course',
  'correct_altitude',
  'rope_skipping_frequency',
  'weather_info',
  'coaching_segment',
  'golf_swing_rt_data',
  'golf_swing_data',
]);

export interface DecodedZeppSeries {
  readonly gps: GpsSeries;
  readonly heartRate: TimedSeries;
  readonly gait: TimedSeries; // columns: steps (cumulative), stride cm, cadence spm
  readonly speed: TimedSeries;
  readonly distance: TimedSeries; // cumulative metres
  readonly airPressure: TimedSeries; // cumulative Pa
  readonly strokeSpeed: TimedSeries;
  readonly power: TimedSeries;
  readonly cadence: TimedSeries;
  readonly pauses: ZeppPause[];
  readonly problems: SeriesProblem[];
}

/** Decodes every series; throws on a malformed entry (the caller turns it into zepp_payload_invalid). */
export function decodeSeries(detail: ZeppDetail): DecodedZeppSeries {
  const problems: SeriesProblem[] = [];
  return {
    gps: decodeGps(detail, problems),
    heartRate: decodeTimed('heart_rate', detail.heart_rate, [true]),
    gait: decodeTimed('gait', detail.gait, [true, false, false]),
    speed: decodeTimed('speed', detail.speed, [false]),
    distance: decodeTimed('distance', detail.distance, [true]),
    airPressure: decodeTimed('air_pressure_altitude', detail.air_pressure_altitude, [true]),
    strokeSpeed: decodeTimed('stroke_speed', detail.stroke_speed, [false]),
    power: decodeTimed('power_meter', detail.power_meter, [false]),
    cadence: decodeTimed('cadence', detail.cadence, [false]),
    pauses: decodePauses(detail.pause, Number(detail.trackid)),
    problems,
  };
}

/** Barometric altitude (international standard atmosphere) from pressure in Pa. */
export function pressureToAltitude(pa: number): number {
  return 44330 * (1 - (pa / 101325) ** (1 / 5.255));
}

const positive = (v: number | undefined): number | undefined => (v !== undefined && v > 0 ? v : undefined);
const nonNegative = (v: number | undefined): number | undefined => (v !== undefined && v >= 0 ? v : undefined);

export function zeppSummaryToWorkoutParts(summary: ZeppSummary): { startTime: string; sport: Sport; known: boolean } {
  const mapped = mapZeppSport(summary.type, summary.bind_device);
  return {
    startTime: new Date(summary.trackid * 1000).toISOString().replace('.000Z', 'Z'),
    sport: mapped.sport,
    known: mapped.known,
  };
}

/**
 * Maps validated payloads. Throws only for malformed series entries; every
 * survivable oddity becomes an Issue.
 */
export function zeppToWorkout(
  summary: ZeppSummary,
  detail: ZeppDetail,
  options: ZeppMapOptions = {},
): { workout: Workout; issues: Issue[] } {
  const issues: Issue[] = [];
  if (Number(detail.trackid) !== summary.trackid) {
    issues.push({
      code: 'zepp_trackid_mismatch',
      path: 'detail.trackid',
      detail: `detail is for ${detail.trackid}, summary for ${summary.trackid}`,
    });
  }
  const { startTime, sport, known } = zeppSummaryToWorkoutParts(summary);
  if (!known)
    issues.push({
      code: 'sport_unknown',
      path: 'summary.type',
      detail: `Zepp sport code ${summary.type} is not in the table; mapped to a generic Workout`,
    });

  const s = decodeSeries(detail);
  for (const p of s.problems)
    issues.push({ code: 'zepp_series_mismatch', path: `detail.${p.series}`, detail: p.detail });
  reportUnknownSeries(detail, issues);

  // Positions: GCJ-02 → WGS-84 for China-region tracks (F12).
  const convert =
    options.chinaCoordinates === 'auto' || options.chinaCoordinates === undefined
      ? detail.provider.toLowerCase() === 'gaode'
      : options.chinaCoordinates;
  const gpsLat = [...s.gps.lat];
  const gpsLon = [...s.gps.lon];
  if (convert) {
    for (let i = 0; i < gpsLat.length; i++) {
      if (gpsLat[i] === null || gpsLon[i] === null) continue;
      const w = gcj02ToWgs84(gpsLat[i]!, gpsLon[i]!);
      gpsLat[i] = w.lat;
      gpsLon[i] = w.lon;
    }
  }

  const samples = buildSamples(s, gpsLat, gpsLon);
  const lastT = samples.t.length > 0 ? samples.t[samples.t.length - 1]! : 0;
  const declaredElapsed = summary.end_time - summary.trackid;
  const elapsedSeconds = Math.max(declaredElapsed, lastT, 0);
  if (declaredElapsed < 0)
    issues.push({
      code: 'zepp_end_before_start',
      path: 'summary.end_time',
      detail: `end_time ${summary.end_time} is before trackid ${summary.trackid}`,
    });

  const pauses: Pause[] = s.pauses
    .filter((p) => p.durationSeconds > 0)
    .map((p): Pause => ({
      startOffset: p.startOffset,
      endOffset: p.startOffset + p.durationSeconds,
      kind: p.type === 2 ? 'manual' : 'auto',
    }));

  const laps = buildLaps(detail, samples, pauses, elapsedSeconds);
  const hasGps = s.gps.t.length > 0;
  const poolLength = positive(summary.swim_pool_length);
  const lengths =
    sport === 'pool_swimming' && poolLength ? buildLengths(samples, poolLength, summary.total_trips, issues) : [];

  const totals = {
    // The band's own totals: they win over what its series add up to (DESIGN §4.1).
    distanceMeters: positive(summary.dis),
    timerSeconds: positive(summary.run_time),
    calories: positive(summary.calorie),
    avgHeartRate: positive(summary.avg_heart_rate),
    maxHeartRate: positive(summary.max_heart_rate),
    ascentMeters: hasAltitude(summary) ? nonNegative(summary.altitude_ascend) : undefined,
    descentMeters: hasAltitude(summary) ? nonNegative(summary.altitude_descend) : undefined,
    steps: positive(summary.total_step),
    avgCadence: positive(summary.avg_frequency) !== undefined ? summary.avg_frequency! / 2 : undefined,
  };

  const workout = assembleWorkout(
    {
      sport,
      rawSport: String(summary.type),
      startMs: Date.parse(startTime),
      utcOffsetSeconds: options.utcOffsetSeconds ?? 0,
      elapsedSeconds,
      samples,
      pauses,
      laps,
      lengths,
      poolLengthMeters: poolLength && sport === 'pool_swimming' ? poolLength : undefined,
      indoor: !hasGps && INDOOR_SPORTS.has(sport),
      device: describeDevice(summary.source, summary.bind_device, options.deviceName),
      totals,
      source: {
        kind: 'zepp-cloud',
        id: String(summary.trackid),
        ...(options.accountId ? { accountId: options.accountId } : {}),
      },
    },
    issues,
  );
  return { workout, issues };
}

function hasAltitude(summary: ZeppSummary): boolean {
  const max = Number((summary as Record<string, unknown>)['max_altitude']);
  return Number.isFinite(max) && max !== -20000;
}

function reportUnknownSeries(detail: ZeppDetail, issues: Issue[]): void {
  for (const [key, value] of Object.entries(detail)) {
    if (DECODED.has(key) || value === '' || value === null || value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const code = KNOWN_UNUSED.has(key) ? 'zepp_series_unused' : 'zepp_series_unknown';
    if (code === 'zepp_series_unused') continue; // documented and deliberately not mapped (notes §1.5)
    issues.push({
      code,
      path: `detail.${key}`,
      detail: `unknown series kept raw (${text.length} chars): ${text.slice(0, 120)}`,
    });
  }
}

function buildSamples(s: DecodedZeppSeries, lat: (number | null)[], lon: (number | null)[]): Samples {
  const axis = unionAxis([
    s.gps.t,
    s.heartRate.t,
    s.gait.t,
    s.speed.t,
    s.distance.t,
    s.airPressure.t,
    s.strokeSpeed.t,
    s.power.t,
    s.cadence.t,
  ]);
  const col = (t: readonly number[], v: readonly (number | null)[], hold: boolean) => alignStream(axis, { t, v, hold });
  const out: { -readonly [K in keyof Samples]: Samples[K] } = { t: axis };

  if (s.gps.t.length > 0) {
    out.lat = col(s.gps.t, lat, false);
    out.lon = col(s.gps.t, lon, false);
  }
  let altitude: (number | null)[] | null = null;
  if (hasAnyValue(s.gps.altitude)) altitude = col(s.gps.t, s.gps.altitude, true);
  else if (s.airPressure.t.length > 0) {
    altitude = col(
      s.airPressure.t,
      s.airPressure.columns[0]!.map((pa) => (pa > 0 ? round2(pressureToAltitude(pa)) : null)),
      true,
    );
  }
  if (altitude && hasAnyValue(altitude)) out.altitude = altitude;

  const hr = col(
    s.heartRate.t,
    s.heartRate.columns[0]!.map((b) => (b > 0 && b < 255 ? b : null)),
    true,
  );
  if (hasAnyValue(hr)) out.heartRate = hr;
  // Cadence: gait's 4th item (steps/min, 0 = none) → FIT's strides/min of one foot; else the `cadence` series (rpm).
  const gaitCadence = col(
    s.gait.t,
    s.gait.columns[2]!.map((c) => (c > 0 ? c / 2 : null)),
    true,
  );
  if (hasAnyValue(gaitCadence)) out.cadence = gaitCadence;
  else {
    const cad = col(
      s.cadence.t,
      s.cadence.columns[0]!.map((c) => (c > 0 ? c : null)),
      true,
    );
    if (hasAnyValue(cad)) out.cadence = cad;
  }
  const speed = col(
    s.speed.t,
    s.speed.columns[0]!.map((v) => (Number.isFinite(v) && v >= 0 ? v : null)),
    true,
  );
  if (hasAnyValue(speed)) out.speed = speed;
  const distance = col(s.distance.t, s.distance.columns[0]!, true);
  if (hasAnyValue(distance)) out.distance = distance;
  const power = col(
    s.power.t,
    s.power.columns[0]!.map((v) => (Number.isFinite(v) && v >= 0 ? v : null)),
    true,
  );
  if (hasAnyValue(power)) out.power = power;
  const strokes = col(
    s.strokeSpeed.t,
    s.strokeSpeed.columns[0]!.map((v) => (v > 0 ? round2(v * 60) : null)),
    true,
  );
  if (hasAnyValue(strokes)) out.strokeRate = strokes;
  return out;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

function buildLaps(detail: ZeppDetail, samples: Samples, pauses: readonly Pause[], elapsed: number): Lap[] {
  type Span = { start: number; end: number; trigger: Lap['trigger'] };
  const manual = decodeLaps(detail.lap).map((l): Span => ({
    start: l.endOffset - l.durationSeconds,
    end: l.endOffset,
    trigger: 'manual',
  }));
  const splits =
    manual.length > 0
      ? []
      : decodeSplits(detail.kilo_pace)
          .filter((k) => Number.isFinite(k.cumulativeSeconds) && Number.isFinite(k.seconds))
          .map((k): Span => ({
            start: k.cumulativeSeconds - k.seconds,
            end: k.cumulativeSeconds,
            trigger: 'distance',
          }));
  const spans = manual.length > 0 ? manual : splits;
  if (spans.length === 0) return [];
  const last = spans[spans.length - 1]!;
  if (elapsed - last.end >= 1) spans.push({ start: last.end, end: elapsed, trigger: 'session_end' });
  return spans.map((span): Lap => {
    const distance = distanceBetween(samples.t, samples.distance ?? null, span.start, span.end);
    const elapsedSeconds = Math.max(0, span.end - span.start);
    return {
      startOffset: span.start,
      elapsedSeconds,
      timerSeconds: Math.max(0, elapsedSeconds - pausedSecondsBetween(pauses, span.start, span.end)),
      ...(distance !== null ? { distanceMeters: distance } : {}),
      trigger: span.trigger,
    };
  });
}

/**
 * The cloud has no per-length records, so pool lengths are recovered from the
 * cumulative distance series: a length ends each time it crosses the next
 * multiple of the pool length. The series can stop short of the last wall
 * (the real 40-length swim sums to 998 m): when the summary counts exactly one
 * more length and at least half a pool was swum after the last crossing, that
 * length ends where the distance last grew. Any other disagreement with the
 * summary's `total_trips` is reported.
 */
function buildLengths(samples: Samples, pool: number, trips: number | undefined, issues: Issue[]): Length[] {
  const lengths: Length[] = [];
  if (!samples.distance) return lengths;
  let start = 0;
  let next = pool;
  for (let i = 0; i < samples.t.length; i++) {
    const d = samples.distance[i];
    if (d === null || d === undefined) continue;
    while (d >= next - 1e-6) {
      const t = samples.t[i]!;
      lengths.push({ startOffset: start, elapsedSeconds: Math.max(0, t - start), kind: 'active' });
      start = t;
      next += pool;
    }
  }
  const lastGrowth = lastDistanceGrowth(samples);
  if (
    trips === lengths.length + 1 &&
    lastGrowth &&
    lastGrowth.distance - (next - pool) >= pool / 2 &&
    lastGrowth.t > start
  ) {
    lengths.push({ startOffset: start, elapsedSeconds: lastGrowth.t - start, kind: 'active' });
    issues.push({
      code: 'zepp_last_length_inferred',
      path: 'detail.distance',
      detail: `the distance series ends ${Math.round(next - lastGrowth.distance)} m short of length ${trips}; counted it, as the summary does`,
    });
  } else if (trips !== undefined && trips > 0 && trips !== lengths.length) {
    issues.push({
      code: 'zepp_lengths_mismatch',
      path: 'detail.distance',
      detail: `recovered ${lengths.length} pool lengths from the distance series; the summary says ${trips}`,
    });
  }
  return lengths;
}

/** When and where the cumulative distance last increased. */
function lastDistanceGrowth(samples: Samples): { t: number; distance: number } | null {
  const d = samples.distance;
  if (!d) return null;
  let best: { t: number; distance: number } | null = null;
  for (let i = 0; i < samples.t.length; i++) {
    const v = d[i];
    if (v !== null && v !== undefined && (best === null || v > best.distance)) best = { t: samples.t[i]!, distance: v };
  }
  return best;
}

/** For `bandsync inspect`: a saved `{ summary, detail }` JSON (detail may be wrapped in its envelope). */
export function decodeZeppWorkout(
  json: { summary: unknown; detail: unknown },
  options: ZeppMapOptions = {},
): DecodeResult {
  const summary = summarySchema.safeParse(unwrap(json.summary));
  if (!summary.success)
    return { ok: false, error: `Zepp summary is invalid: ${formatZodError(summary.error)}`, issues: [] };
  const detail = detailSchema.safeParse(unwrap(json.detail));
  if (!detail.success)
    return { ok: false, error: `Zepp detail is invalid: ${formatZodError(detail.error)}`, issues: [] };
  try {
    const { workout, issues } = zeppToWorkout(summary.data, detail.data, options);
    return { ok: true, workout, issues };
  } catch (err) {
    return {
      ok: false,
      error: `Zepp detail is malformed: ${err instanceof Error ? err.message : String(err)}`,
      issues: [],
    };
  }
}

function unwrap(value: unknown): unknown {
  if (value && typeof value === 'object' && 'data' in value && 'code' in value)
    return (value as { data: unknown }).data;
  return value;
}
