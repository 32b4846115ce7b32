// Distance. The declared total wins (DESIGN §4.1): what the band or device
// says it measured is the workout's distance. From the samples: the device's
// own cumulative distance stream when present (it counts steps/wheel turns
// indoors), else the haversine sum over consecutive GPS fixes, skipping samples
// without a fix and not bridging pauses (a pause can hide a car ride).
import { haversineMeters } from '../geo/haversine.js';
import type { Pause, Samples, Workout } from '../workout/types.js';
import { isInsidePause } from './timer.js';

/** Cumulative distance per sample (meters), or null when there is no way to know it. */
export function cumulativeDistance(samples: Samples, pauses: readonly Pause[] = []): (number | null)[] | null {
  const n = samples.t.length;
  if (samples.distance && samples.distance.some((d) => d != null)) return samples.distance.slice();
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

/** The largest value of a cumulative series, or null when it has none. */
export function furthest(cumulative: readonly (number | null)[] | null): number | null {
  if (!cumulative) return null;
  let max: number | null = null;
  for (const d of cumulative) if (d != null && (max == null || d > max)) max = d;
  return max;
}

/** Distance measured by the samples alone (stream, else GPS), or null. */
export function sampleDistanceMeters(w: Pick<Workout, 'samples' | 'pauses'>): number | null {
  return furthest(cumulativeDistance(w.samples, w.pauses));
}

/** Total distance: the declared total, else what the samples measured, else null. */
export function totalDistanceMeters(w: Pick<Workout, 'samples' | 'pauses' | 'totals'>): number | null {
  return w.totals.distanceMeters ?? sampleDistanceMeters(w);
}

/** The cumulative distance at an offset: the last value at or before it, or null. */
export function distanceAt(t: readonly number[], cumulative: readonly (number | null)[], at: number): number | null {
  let value: number | null = null;
  for (let i = 0; i < t.length && t[i]! <= at; i++) value = cumulative[i] ?? value;
  return value;
}

/**
 * Distance covered between two offsets (seconds since start): the cumulative
 * distance at `to` minus that at `from`, so consecutive spans (laps) add up to
 * the whole. At the start the distance is 0, whatever the first sample says
 * (a series of deltas counts the metres before its first sample in it).
 * Null when the series says nothing up to `to`.
 */
export function distanceBetween(
  t: readonly number[],
  cumulative: readonly (number | null)[] | null,
  from: number,
  to: number,
): number | null {
  if (!cumulative) return null;
  const end = distanceAt(t, cumulative, to);
  const start = from <= 0 ? 0 : (distanceAt(t, cumulative, from) ?? 0);
  return end == null ? null : Math.max(0, end - start);
}
