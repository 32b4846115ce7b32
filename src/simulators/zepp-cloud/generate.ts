// Generates realistic workouts second by second from a seed: speed with
// drift, heart rate that follows effort with lag, steps/cadence, distance,
// altitude (and air pressure), a GPS track moving at that speed, pauses,
// manual laps and pool sets. The encoder turns these into Zepp payloads; the
// ground truth for tests is read from the same data.
import { between, intBetween, pick, seededRandom, type Random } from './random.js';
import { CHINA_PLACES, PLACES, SHAPES, type ShapeKind, type ShapeSpec } from './shapes.js';

export interface PlannedWorkout {
  readonly trackId: number;
  readonly kind: ShapeKind;
  readonly seed: number;
}

export interface SimPause {
  readonly start: number; // seconds since start
  readonly duration: number;
  readonly type: 1 | 2 | 3;
}

export interface SimWorkout {
  readonly plan: PlannedWorkout;
  readonly spec: ShapeSpec;
  readonly elapsed: number;
  readonly pauses: readonly SimPause[];
  /** Per second, index = seconds since start (0..elapsed). */
  readonly hr: number[];
  readonly speed: number[];
  readonly distance: number[]; // cumulative metres (integer, as the band reports)
  readonly steps: number[]; // cumulative
  readonly cadence: number[]; // steps/min, 0 = none
  readonly stride: number[]; // cm
  readonly altitude: number[]; // metres
  readonly strokeSpeed: number[]; // strokes/s (swims)
  readonly gps: { readonly t: number[]; readonly lat: number[]; readonly lon: number[] };
  readonly laps: readonly {
    readonly start: number;
    readonly end: number;
    readonly strokes: number;
    readonly meters: number;
  }[];
  readonly pool: number | null;
  readonly calories: number;
  readonly homeAltitude: number;
}

/** Spreads `count` workouts over `years` ending before `now`, oldest first, deterministic from `seed`. */
export function planHistory(seed: number, count: number, now: Date, years: number): PlannedWorkout[] {
  const r = seededRandom(seed);
  const kinds = Object.values(SHAPES);
  const totalWeight = kinds.reduce((s, k) => s + k.weight, 0);
  // Ends early enough that even the longest hike (3 h + pauses) has finished by `now`.
  const end = Math.floor(now.getTime() / 1000) - 5 * 3600;
  const span = Math.round(years * 365.25 * 86400);
  const out: PlannedWorkout[] = [];
  // Slot i of the span holds workout i, so start times are unique and ordered
  // whatever the count. With a day or more per slot, a start hour people
  // train at is picked; otherwise any second inside the slot.
  const spacing = span / count;
  for (let i = 0; i < count; i++) {
    const slotStart = Math.floor(end - span + i * spacing);
    const slotEnd = Math.floor(end - span + (i + 1) * spacing) - 1;
    let trackId: number;
    if (spacing >= 86400) {
      const day = slotStart - (slotStart % 86400) + 86400;
      trackId = day + pick(r, [6, 7, 12, 17, 18, 19]) * 3600 + intBetween(r, 0, 3599);
      if (trackId > slotEnd) trackId = slotStart + intBetween(r, 0, Math.max(0, slotEnd - slotStart));
    } else {
      trackId = slotStart + intBetween(r, 0, Math.max(0, slotEnd - slotStart));
    }
    let x = r() * totalWeight;
    const kind = kinds.find((k) => (x -= k.weight) < 0)?.kind ?? 'run';
    out.push({ trackId, kind, seed: Math.floor(r() * 2 ** 31) });
  }
  return out;
}

function makePauses(r: Random, spec: ShapeSpec, active: number): SimPause[] {
  if (r() >= spec.pauseChance) return [];
  const n = intBetween(r, 1, 3);
  const starts = Array.from({ length: n }, () => Math.floor(between(r, 0.15, 0.85) * active)).sort((a, b) => a - b);
  const pauses: SimPause[] = [];
  let shift = 0;
  let lastEnd = -1;
  for (const s of starts) {
    const start = s + shift;
    if (start <= lastEnd + 30) continue;
    const type = spec.kind === 'pool_swim' ? 1 : r() < 0.5 ? 2 : 3;
    const duration = spec.kind === 'pool_swim' ? intBetween(r, 2, 8) : intBetween(r, 10, 120);
    pauses.push({ start, duration, type });
    shift += duration;
    lastEnd = start + duration;
  }
  return pauses;
}

