// Turns the Zepp simulator's realistic second-by-second workouts (same
// generator, same seeds) into what the Mi Fitness cloud holds for them: the
// list element with its summary JSON, and the decrypted FDS files built with
// the documented layouts of the family a Mi Band 8/9 uses for that sport.
// The band model goes in the summary's `device_model` (an assumption: the
// notes name no model field) so the device can be checked end to end.
import type { Sport } from '../../core/workout/types.js';
import { generateWorkout, type PlannedWorkout, type SimWorkout } from '../zepp-cloud/generate.js';
import type { ShapeKind } from '../zepp-cloud/shapes.js';
import {
  freeTrainingRecordsV5,
  gpsFileV4,
  indoorBikeRecordsV6,
  indoorRunRecordsV2,
  noStepRecordsV5,
  stepRecordsV8,
  swimRecordsV3,
  type GpsFix,
  type Second,
  type Segment,
  type SwimLength,
} from './fds-files.js';

interface Family {
  readonly key: string;
  readonly category: string;
  readonly sportType: number;
  readonly proto: number;
  readonly version: number;
  readonly sport: Sport;
}

/** What each generated shape is in Mi Fitness terms (notes §4.4, §5). */
export const MI_SHAPES: Readonly<Record<ShapeKind, Family>> = {
  run: { key: 'outdoor_running', category: 'running', sportType: 1, proto: 22, version: 8, sport: 'running' },
  china_run: { key: 'outdoor_running', category: 'running', sportType: 1, proto: 22, version: 8, sport: 'running' },
  walk: { key: 'outdoor_walking', category: 'walking', sportType: 2, proto: 22, version: 8, sport: 'walking' },
  hike: { key: 'outdoor_hiking', category: 'hiking', sportType: 15, proto: 22, version: 8, sport: 'hiking' },
  ride: { key: 'outdoor_riding', category: 'riding', sportType: 6, proto: 23, version: 5, sport: 'cycling' },
  treadmill: { key: 'indoor_running', category: 'running', sportType: 3, proto: 3, version: 2, sport: 'treadmill' },
  indoor_cycling: {
    key: 'indoor_riding',
    category: 'riding',
    sportType: 7,
    proto: 7,
    version: 6,
    sport: 'indoor_cycling',
  },
  strength: { key: 'strength_training', category: 'fitness', sportType: 8, proto: 8, version: 5, sport: 'strength' },
  pool_swim: { key: 'pool_swimming', category: 'swimming', sportType: 9, proto: 9, version: 3, sport: 'pool_swimming' },
};

export const BAND_MODELS = ['Xiaomi Smart Band 8', 'Xiaomi Smart Band 9', 'Xiaomi Smart Band 9 Pro', 'Redmi Watch 4'];

export interface MiSimWorkout {
  readonly plan: PlannedWorkout;
  readonly sim: SimWorkout;
  readonly family: Family;
  readonly sid: string;
  readonly start: number;
  readonly tz: number; // 15-minute units
  readonly model: string;
  /** False: the summary says version 0 (the band kept no detail files). */
  readonly hasDetail: boolean;
  readonly summary: Record<string, unknown>;
  readonly envelope: Record<string, unknown>;
}

