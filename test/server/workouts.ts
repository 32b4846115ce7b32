// Workouts for dashboard tests, built here from simple known shapes so the
// expected numbers (distance, pauses, laps) are known independently.
import { withFingerprint, type Workout } from '../../src/core/index.js';

const DEVICE = { manufacturer: 339, product: 7930, name: 'Amazfit Balance' };

/** A run on a circle of `radiusM` around a point, one sample per second, with one pause and two laps. */
export function gpsRun(
  index: number,
  startTime: string,
  opts: { seconds?: number; radiusM?: number; name?: string } = {},
): Workout {
  const seconds = opts.seconds ?? 1200;
  const radius = opts.radiusM ?? 300;
  const lat0 = 52.37;
  const lon0 = 4.89;
  const t: number[] = [];
  const lat: number[] = [];
  const lon: number[] = [];
  const alt: number[] = [];
  const hr: number[] = [];
  const cad: number[] = [];
  const speed: number[] = [];
  for (let i = 0; i <= seconds; i++) {
    const angle = (i / seconds) * 2 * Math.PI;
    t.push(i);
    lat.push(lat0 + (radius / 111_320) * Math.sin(angle));
    lon.push(lon0 + (radius / (111_320 * Math.cos((lat0 * Math.PI) / 180))) * Math.cos(angle));
    alt.push(10 + 5 * Math.sin(angle * 3));
    hr.push(130 + Math.round(20 * Math.sin(angle)));
    cad.push(85);
    speed.push((2 * Math.PI * radius) / seconds);
  }
  return withFingerprint({
    sport: 'running',
    rawSport: '1',
    name: opts.name ?? `Morning run ${index}`,
    startTime,
    utcOffsetSeconds: 3600,
    elapsedSeconds: seconds,
    samples: { t, lat, lon, altitude: alt, heartRate: hr, cadence: cad, speed },
    pauses: [{ startOffset: 300, endOffset: 360, kind: 'manual' }],
    laps: [
      { startOffset: 0, elapsedSeconds: seconds / 2, timerSeconds: seconds / 2 - 60, trigger: 'distance' },
      { startOffset: seconds / 2, elapsedSeconds: seconds / 2, timerSeconds: seconds / 2, trigger: 'session_end' },
    ],
    lengths: [],
    indoor: false,
    device: DEVICE,
    totals: { calories: 250 },
    source: { kind: 'zepp-cloud', id: `run-${index}` },
  });
}

/** An indoor strength session: heart rate only, no GPS. */
export function strength(index: number, startTime: string): Workout {
  const t: number[] = [];
  const hr: number[] = [];
  for (let i = 0; i <= 1800; i += 5) {
    t.push(i);
    hr.push(100 + (i % 60));
  }
  return withFingerprint({
    sport: 'strength',
    rawSport: '52',
    name: `Strength ${index}`,
    startTime,
    utcOffsetSeconds: 0,
    elapsedSeconds: 1800,
    samples: { t, heartRate: hr },
    pauses: [],
    laps: [],
    lengths: [],
    indoor: true,
    device: DEVICE,
    totals: { calories: 180, avgHeartRate: 129 },
    source: { kind: 'zepp-cloud', id: `strength-${index}` },
  });
}

/**
 * A steady workout whose every number is known by construction: one sample per
 * second, distance growing evenly to `meters`, heart rate alternating 140/160
 * (avg 150, max 160), equal laps of `lapMeters`, and the same totals declared.
 */
export function steady(opts: {
  sport: Workout['sport'];
  sourceId: string;
  startTime: string;
  utcOffsetSeconds?: number;
  seconds: number;
  meters: number;
  lapMeters?: number;
  cadence?: number;
  indoor?: boolean;
  gps?: boolean;
  name?: string;
}): Workout {
  const t: number[] = [];
  const distance: number[] = [];
  const hr: number[] = [];
  const cad: number[] = [];
  const speed: number[] = [];
  const lat: number[] = [];
  const lon: number[] = [];
  const v = opts.meters / opts.seconds;
  for (let i = 0; i <= opts.seconds; i++) {
    t.push(i);
    distance.push(v * i);
    speed.push(v);
    hr.push(i % 2 ? 160 : 140);
    cad.push(opts.cadence ?? 0);
    // Due north from a point: 1 m is 1/111,320 degree of latitude.
    lat.push(48.1 + (v * i) / 111_320);
    lon.push(11.5);
  }
  const laps = [];
  const lapMeters = opts.lapMeters ?? 0;
  if (lapMeters > 0) {
    const lapSeconds = lapMeters / v;
    for (let start = 0, d = 0; d < opts.meters - 1e-6; start += lapSeconds, d += lapMeters)
      laps.push({
        startOffset: start,
        elapsedSeconds: lapSeconds,
        timerSeconds: lapSeconds,
        distanceMeters: lapMeters,
        trigger: 'distance' as const,
      });
  }
  return withFingerprint({
    sport: opts.sport,
    ...(opts.name ? { name: opts.name } : {}),
    startTime: opts.startTime,
    utcOffsetSeconds: opts.utcOffsetSeconds ?? 0,
    elapsedSeconds: opts.seconds,
    samples: {
      t,
      distance,
      speed,
      heartRate: hr,
      ...(opts.cadence ? { cadence: cad } : {}),
      ...(opts.gps ? { lat, lon, altitude: t.map(() => 520) } : {}),
    },
    pauses: [],
    laps,
    lengths: [],
    indoor: opts.indoor ?? false,
    device: DEVICE,
    totals: { distanceMeters: opts.meters, timerSeconds: opts.seconds, calories: 500 },
    source: { kind: 'zepp-cloud', id: opts.sourceId },
  });
}

/** A pool swim: 25 m pool, 4 sets of 10 lengths of 30 s and 15 strokes, 60 s rests: 1000 m, 1200 s swimming. */
export function poolSwim(sourceId: string, startTime: string): Workout {
  const lengths: Workout['lengths'][number][] = [];
  const laps: Workout['laps'][number][] = [];
  const pauses: Workout['pauses'][number][] = [];
  let at = 0;
  for (let set = 0; set < 4; set++) {
    laps.push({ startOffset: at, elapsedSeconds: 300, timerSeconds: 300, distanceMeters: 250, trigger: 'manual' });
    for (let i = 0; i < 10; i++) {
      lengths.push({ startOffset: at, elapsedSeconds: 30, strokes: 15, stroke: 'freestyle', kind: 'active' });
      at += 30;
    }
    if (set < 3) {
      pauses.push({ startOffset: at, endOffset: at + 60, kind: 'manual' });
      at += 60;
    }
  }
  const t: number[] = [];
  const hr: number[] = [];
  for (let i = 0; i <= at; i += 5) {
    t.push(i);
    hr.push(i % 10 ? 130 : 120);
  }
  return withFingerprint({
    sport: 'pool_swimming',
    startTime,
    utcOffsetSeconds: 0,
    elapsedSeconds: at,
    samples: { t, heartRate: hr },
    pauses,
    laps,
    lengths,
    poolLengthMeters: 25,
    indoor: true,
    device: DEVICE,
    totals: { distanceMeters: 1000, timerSeconds: 1200, calories: 280 },
    source: { kind: 'zepp-cloud', id: sourceId },
  });
}
