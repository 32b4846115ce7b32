// Encodes a generated workout in the exact format of the real payloads
// (../../../../shared/samples/zepp/): a history summary element with every key
// of the real one, in the same order and JSON types, and a detail `data`
// object with the real keys and string encodings (delta-coded positions ×1e8
// latitude first, absolute altitude in cm with the -2000000 sentinel, time
// deltas, self-timed `dt,value` series, absolute-epoch pauses, 21-field laps).
import { wgs84ToGcj02 } from '../../core/geo/gcj02.js';
import { geohash } from './geohash.js';
import type { SimWorkout } from './generate.js';

export const DEVICE_SOURCE = 'run.411.huami.com';

const join = (rows: readonly (string | number)[]): string => (rows.length === 0 ? '' : rows.join(';') + ';');
const f1 = (v: number): string => v.toFixed(1);
/** Java-like float text (the payloads come from a JVM: 0.0, 2.247191). */
const jfloat = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(Math.round(v * 1e7) / 1e7));

export interface EncodeOptions {
  /** Bumped by edits of the workout; changes what an edit changes (calories, name-less fields). */
  readonly editCount?: number;
  readonly source?: string;
}

export function encodeSummary(w: SimWorkout, options: EncodeOptions = {}): Record<string, unknown> {
  const spec = w.spec;
  const trackid = w.plan.trackId;
  const timer = w.elapsed - w.pauses.reduce((s, p) => s + p.duration, 0);
  const dis = w.distance[w.elapsed] ?? 0;
  const hrs = w.hr.slice(1);
  const avgHr = Math.round(hrs.reduce((s, v) => s + v, 0) / Math.max(1, hrs.length));
  const cads = w.cadence.filter((c) => c > 0);
  const avgCad = cads.length ? Math.round(cads.reduce((s, v) => s + v, 0) / cads.length) : 0;
  const strides = w.stride.filter((c) => c > 0);
  const alts = spec.gps ? w.gps.t.map((t) => w.altitude[t] ?? 0) : [];
  let ascend = 0,
    descend = 0;
  for (let i = 1; i < alts.length; i++) {
    const d = alts[i]! - alts[i - 1]!;
    if (d > 0) ascend += d;
    else descend -= d;
  }
  const speeds = w.speed.filter((v) => v > 0);
  const swim = w.pool !== null;
  const totalStrokes = w.laps.reduce((s, l) => s + l.strokes, 0);
  const trips = swim ? Math.floor(dis / w.pool!) : 0;
  const editCount = options.editCount ?? 0;
  return {
    trackid: String(trackid),
    source: options.source ?? DEVICE_SOURCE,
    dis: f1(dis),
    calorie: f1(w.calories + editCount),
    end_time: String(trackid + w.elapsed),
    run_time: String(timer),
    avg_pace: dis > 0 ? jfloat(timer / dis) : '0.0',
    avg_frequency: f1(avgCad),
    avg_heart_rate: f1(avgHr),
    type: spec.code,
    location: '',
    city: '',
    forefoot_ratio: '-1',
    bind_device: '',
    max_pace: speeds.length ? Math.round((1 / largest(speeds)) * 1e8) / 1e8 : -1.0,
    min_pace: -1.0,
    version: 15,
    altitude_ascend: Math.round(ascend),
    altitude_descend: Math.round(descend),
    total_step: w.steps[w.elapsed] ?? 0,
    avg_stride_length: strides.length ? Math.round(strides.reduce((s, v) => s + v, 0) / strides.length) : 0,
    max_frequency: cads.length ? largest(cads) : 0,
    max_altitude: alts.length ? Math.round(largest(alts)) : -20000,
    min_altitude: alts.length ? Math.round(smallest(alts)) : -20000,
    lap_distance: -1,
    sync_to: '',
    distance_ascend: 0,
    max_cadence: -1,
    avg_cadence: -1,
    landing_time: -1,
    flight_ratio: -1,
    climb_dis_descend: 0,
    climb_dis_ascend_time: 0,
    climb_dis_descend_time: 0,
    child_list: '[]',
    parent_trackid: 0,
    max_heart_rate: largest(hrs),
    min_heart_rate: smallest(hrs),
    swolf: swim ? Math.round(timer / Math.max(1, trips) + totalStrokes / Math.max(1, trips)) : 0,
    total_strokes: totalStrokes,
    total_trips: trips,
    avg_stroke_speed: swim ? Math.round((totalStrokes / timer) * 1e6) / 1e6 : 0.0,
    max_stroke_speed: swim ? largest(w.strokeSpeed) : 0.0,
    avg_distance_per_stroke: swim && totalStrokes ? Math.round((dis / totalStrokes) * 100) : 0.0,
    swim_pool_length: w.pool ?? 0,
    te: 30 + Math.round((avgHr - 100) / 3),
    swim_style: swim ? 2 : 0,
    unit: 0,
    add_info: '',
    sport_mode: 0,
    downhill_num: 0,
    downhill_max_altitude_desend: 0,
    strokes: 0,
    fore_hand: 0,
    back_hand: 0,
    serve: 0,
    second_half_start_time: 0,
    pb: '{}',
    rope_skipping_count: 0,
    rope_skipping_avg_frequency: 0,
    rope_skipping_max_frequency: 0,
    rope_skipping_rest_time: 0,
    left_landing_time: -1,
    left_flight_ratio: -1,
    right_landing_time: -1,
    right_flight_ratio: -1,
    marathon: '',
    situps: 0,
    anaerobic_te: -1,
    target_type: -1,
    target_value: '0',
    total_group: 0,
    spo2_max: 0,
    spo2_min: 0,
    avg_altitude: alts.length ? Math.round((alts.reduce((s, v) => s + v, 0) / alts.length) * 100) / 100 : 0,
    max_slope: 0,
    avg_slope: 0,
    avg_pulloar_time: 0.0,
    avg_return_time: 0.0,
    floor_number: 0,
    upstairs_height: 0.0,
    min_upstairs_floors: 0.0,
    accumulated_gap: 0,
    auto_recognition: false,
    app_name: 'com.xiaomi.hm.health',
    pause_time: '-1',
    heartrate_setting_type: -1,
  };
}