export function miWorkout(
  plan: PlannedWorkout,
  index: number,
  tz: number,
  withoutDetail: boolean,
  maxSeconds?: number,
): MiSimWorkout {
  const full = generateWorkout(plan);
  const sim = maxSeconds && full.elapsed > maxSeconds ? shortened(full, maxSeconds) : full;
  const family = MI_SHAPES[plan.kind];
  const start = plan.trackId;
  const model = BAND_MODELS[index % BAND_MODELS.length]!;
  const sid = `blt.3.${(plan.seed >>> 0).toString(16).padStart(8, '0')}`;
  const active = sim.elapsed - sim.pauses.reduce((s, p) => s + p.duration, 0);
  const distance = sim.distance[sim.elapsed] ?? 0;
  // The band averages what it recorded: the seconds outside pauses (record t carries hr[t + 1]).
  const paused = (t: number) => sim.pauses.some((p) => t >= p.start && t < p.start + p.duration);
  const hr = Array.from({ length: sim.elapsed }, (_, t) => t)
    .filter((t) => !paused(t))
    .map((t) => sim.hr[t + 1] ?? sim.hr[t]!);
  const avg = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length));
  const climb = risesAndFalls(sim.altitude);
  const cadences = sim.cadence.filter((c) => c > 0);
  const summary: Record<string, unknown> = {
    time: start,
    timezone: tz,
    start_time: start,
    end_time: start + sim.elapsed,
    duration: sim.elapsed,
    valid_duration: active,
    sport_type: family.sportType,
    proto_type: family.proto,
    version: withoutDetail ? 0 : family.version,
    did: 'xiaomiwear_app',
    distance,
    calories: sim.calories,
    total_cal: sim.calories + Math.round(active / 60),
    avg_hrm: avg(hr),
    max_hrm: hr.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
    min_hrm: hr.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
    ...(distance > 0 ? { avg_pace: Math.round(active / (distance / 1000)) } : {}),
    ...(cadences.length ? { avg_cadence: avg(cadences), steps: sim.steps[sim.elapsed] ?? 0 } : {}),
    ...(sim.spec.gps ? { rise_height: climb.rise, fall_height: climb.fall } : {}),
    ...(sim.pool ? { pool_width: sim.pool, turn_count: Math.floor(distance / sim.pool) } : {}),
    device_model: model,
  };
  const envelope = {
    sid,
    key: family.key,
    time: start,
    category: family.category,
    value: JSON.stringify(summary),
    zone_offset: tz * 900,
    zone_name: tz === 8 ? 'Europe/Berlin' : `UTC${tz >= 0 ? '+' : '-'}${Math.abs(tz / 4)}`,
    deleted: false,
  };
  return { plan, sim, family, sid, start, tz, model, hasDetail: !withoutDetail, summary, envelope };
}

/** The same workout stopped after `seconds` (large backfill tests: the same shapes, less data). */
function shortened(w: SimWorkout, seconds: number): SimWorkout {
  const cut = <T>(xs: readonly T[]) => xs.slice(0, seconds + 1);
  const keep = w.gps.t.findIndex((t) => t > seconds);
  const n = keep < 0 ? w.gps.t.length : keep;
  return {
    ...w,
    elapsed: seconds,
    pauses: w.pauses.filter((p) => p.start + p.duration < seconds),
    hr: cut(w.hr),
    speed: cut(w.speed),
    distance: cut(w.distance),
    steps: cut(w.steps),
    cadence: cut(w.cadence),
    stride: cut(w.stride),
    altitude: cut(w.altitude),
    strokeSpeed: cut(w.strokeSpeed),
    gps: { t: w.gps.t.slice(0, n), lat: w.gps.lat.slice(0, n), lon: w.gps.lon.slice(0, n) },
    laps: w.laps.filter((l) => l.start < seconds).map((l) => ({ ...l, end: Math.min(l.end, seconds) })),
    calories: Math.max(1, Math.round((w.calories * seconds) / w.elapsed)),
  };
}

function risesAndFalls(altitude: readonly number[]): { rise: number; fall: number } {
  let rise = 0,
    fall = 0;
  for (let i = 1; i < altitude.length; i++) {
    const d = altitude[i]! - altitude[i - 1]!;
    if (d > 0) rise += d;
    else fall -= d;
  }
  return { rise: Math.round(rise), fall: Math.round(fall) };
}

