// Values checked after decoding (and after a cloud source's mapping), in one
// place for every source: what no device can record — a latitude of 91°, a
// distance of −1e308 m, a heart rate of 400, a time in the year 9999 — is
// dropped sample by sample with an issue saying how many and the first one,
// and the workout is refused when nothing sound is left (no plausible start,
// duration or value). Pure: the present time is an input.
import { withFingerprint } from './fingerprint.js';
import type { Issue, Lap, Length, Pause, RecordedTotals, SampleStream, Samples, Workout } from './types.js';

/** The earliest start accepted: consumer GPS watches and heart-rate bands are later; earlier is an unset clock. */
export const EARLIEST_START_MS = Date.UTC(1990, 0, 1);
/** How far past "now" a time may lie (clock skew, time zones mistaken for UTC). */
export const FUTURE_SLACK_MS = 24 * 3600 * 1000;
/** The longest single workout accepted (multi-day events are recorded as one); longer is a broken clock. */
export const MAX_ELAPSED_SECONDS = 30 * 24 * 3600;
/** Faster than any human-powered or skiing sport (100 m/s = 360 km/h). */
export const MAX_SPEED_MPS = 100;
/** A declared or cumulative distance beyond this is not one workout (a 48-hour ride is under 1,500 km). */
export const MAX_DISTANCE_METERS = 5_000_000;

/** Sound ranges per stream, inclusive. Heart rate 0 is the bands' "no contact" marker, kept as it is. */
const RANGES: Record<Exclude<SampleStream, 'lat' | 'lon'>, readonly [number, number, string]> = {
  altitude: [-1000, 10_000, 'm'],
  heartRate: [20, 250, 'bpm'],
  cadence: [0, 300, 'rpm'],
  speed: [0, MAX_SPEED_MPS, 'm/s'],
  distance: [0, MAX_DISTANCE_METERS, 'm'],
  power: [0, 3000, 'W'],
  temperature: [-60, 70, '°C'],
  strokeRate: [0, 300, 'strokes/min'],
};

export interface SanitizeOptions {
  /** The present, in ms since 1970 (injected: core reads no clock). */
  readonly nowMs: number;
}

export type SanitizeResult =
  | { readonly ok: true; readonly workout: Workout; readonly issues: readonly Issue[] }
  | { readonly ok: false; readonly reason: string; readonly issues: readonly Issue[] };

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const inRange = (v: number, [lo, hi]: readonly [number, number, string]): boolean => v >= lo && v <= hi;
const show = (v: unknown): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

function soundHeartRate(v: number): boolean {
  return v === 0 || inRange(v, RANGES.heartRate);
}

/** Why a start time cannot be a workout's, or null. */
function startProblem(startMs: number, text: string, nowMs: number): string | null {
  if (!Number.isFinite(startMs)) return `start time "${text}" is not a date`;
  if (startMs < EARLIEST_START_MS) return `start time ${text} is before 1990 (the device's clock was not set?)`;
  if (startMs > nowMs + FUTURE_SLACK_MS) return `start time ${text} is more than a day in the future`;
  return null;
}

/** Counts what one check drops and remembers the first, for one issue per check. */
class Drops {
  readonly issues: Issue[] = [];
  private counts = new Map<string, { n: number; first: string; detail: string }>();

  add(path: string, detail: string, first: string): void {
    const seen = this.counts.get(path);
    if (seen) seen.n++;
    else this.counts.set(path, { n: 1, first, detail });
  }

  flush(): Issue[] {
    for (const [path, { n, first, detail }] of this.counts)
      this.issues.push({
        code: 'value_dropped',
        path,
        detail: `${detail}: ${n} dropped (first: ${first})`,
      });
    this.counts.clear();
    return this.issues;
  }
}

