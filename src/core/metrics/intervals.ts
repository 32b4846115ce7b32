// Sample-to-sample intervals that count as recording time: consecutive samples
// with the timer running between them. Shared by moving time, HR zones and
// speed, so they all agree on what "time" means.
import type { Pause, Samples } from '../workout/types.js';
import { pausedSecondsBetween } from './timer.js';

/** Calls `fn(i, dt)` for each step i-1 → i, with dt the un-paused seconds between them. */
export function forEachStep(samples: Samples, pauses: readonly Pause[], fn: (i: number, dt: number) => void): void {
  const t = samples.t;
  for (let i = 1; i < t.length; i++) {
    const a = t[i - 1]!;
    const b = t[i]!;
    if (!(b > a)) {
      fn(i, 0);
      continue;
    }
    fn(i, pauses.length ? b - a - pausedSecondsBetween(pauses, a, b) : b - a);
  }
}
