// Splits every `splitMeters` (1 km by default): the moment cumulative distance
// crosses each boundary, linearly interpolated between the two samples around
// it; split time is timer time (pauses excluded), as Strava's splits are.
import type { Workout } from '../workout/types.js';
import { cumulativeDistance } from './distance.js';
import { normalizePauses, pausedSecondsBetween } from './timer.js';

export interface Split {
  readonly index: number;
  readonly distanceMeters: number;
  readonly elapsedSeconds: number;
  readonly timerSeconds: number;
}

export function splits(w: Pick<Workout, 'samples' | 'pauses' | 'elapsedSeconds'>, splitMeters = 1000): Split[] {
  const pauses = normalizePauses(w.pauses, w.elapsedSeconds);
  const dist = cumulativeDistance(w.samples, pauses);
  const t = w.samples.t;
  if (!dist || splitMeters <= 0) return [];
  const out: Split[] = [];
  let boundary = splitMeters;
  let lastT = 0,
    lastD = 0,
    prevT: number | null = null,
    prevD: number | null = null;
  for (let i = 0; i < t.length; i++) {
    const d = dist[i];
    if (d == null) continue;
    while (prevD != null && prevT != null && d >= boundary && prevD < boundary) {
      const at = prevT + ((boundary - prevD) / (d - prevD)) * (t[i]! - prevT);
      out.push(split(out.length, boundary - lastD, lastT, at, pauses));
      lastT = at;
      lastD = boundary;
      boundary += splitMeters;
    }
    prevT = t[i]!;
    prevD = d;
  }
  if (prevD != null && prevT != null && prevD > lastD) out.push(split(out.length, prevD - lastD, lastT, prevT, pauses));
  return out;
}

function split(
  index: number,
  distanceMeters: number,
  from: number,
  to: number,
  pauses: ReturnType<typeof normalizePauses>,
): Split {
  return {
    index,
    distanceMeters,
    elapsedSeconds: to - from,
    timerSeconds: to - from - pausedSecondsBetween(pauses, from, to),
  };
}