/** Checks a workout's values against what a device can record; see the module comment. */
export function sanitizeWorkout(w: Workout, options: SanitizeOptions): SanitizeResult {
  const drops = new Drops();
  const startMs = Date.parse(w.startTime);
  const startBad = startProblem(startMs, w.startTime, options.nowMs);
  if (startBad) return { ok: false, reason: startBad, issues: [] };

  const latestT = Math.min(MAX_ELAPSED_SECONDS, (options.nowMs + FUTURE_SLACK_MS - startMs) / 1000);
  const samples = cleanSamples(w.samples, latestT, startMs, drops);

  let elapsed = w.elapsedSeconds;
  if (!finite(elapsed) || elapsed < 0 || elapsed > latestT) {
    const lastT = samples.t.length > 0 ? samples.t[samples.t.length - 1]! : NaN;
    if (!finite(lastT) || lastT <= 0)
      return {
        ok: false,
        reason: `its duration of ${show(elapsed)} s is not possible (negative, over 30 days, or past now)`,
        issues: drops.flush(),
      };
    drops.issues.push({
      code: 'elapsed_recomputed',
      path: 'elapsedSeconds',
      detail: `declared ${show(elapsed)} s is not possible; ${lastT} s from the samples is used`,
    });
    elapsed = lastT;
  }

  const totals = cleanTotals(w.totals, elapsed, drops);
  const laps = w.laps.flatMap((lap, i) => cleanLap(lap, i, latestT, drops));
  const pauses = w.pauses.filter((p, i) => keepSpan(p, `pauses[${i}]`, latestT, drops));
  const lengths = w.lengths.filter((l, i) => keepSpan(l, `lengths[${i}]`, latestT, drops));
  const poolOk =
    w.poolLengthMeters === undefined ||
    (finite(w.poolLengthMeters) && w.poolLengthMeters > 0 && w.poolLengthMeters <= 200);
  if (!poolOk) drops.add('poolLengthMeters', 'pool length', show(w.poolLengthMeters));

  const issues = drops.flush();
  const hadValues = w.samples.t.length > 0 && hasAnyValue(w.samples);
  if (hadValues && !hasAnyValue(samples) && !Object.values(totals).some(finite))
    return {
      ok: false,
      reason: `nothing sound is left: all ${w.samples.t.length} samples were out of range and no totals are declared`,
      issues,
    };
  if (issues.length === 0) return { ok: true, workout: w, issues };

  const { poolLengthMeters: _pool, ...rest } = w;
  const cleaned: Omit<Workout, 'fingerprint'> = {
    ...rest,
    ...(poolOk && w.poolLengthMeters !== undefined ? { poolLengthMeters: w.poolLengthMeters } : {}),
    elapsedSeconds: elapsed,
    samples,
    totals,
    laps,
    pauses,
    lengths,
  };
  return {
    ok: true,
    workout: elapsed === w.elapsedSeconds ? { ...cleaned, fingerprint: w.fingerprint } : withFingerprint(cleaned),
    issues,
  };
}

/** The absolute time of an offset, or the offset itself when no date can show it. */
function timeText(startMs: number, t: unknown): string {
  const at = finite(t) ? startMs + t * 1000 : NaN;
  return Math.abs(at) <= 8.64e15 ? `${new Date(at).toISOString().slice(0, 19)}Z` : `${show(t)} s`;
}

function hasAnyValue(s: Samples): boolean {
  for (const key of Object.keys(s) as (keyof Samples)[]) {
    if (key === 't') continue;
    const column = s[key];
    if (column) for (let i = 0; i < column.length; i++) if (column[i] != null) return true;
  }
  return false;
}

