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