/** Active stretches between pauses: one record segment each. */
function segmentsOf(w: MiSimWorkout): Segment[] {
  const { sim, start } = w;
  const paused = new Uint8Array(sim.elapsed + 1);
  for (const p of sim.pauses) for (let t = p.start; t < p.start + p.duration && t <= sim.elapsed; t++) paused[t] = 1;
  const segments: Segment[] = [];
  let current: { start: number; seconds: Second[] } | null = null;
  let nextKm = 1000;
  // What the records carried so far: a second's metres are the cumulative distance's growth since
  // the last record, so nothing moved across a pause boundary is lost.
  let carried = 0;
  for (let t = 0; t < sim.elapsed; t++) {
    if (paused[t]) {
      if (current) segments.push(current);
      current = null;
      continue;
    }
    if (!current) current = { start: start + t, seconds: [] };
    const meters = (sim.distance[t + 1] ?? 0) - carried;
    carried += meters;
    const reached = (sim.distance[t + 1] ?? 0) >= nextKm;
    if (reached) nextKm += 1000;
    const v = sim.speed[t] ?? 0;
    current.seconds.push({
      hr: sim.hr[t + 1] ?? sim.hr[t]!,
      kcal: Math.min(15, Math.round(sim.spec.kcalPerMinute / 6)),
      meters,
      km: reached,
      cadence:
        w.family.proto === 7
          ? 78 + ((t * 7) % 9)
          : w.family.proto === 23
            ? v > 0
              ? 82 + ((t * 5) % 7)
              : 0
            : sim.cadence[t],
      stride: sim.stride[t],
      pace: v > 0 ? Math.round(1000 / v) : 0,
      power: w.family.proto === 7 ? 140 + ((t * 13) % 40) : 0,
      speed: Math.round(v * 100),
      resistance: 6,
    });
  }
  if (current && current.seconds.length) segments.push(current);
  return segments;
}

/** The decrypted per-second record file. */
export function recordFile(w: MiSimWorkout): Buffer {
  const { start, tz } = w;
  switch (w.family.proto) {
    case 22:
      // landing impact is left out and id56 stored without its value: both paths of the bitmap get used.
      return stepRecordsV8(start, tz, segmentsOf(w), { absent: new Set(['landing']), notKept: new Set(['f56']) });
    case 23:
      return noStepRecordsV5(start, tz, segmentsOf(w));
    case 3:
      return indoorRunRecordsV2(start, tz, segmentsOf(w));
    case 7:
      return indoorBikeRecordsV6(start, tz, segmentsOf(w));
    case 8:
      return freeTrainingRecordsV5(8, start, tz, segmentsOf(w));
    case 9:
      return swimRecordsV3(9, start, tz, swimSets(w));
    default:
      throw new Error(`no record file for proto ${w.family.proto}`);
  }
}

/** Pool sets as length records: a length ends whenever the pool-quantised distance grows. */
function swimSets(w: MiSimWorkout): { start: number; lengths: SwimLength[] }[] {
  const { sim, start } = w;
  const pool = sim.pool ?? 25;
  const sets: { start: number; lengths: SwimLength[] }[] = [];
  for (const lap of sim.laps) {
    const lengths: SwimLength[] = [];
    let from = lap.start;
    for (let t = lap.start + 1; t <= Math.min(sim.elapsed, lap.end); t++) {
      if ((sim.distance[t] ?? 0) > (sim.distance[t - 1] ?? 0)) {
        lengths.push({ type: 0, end: start + t, meters: pool, strokes: Math.round((t - from) * 0.42), kcal: 3 });
        from = t;
      }
    }
    if (lengths.length) sets.push({ start: start + lap.start, lengths });
  }
  return sets;
}

/** The decrypted GPS file (outdoor sports only). */
export function gpsFile(w: MiSimWorkout): Buffer | null {
  const { sim, start, tz } = w;
  if (!sim.spec.gps || sim.gps.t.length === 0) return null;
  const fixes: GpsFix[] = sim.gps.t.map((t, i) => ({
    time: start + t,
    lat: sim.gps.lat[i]!,
    lon: sim.gps.lon[i]!,
    altitude: sim.altitude[t] ?? 0,
    speed: sim.speed[t] ?? 0,
  }));
  return gpsFileV4(start, tz, w.family.proto, fixes);
}
