// Decoders for the string-encoded series of GET /v1/sport/run/detail.json
// (format: ../../../../shared/notes/zepp-sources.md §1.5). Entries are split by
// ';', items by ','; a trailing ';' is normal. Every decoder returns raw
// per-entry values in the payload's own units with times as seconds since the
// workout start (trackid); to-workout.ts aligns them onto one axis.

/** A problem found in one series (kept as data, reported as an Issue). */
export interface SeriesProblem {
  readonly series: string;
  readonly detail: string;
}

export function entries(text: string | undefined | null): string[] {
  if (text === undefined || text === null || text === '') return [];
  return text.split(';').filter((e) => e !== '');
}

function num(text: string | undefined): number {
  if (text === undefined) return Number.NaN;
  const t = text.trim();
  return t === '' ? Number.NaN : Number(t);
}

/**
 * Entries of a GPS-indexed array, keeping empty entries in the middle: for
 * these arrays the doc says "a missing point occupies its position with the
 * empty string", so dropping it (as the public decoders do) would shift every
 * later point against `time`. Only the trailing empty entry after the final
 * ';' is dropped.
 */
export function positionalEntries(text: string | undefined | null): string[] {
  if (text === undefined || text === null || text === '') return [];
  const parts = text.split(';');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export interface GpsSeries {
  /** Seconds since start of each GPS point (cumulative `time` deltas). */
  readonly t: number[];
  /** Degrees; null for a point the payload left empty (no fix). */
  readonly lat: (number | null)[];
  readonly lon: (number | null)[];
  /** Metres; null where the payload has the -2000000 sentinel or nothing. */
  readonly altitude: (number | null)[];
}

/** Altitude sentinels: -2000000 since 2016-08, 0 before (notes §1.5). */
const ALTITUDE_NONE = -2000000;

/**
 * GPS-indexed arrays: `time` (deltas), `longitude_latitude` (LATITUDE first,
 * ×1e8, cumulative deltas from 0) and `altitude` (absolute cm).
 */
export function decodeGps(
  detail: { time?: string | null; longitude_latitude?: string | null; altitude?: string | null },
  problems: SeriesProblem[],
): GpsSeries {
  const times = positionalEntries(detail.time);
  const coords = positionalEntries(detail.longitude_latitude);
  const alts = positionalEntries(detail.altitude);
  const out: GpsSeries = { t: [], lat: [], lon: [], altitude: [] };
  if (coords.length === 0) return out;
  if (times.length !== coords.length) {
    problems.push({
      series: 'time',
      detail: `time has ${times.length} entries but longitude_latitude has ${coords.length}; extra points dropped`,
    });
  }
  const n = Math.min(times.length, coords.length);
  let t = 0;
  let lat = 0;
  let lon = 0;
  for (let i = 0; i < n; i++) {
    // An empty time delta means 1 s, as in the self-timed series.
    const dt = (times[i] ?? '').trim() === '' ? 1 : num(times[i]);
    const gap = (coords[i] ?? '').trim() === '';
    const [a, b] = (coords[i] ?? '').split(',');
    const dLat = gap ? 0 : num(a);
    const dLon = gap ? 0 : num(b);
    if (!Number.isFinite(dt) || dt < 0 || !Number.isFinite(dLat) || !Number.isFinite(dLon)) {
      throw new Error(`longitude_latitude/time entry ${i} is not numeric: "${coords[i]}" / "${times[i]}"`);
    }
    t += dt;
    lat += dLat;
    lon += dLon;
    const altRaw = i < alts.length ? num(alts[i]) : Number.NaN;
    out.t.push(t);
    out.lat.push(gap ? null : lat / 1e8);
    out.lon.push(gap ? null : lon / 1e8);
    out.altitude.push(Number.isFinite(altRaw) && altRaw !== ALTITUDE_NONE ? altRaw / 100 : null);
  }
  if (alts.length !== 0 && alts.length !== coords.length) {
    problems.push({
      series: 'altitude',
      detail: `altitude has ${alts.length} entries for ${coords.length} GPS points`,
    });
  }
  return out;
}

/** A self-timed series: each entry begins with its time delta (seconds). */
export interface TimedSeries {
  readonly t: number[];
  /** One array per value column after the time delta. */
  readonly columns: number[][];
}

/**
 * Decodes `dt,v1,v2,...` entries. An empty dt means 1 s (the documented
 * shorthand, seen in the 2018 walk's heart_rate). `cumulative[k]` says whether
 * column k is a delta to add up (heart_rate, distance, steps) or absolute.
 */
export function decodeTimed(
  name: string,
  text: string | undefined | null,
  cumulative: readonly boolean[],
): TimedSeries {
  const rows = entries(text);
  const out: TimedSeries = { t: [], columns: cumulative.map(() => []) };
  const acc = cumulative.map(() => 0);
  let t = 0;
  rows.forEach((row, i) => {
    const items = row.split(',');
    const dtText = items[0] ?? '';
    const dt = dtText.trim() === '' ? 1 : num(dtText);
    if (!Number.isFinite(dt) || dt < 0) throw new Error(`${name} entry ${i} has a bad time delta: "${row}"`);
    t += dt;
    out.t.push(t);
    cumulative.forEach((isDelta, k) => {
      const v = num(items[k + 1]);
      const value = Number.isFinite(v) ? v : 0;
      if (!Number.isFinite(v) && items[k + 1] !== undefined && items[k + 1] !== '') {
        throw new Error(`${name} entry ${i} column ${k + 1} is not numeric: "${row}"`);
      }
      if (isDelta) acc[k] = (acc[k] ?? 0) + value;
      out.columns[k]!.push(isDelta ? acc[k]! : Number.isFinite(v) ? v : Number.NaN);
    });
  });
  return out;
}

export interface ZeppPause {
  /** Seconds since start. */
  readonly startOffset: number;
  readonly durationSeconds: number;
  /** 1 (seen in pool swims), 2 manual, 3 auto. */
  readonly type: number;
}

/** `startEpoch,durationSec,startIdx,stopIdx,type;` (start is absolute Unix seconds). */
export function decodePauses(text: string | undefined | null, trackId: number): ZeppPause[] {
  return entries(text).map((row, i) => {
    const [start, duration, , , type] = row.split(',').map(num);
    if (!Number.isFinite(start) || !Number.isFinite(duration) || duration! < 0) {
      throw new Error(`pause entry ${i} is malformed: "${row}"`);
    }
    return { startOffset: start! - trackId, durationSeconds: duration!, type: Number.isFinite(type) ? type! : 0 };
  });
}

export interface ZeppLap {
  readonly index: number;
  readonly durationSeconds: number;
  /** Seconds from the workout start to the end of the lap (field 5). */
  readonly endOffset: number;
  /** All 21 raw fields, most undecoded publicly (notes §1.5). */
  readonly raw: string[];
}

/**
 * `lap`: 21 comma items per lap. Only index (0), duration (1) and the
 * cumulative end time (5) are understood; the pool-swim sample confirms them
 * (lap 0: 319 s ending at 319; lap 1: 706 s ending at 1034 after a rest).
 */
export function decodeLaps(text: string | undefined | null): ZeppLap[] {
  return entries(text).map((row, i) => {
    const raw = row.split(',');
    const index = num(raw[0]);
    const duration = num(raw[1]);
    const end = num(raw[5]);
    if (!Number.isFinite(duration) || !Number.isFinite(end)) throw new Error(`lap entry ${i} is malformed: "${row}"`);
    return { index: Number.isFinite(index) ? index : i, durationSeconds: duration, endOffset: end, raw };
  });
}

export interface ZeppSplit {
  readonly index: number;
  readonly seconds: number;
  readonly geohash: string;
  readonly cumulativeSeconds: number;
}

/** `kilo_pace` / `mile_pace`: `idx,seconds,geohash,?,?,cumSeconds`. */
export function decodeSplits(text: string | undefined | null): ZeppSplit[] {
  return entries(text).map((row) => {
    const raw = row.split(',');
    return { index: num(raw[0]), seconds: num(raw[1]), geohash: raw[2] ?? '', cumulativeSeconds: num(raw[5]) };
  });
}
