// Average speed = distance / moving time (what Strava shows); max speed = the
// device's speed stream when present, else the fastest step between fixes at
// least 1 s apart. Pace is its inverse in s/km.
import type { Workout } from '../workout/types.js';
import { cumulativeDistance, totalDistanceMeters } from './distance.js';
import { forEachStep } from './intervals.js';
import { movingSeconds } from './moving.js';
import { normalizePauses } from './timer.js';

export function avgSpeedMps(w: Pick<Workout, 'samples' | 'pauses' | 'elapsedSeconds' | 'totals'>): number | null {
  const d = totalDistanceMeters(w);
  const m = movingSeconds(w);
  return d != null && m > 0 ? d / m : null;
}

export function maxSpeedMps(w: Pick<Workout, 'samples' | 'pauses' | 'elapsedSeconds'>): number | null {
  let max: number | null = null;
  if (w.samples.speed) {
    for (const v of w.samples.speed) if (v != null && (max == null || v > max)) max = v;
    return max;
  }
  const pauses = normalizePauses(w.pauses, w.elapsedSeconds);
  const dist = cumulativeDistance(w.samples, pauses);
  if (!dist) return null;
  forEachStep(w.samples, pauses, (i, dt) => {
    const a = dist[i - 1],
      b = dist[i];
    if (dt >= 1 && a != null && b != null) {
      const v = (b - a) / dt;
      if (max == null || v > max) max = v;
    }
  });
  return max;
}

/** Seconds per kilometre, or null when not moving. */
export function paceSecondsPerKm(speedMps: number | null): number | null {
  return speedMps != null && speedMps > 0 ? 1000 / speedMps : null;
}