export function generateWorkout(plan: PlannedWorkout): SimWorkout {
  const spec = SHAPES[plan.kind];
  const r = seededRandom(plan.seed);
  const active = Math.round(between(r, spec.minutes[0], spec.minutes[1]) * 60);
  const pauses = makePauses(r, spec, active);
  const elapsed = active + pauses.reduce((s, p) => s + p.duration, 0);
  const paused = new Uint8Array(elapsed + 1);
  for (const p of pauses) for (let t = p.start; t < p.start + p.duration && t <= elapsed; t++) paused[t] = 1;

  const place = spec.china ? pick(r, CHINA_PLACES) : pick(r, PLACES);
  const baseSpeed = between(r, spec.speed[0], spec.speed[1]);
  const baseCadence = spec.cadence ? between(r, spec.cadence[0], spec.cadence[1]) : 0;
  const hrRest = intBetween(r, 58, 75);
  const hrWork = between(r, spec.hrWork[0], spec.hrWork[1]);
  const phase = r() * Math.PI * 2;
  const climb = spec.kind === 'hike' ? between(r, 150, 450) : spec.gps ? between(r, 5, 30) : 0;

  // Pool swims: sets of lengths with rests between them; each set is a lap.
  const pool = spec.kind === 'pool_swim' ? pick(r, [25, 25, 50]) : null;
  const swimSets: { start: number; end: number }[] = [];
  if (pool) {
    let t = 0;
    while (t < elapsed - 120) {
      const setLen = Math.min(elapsed - t, intBetween(r, 240, 600));
      swimSets.push({ start: t, end: t + setLen });
      t += setLen + intBetween(r, 15, 45);
    }
  }
  const inSwimSet = (t: number): boolean => swimSets.some((s) => t >= s.start && t < s.end);

  const hr: number[] = [],
    speed: number[] = [],
    distance: number[] = [],
    steps: number[] = [];
  const cadence: number[] = [],
    stride: number[] = [],
    altitude: number[] = [],
    strokeSpeed: number[] = [];
  const gps = { t: [] as number[], lat: [] as number[], lon: [] as number[] };
  let h = hrRest + 15,
    dist = 0,
    stepAcc = 0,
    lat = place[0],
    lon = place[1];
  let heading = r() * Math.PI * 2;
  let nextFix = 0;
  for (let t = 0; t <= elapsed; t++) {
    const isPaused = paused[t] === 1;
    let v = 0;
    if (!isPaused && spec.speed[1] > 0 && (!pool || inSwimSet(t))) {
      const ramp = Math.min(1, (t + 1) / 20);
      v = baseSpeed * ramp * (1 + 0.08 * Math.sin(t / 170 + phase) + 0.04 * (r() - 0.5));
    }
    // Strength: 45 s sets, 75 s rests; other sports: effort follows speed.
    let effort =
      spec.kind === 'strength'
        ? t % 120 < 45
          ? 1
          : 0.35
        : spec.speed[1] > 0
          ? v / baseSpeed
          : 0.92 + 0.08 * Math.sin(t / 300 + phase);
    if (isPaused || (pool && !inSwimSet(t))) effort = 0.25;
    const target = hrRest + (hrWork - hrRest) * Math.min(1.15, effort);
    h += (target - h) * 0.04 + (r() - 0.5) * 1.2;
    hr.push(Math.max(45, Math.min(200, Math.round(h))));
    speed.push(Math.round(v * 1000) / 1000);
    dist += v;
    distance.push(pool ? Math.floor(dist / pool) * pool : Math.round(dist));
    const cad = spec.cadence && v > 0 ? Math.round(baseCadence * (0.97 + 0.06 * (v / baseSpeed - 1) + 0.02 * r())) : 0;
    stepAcc += cad / 60;
    steps.push(Math.floor(stepAcc));
    cadence.push(cad);
    stride.push(cad > 0 ? Math.round(((v * 60) / cad) * 100) : 0);
    const alt =
      place[2] +
      climb * Math.sin(Math.min(1, dist / Math.max(1, baseSpeed * active)) * Math.PI) +
      3 * Math.sin(dist / 400 + phase);
    altitude.push(Math.round(alt * 100) / 100);
    strokeSpeed.push(pool && v > 0 ? Math.round(between(r, 0.38, 0.5) * 1e6) / 1e6 : 0);
    if (spec.gps) {
      heading += (r() - 0.5) * 0.12;
      lat += (v * Math.cos(heading)) / 111_320;
      lon += (v * Math.sin(heading)) / (111_320 * Math.cos((lat * Math.PI) / 180));
      if (!isPaused && t >= nextFix) {
        gps.t.push(t);
        gps.lat.push(Math.round(lat * 1e8) / 1e8);
        gps.lon.push(Math.round(lon * 1e8) / 1e8);
        nextFix = t + (r() < 0.8 ? 2 : r() < 0.5 ? 1 : 3);
      }
    }
  }

  const laps = pool
    ? swimSets.map((s) => ({
        start: s.start,
        end: s.end,
        strokes: Math.round((s.end - s.start) * 0.42),
        meters: (distance[Math.min(elapsed, s.end)] ?? 0) - (distance[s.start] ?? 0),
      }))
    : r() < spec.lapChance
      ? manualLaps(r, distance, elapsed)
      : [];
  const timer = active;
  const calories = Math.round((timer / 60) * spec.kcalPerMinute * (0.85 + 0.3 * r()));
  return {
    plan,
    spec,
    elapsed,
    pauses,
    hr,
    speed,
    distance,
    steps,
    cadence,
    stride,
    altitude,
    strokeSpeed,
    gps,
    laps,
    pool,
    calories,
    homeAltitude: place[2],
  };
}

/** The lap button pressed every 1–2 km; the last lap runs to the end. */
function manualLaps(r: Random, distance: readonly number[], elapsed: number): SimWorkout['laps'] {
  const laps: { start: number; end: number; strokes: number; meters: number }[] = [];
  let start = 0;
  let nextAt = intBetween(r, 1000, 2000);
  for (let t = 1; t <= elapsed; t++) {
    if ((distance[t] ?? 0) >= nextAt) {
      laps.push({ start, end: t, strokes: 0, meters: (distance[t] ?? 0) - (distance[start] ?? 0) });
      start = t;
      nextAt += intBetween(r, 1000, 2000);
    }
  }
  if (elapsed - start > 0)
    laps.push({ start, end: elapsed, strokes: 0, meters: (distance[elapsed] ?? 0) - (distance[start] ?? 0) });
  return laps;
}
