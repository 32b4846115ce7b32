// Builds realistic synthetic workouts for tests and benchmarks: a seeded
// pseudo-random walk, so every run builds the same workout.
import type { Lap, Length, Pause, Samples, Sport, Workout } from '../../src/core/index.js';
import { withFingerprint } from '../../src/core/index.js';

export interface Shape {
  sport?: Sport;
  seconds?: number;
  gps?: boolean;
  pauses?: Pause[];
  laps?: Lap[];
  lengths?: Length[];
  poolLengthMeters?: number;
  utcOffsetSeconds?: number;
  startTime?: string;
  seed?: number;
  calories?: number;
}

/** Mulberry32: tiny seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeWorkout(shape: Shape = {}): Workout {
  const seconds = shape.seconds ?? 600;
  const rand = rng(shape.seed ?? 1);
  const pauses = shape.pauses ?? [];
  const inPause = (t: number) => pauses.some((p) => t > p.startOffset && t < p.endOffset);
  const t: number[] = [];
  for (let s = 0; s <= seconds; s++) if (!inPause(s)) t.push(s);
  const gps = shape.gps ?? true;
  let lat = 46.05,
    lon = 14.5,
    alt = 300;
  const lats: number[] = [],
    lons: number[] = [],
    alts: number[] = [],
    hr: number[] = [],
    cad: number[] = [],
    spd: number[] = [];
  for (let i = 0; i < t.length; i++) {
    lat += 0.00002 + (rand() - 0.5) * 0.00001;
    lon += 0.00002 + (rand() - 0.5) * 0.00001;
    alt += (rand() - 0.5) * 2;
    lats.push(Number(lat.toFixed(7)));
    lons.push(Number(lon.toFixed(7)));
    alts.push(Number(alt.toFixed(1)));
    hr.push(100 + Math.floor(rand() * 80));
    cad.push(75 + Math.floor(rand() * 20));
    spd.push(Number((2 + rand() * 2).toFixed(3)));
  }
  const samples: Samples = gps
    ? { t, lat: lats, lon: lons, altitude: alts, heartRate: hr, cadence: cad, speed: spd }
    : { t, heartRate: hr, cadence: cad };
  const sport = shape.sport ?? (gps ? 'running' : 'treadmill');
  return withFingerprint({
    sport,
    startTime: shape.startTime ?? '2024-05-04T06:30:00Z',
    utcOffsetSeconds: shape.utcOffsetSeconds ?? 7200,
    elapsedSeconds: seconds,
    samples,
    pauses,
    laps: shape.laps ?? [],
    lengths: shape.lengths ?? [],
    poolLengthMeters: shape.poolLengthMeters,
    indoor: !gps,
    device: { manufacturer: 339, product: 7930, name: 'Amazfit Balance', serial: 123456 },
    totals: { calories: shape.calories ?? 321 },
    source: { kind: 'files', id: 'factory' },
  });
}

/** A pool swim: lengths of `pool` meters alternating active/idle, no GPS. */
export function makePoolSwim(lengthCount = 20, pool = 25): Workout {
  const lengths: Length[] = [];
  let at = 0;
  for (let i = 0; i < lengthCount; i++) {
    const idle = i % 5 === 4;
    const dur = idle ? 30 : 28 + (i % 3);
    lengths.push({
      startOffset: at,
      elapsedSeconds: dur,
      kind: idle ? 'idle' : 'active',
      ...(idle ? {} : { strokes: 14 + (i % 4), stroke: 'freestyle' as const }),
    });
    at += dur;
  }
  const half = lengths[Math.floor(lengthCount / 2)]!.startOffset;
  const laps: Lap[] = [
    { startOffset: 0, elapsedSeconds: half, timerSeconds: half, trigger: 'manual', calories: 40 },
    { startOffset: half, elapsedSeconds: at - half, timerSeconds: at - half, trigger: 'session_end', calories: 45 },
  ];
  return {
    ...makeWorkout({ sport: 'pool_swimming', gps: false, seconds: at, calories: 85 }),
    lengths,
    laps,
    poolLengthMeters: pool,
  };
}