/** Drops samples at impossible times whole, and impossible values one by one (null). */
function cleanSamples(s: Samples, latestT: number, startMs: number, drops: Drops): Samples {
  const n = s.t.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = s.t[i];
    if (finite(t) && t >= -60 && t <= latestT) keep.push(i);
    else drops.add('samples.t', 'samples at impossible times', `sample ${i} at ${timeText(startMs, t)}`);
  }
  const all = keep.length === n;
  const pick = <T>(column: readonly T[]): T[] => {
    const out = new Array<T>(keep.length);
    for (let k = 0; k < keep.length; k++) out[k] = column[keep[k]!]!;
    return out;
  };
  const out: { -readonly [K in keyof Samples]: Samples[K] } = { t: all ? s.t : pick(s.t) };

  // Positions go by pairs: one impossible coordinate drops both.
  if (s.lat && s.lon) {
    const lat = pick(s.lat);
    const lon = pick(s.lon);
    let changed = !all;
    for (let k = 0; k < lat.length; k++) {
      const a = lat[k];
      const b = lon[k];
      if (a == null && b == null) continue;
      if (finite(a) && finite(b) && a >= -90 && a <= 90 && b >= -180 && b <= 180) continue;
      drops.add('samples.lat/lon', 'positions outside ±90° / ±180°', `sample ${keep[k]} at ${show(a)}, ${show(b)}`);
      lat[k] = null;
      lon[k] = null;
      changed = true;
    }
    out.lat = changed ? lat : s.lat;
    out.lon = changed ? lon : s.lon;
  } else if (s.lat || s.lon) {
    drops.add(s.lat ? 'samples.lat' : 'samples.lon', 'coordinates without their other half', 'the whole stream');
  }

  for (const key of Object.keys(RANGES) as (keyof typeof RANGES)[]) {
    const column = s[key];
    if (!column) continue;
    const range = RANGES[key];
    const sound = key === 'heartRate' ? soundHeartRate : (v: number) => inRange(v, range);
    let copy: (number | null)[] | null = all ? null : pick(column);
    const source = copy ?? column;
    for (let k = 0; k < source.length; k++) {
      const v = source[k];
      if (v == null || (finite(v) && sound(v))) continue;
      copy ??= column.slice();
      copy[k] = null;
      drops.add(
        `samples.${key}`,
        `${key} values outside ${range[0]}…${range[1]} ${range[2]}`,
        `sample ${keep[k]}: ${show(v)}`,
      );
    }
    out[key] = copy ?? column;
  }
  return out;
}

const TOTAL_RANGES: Record<keyof RecordedTotals, readonly [number, number]> = {
  distanceMeters: [0, MAX_DISTANCE_METERS],
  timerSeconds: [0, MAX_ELAPSED_SECONDS],
  calories: [0, 50_000],
  avgHeartRate: [20, 250],
  maxHeartRate: [20, 250],
  ascentMeters: [0, 20_000],
  descentMeters: [0, 20_000],
  steps: [0, 2_000_000],
  avgCadence: [0, 300],
};

function cleanTotals(totals: RecordedTotals, elapsed: number, drops: Drops): RecordedTotals {
  const out: Partial<Record<keyof RecordedTotals, number>> = {};
  for (const [key, value] of Object.entries(totals) as [keyof RecordedTotals, number | undefined][]) {
    if (value === undefined) continue;
    const [lo, hi] = TOTAL_RANGES[key];
    const tooFast = key === 'distanceMeters' && elapsed > 0 && value / elapsed > MAX_SPEED_MPS;
    if (finite(value) && value >= lo && value <= hi && !tooFast) out[key] = value;
    else drops.add(`totals.${key}`, `declared ${key}`, tooFast ? `${value} m in ${elapsed} s` : show(value));
  }
  return out;
}

function cleanLap(lap: Lap, i: number, latestT: number, drops: Drops): Lap[] {
  if (!keepSpan(lap, `laps[${i}]`, latestT, drops)) return [];
  const out: { -readonly [K in keyof Lap]: Lap[K] } = { ...lap };
  const check = (
    key: 'distanceMeters' | 'calories' | 'avgHeartRate' | 'maxHeartRate',
    range: readonly [number, number],
  ) => {
    const v = lap[key];
    if (v === undefined || (finite(v) && v >= range[0] && v <= range[1])) return;
    delete out[key];
    drops.add(`laps.${key}`, `lap ${key} values`, `lap ${i}: ${show(v)}`);
  };
  check('distanceMeters', TOTAL_RANGES.distanceMeters);
  check('calories', TOTAL_RANGES.calories);
  check('avgHeartRate', TOTAL_RANGES.avgHeartRate);
  check('maxHeartRate', TOTAL_RANGES.maxHeartRate);
  if (!finite(lap.timerSeconds) || lap.timerSeconds < 0) out.timerSeconds = lap.elapsedSeconds;
  return [out];
}

/** A lap, pause or length must start and last a possible time. */
function keepSpan(span: Pause | Lap | Length, path: string, latestT: number, drops: Drops): boolean {
  const start = span.startOffset;
  const length = 'endOffset' in span ? span.endOffset - span.startOffset : span.elapsedSeconds;
  if (finite(start) && finite(length) && start >= -60 && length >= 0 && start + length <= latestT + 60) return true;
  drops.add(
    path.replace(/\[\d+\]$/, ''),
    `${path.replace(/\[\d+\]$/, '')} at impossible times`,
    `${path} at ${show(start)} s for ${show(length)} s`,
  );
  return false;
}
