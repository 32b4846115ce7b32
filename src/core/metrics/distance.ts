// Distance: the device's own cumulative distance stream when present (it counts
// steps/wheel turns indoors and is what the band shows), else the haversine sum
// over consecutive GPS fixes, skipping samples without a fix and not bridging
// pauses (a pause can hide a car ride).
import { haversineMeters } from '../geo/haversine.js';
import type { Pause, Samples, Workout } from '../workout/types.js';
import { isInsidePause } from './timer.js';

/** Cumulative distance per sample (meters), or null when there is no way to know it. */
export function cumulativeDistance(samples: Samples, pauses: readonly Pause[] = []): (number | null)[] | null {
  const n = samples.t.length;
  if (samples.distance && samples.distance.some((d) => d != null)) return [...samples.distance];
  const { lat, lon } = samples;
  if (!lat || !lon) return null;
  const out: (number | null)[] = new Array(n);
  let total = 0;
  let prev = -1;
  let any = false;
  for (let i = 0; i < n; i++) {
    const la = lat[i];
    const lo = lon[i];
    if (la == null || lo == null) {
      out[i] = any ? total : null;
      continue;
    }
    if (prev >= 0 && !crossesPause(pauses, samples.t[prev]!, samples.t[i]!)) {
      total += haversineMeters(lat[prev]!, lon[prev]!, la, lo);
    }
    prev = i;
    any = true;
    out[i] = total;
  }
  return any ? out : null;
}

function crossesPause(pauses: readonly Pause[], a: number, b: number): boolean {
  for (const p of pauses) if (a <= p.startOffset && b >= p.endOffset && p.endOffset > p.startOffset) return true;
  return isInsidePause(pauses, a) || isInsidePause(pauses, b);
}

/** Total distance: stream, else GPS, else the device's recorded total, else null. */
export function totalDistanceMeters(w: Pick<Workout, 'samples' | 'pauses' | 'totals'>): number | null {
  const cum = cumulativeDistance(w.samples, w.pauses);
  if (cum) {
    let max: number | null = null;
    for (const d of cum) if (d != null && (max == null || d > max)) max = d;
    if (max != null) return max;
  }
  return w.totals.distanceMeters ?? null;
}