/** The per-second self-timed series start at t = 1 with a 1 s delta, as in the real run. */
function perSecond(w: SimWorkout, value: (t: number) => string): string {
  const rows: string[] = [];
  for (let t = 1; t <= w.elapsed; t++) rows.push(`1,${value(t)}`);
  return join(rows);
}

/** Cumulative series are coded as deltas from 0, so the first entry carries the absolute value. */
function deltas(values: readonly number[], t: number): number {
  return (values[t] ?? 0) - (t === 1 ? 0 : (values[t - 1] ?? 0));
}

export function encodeDetail(w: SimWorkout, options: EncodeOptions = {}): Record<string, unknown> {
  const spec = w.spec;
  const gps = w.gps;
  const n = gps.t.length;
  const time: number[] = [],
    ll: string[] = [],
    alt: number[] = [],
    flag: number[] = [],
    pace: string[] = [];
  let prevT = 0,
    prevLat = 0,
    prevLon = 0;
  // The first fixes often come before the barometer/GPS altitude settles.
  const noAltitudeFirst = n > 0 ? 3 + (w.plan.seed % 7) : 0;
  for (let i = 0; i < n; i++) {
    const t = gps.t[i]!;
    const pos = spec.china ? wgs84ToGcj02(gps.lat[i]!, gps.lon[i]!) : { lat: gps.lat[i]!, lon: gps.lon[i]! };
    const latI = Math.round(pos.lat * 1e8);
    const lonI = Math.round(pos.lon * 1e8);
    time.push(t - prevT);
    ll.push(`${latI - prevLat},${lonI - prevLon}`);
    prevT = t;
    prevLat = latI;
    prevLon = lonI;
    alt.push(i < noAltitudeFirst ? -2000000 : Math.round((w.altitude[t] ?? 0) * 100));
    flag.push(i === 0 ? 259 : 131);
    const v = w.speed[t] ?? 0;
    pace.push(v > 0 ? jfloat(1 / v) : '0.0');
  }
  const hasDistance = spec.speed[1] > 0;
  const kilo: string[] = [];
  if (spec.gps) {
    let km = 1,
      last = 0;
    for (let t = 1; t <= w.elapsed; t++) {
      if ((w.distance[t] ?? 0) >= km * 1000) {
        const i = Math.max(
          0,
          gps.t.findIndex((g) => g >= t),
        );
        kilo.push(`${km - 1},${t - last},${geohash(gps.lat[i] ?? 0, gps.lon[i] ?? 0)},-1,-1,${t}`);
        last = t;
        km++;
      }
    }
  }
  const laps = w.laps.map((l, i) =>
    [
      i,
      l.end - l.start,
      l.strokes,
      's00000000000',
      0,
      l.end,
      -20000,
      l.meters,
      0,
      jfloat(l.meters > 0 ? (l.end - l.start) / l.meters : 0),
      0,
      0,
      w.pool ?? 0,
      l.meters,
      0,
      0,
      w.pool ?? 0,
      -1,
      0,
      l.strokes,
      0,
    ].join(','),
  );
  const pressure: string[] = [];
  if (spec.barometer) {
    let prev = 0;
    for (let t = 2; t <= w.elapsed; t += 2) {
      const pa = Math.round(101325 * (1 - (w.altitude[t] ?? 0) / 44330) ** 5.255);
      pressure.push(`2,${pa - prev}`);
      prev = pa;
    }
  }
  return {
    trackid: w.plan.trackId,
    source: options.source ?? DEVICE_SOURCE,
    longitude_latitude: join(ll),
    altitude: join(alt),
    accuracy: '',
    time: join(time),
    gait: spec.cadence ? perSecond(w, (t) => `${deltas(w.steps, t)},${w.stride[t] ?? 0},${w.cadence[t] ?? 0}`) : '',
    pace: join(pace),
    pause: join(w.pauses.map((p) => `${w.plan.trackId + p.start},${p.duration},-1,-1,${p.type}`)),
    spo2: '',
    flag: join(flag),
    kilo_pace: join(kilo),
    mile_pace: '',
    heart_rate: perSecond(w, (t) => String(deltas(w.hr, t))),
    version: 15,
    provider: spec.china ? 'gaode' : '',
    speed: hasDistance ? perSecond(w, (t) => jfloat(w.speed[t] ?? 0)) : '',
    bearing: '',
    distance: hasDistance ? perSecond(w, (t) => String(deltas(w.distance, t))) : '',
    lap: join(laps),
    air_pressure_altitude: join(pressure),
    course: '',
    correct_altitude: '',
    stroke_speed: w.pool !== null ? perSecond(w, (t) => jfloat(w.strokeSpeed[t] ?? 0)) : '',
    cadence: '',
    daily_performance_info: '',
    rope_skipping_frequency: '',
    weather_info: '',
    coaching_segment: '',
    golf_swing_rt_data: '',
    power_meter: '',
  };
}

// Loops, not Math.max(...values): a 48-hour recording has more values than a call takes arguments.
function largest(values: readonly number[]): number {
  return values.reduce((a, b) => (b > a ? b : a), -Infinity);
}
function smallest(values: readonly number[]): number {
  return values.reduce((a, b) => (b < a ? b : a), Infinity);
}
