// Which samples an encoded file carries, shared by the FIT, TCX and GPX
// encoders: samples recorded while the timer was stopped are left out (Strava
// would count them as moving), and the first sample after a pause is marked,
// where TCX opens a new <Track> and GPX a new <trkseg>.
import type { Pause } from '../workout/types.js';

export const PAUSED = 0;
export const RUNNING = 1;
/** The first sample kept after a pause (never the first sample kept at all). */
export const RESUMED = 2;

/** One flag per sample; `pauses` normalized (sorted, merged, clipped), `t` in time order. */
export function activeSamples(t: readonly number[], pauses: readonly Pause[]): Uint8Array {
  const flags = new Uint8Array(t.length);
  let pi = 0;
  let kept = false;
  let resumed = false;
  for (let i = 0; i < t.length; i++) {
    const at = t[i]!;
    while (pi < pauses.length && pauses[pi]!.endOffset <= at) {
      pi++;
      resumed = kept;
    }
    const p = pauses[pi];
    if (p && at > p.startOffset && at < p.endOffset) continue; // PAUSED
    flags[i] = resumed ? RESUMED : RUNNING;
    resumed = false;
    kept = true;
  }
  return flags;
}
