// Moving time. The band's declared active time wins: it is what the band
// showed, and what Strava shows for a file with timer events (F3). Without
// one, a step counts as moving when its speed is above 1 km/h, the
// stopped-speed threshold gpxpy uses (speed from the device's speed stream
// when present, else distance/time between fixes), never more than the timer
// time. Without any speed or position (strength, yoga) every un-paused second
// counts as moving, as it does when an indoor stream never shows movement.
import type { Workout } from '../workout/types.js';
import { cumulativeDistance } from './distance.js';
import { forEachStep } from './intervals.js';
import { normalizePauses, timerSeconds, timerTotalSeconds } from './timer.js';

export const STOPPED_SPEED_MPS = 1000 / 3600;

type Timed = Pick<Workout, 'samples' | 'pauses' | 'elapsedSeconds' | 'totals'>;

export function movingSeconds(w: Timed): number {
  return w.totals.timerSeconds ?? Math.min(measuredMovingSeconds(w), timerSeconds(w));
}

/** Moving time from the samples alone. */
export function measuredMovingSeconds(w: Timed): number {
  const pauses = normalizePauses(w.pauses, w.elapsedSeconds);
  const speed = w.samples.speed;
  const dist = speed ? null : cumulativeDistance(w.samples, pauses);
  if (!speed && !dist) return timerTotalSeconds(w);
  let moving = 0;
  forEachStep(w.samples, pauses, (i, dt) => {
    if (dt <= 0) return;
    let v: number | null = null;
    if (speed) v = speed[i] ?? null;
    else {
      const a = dist![i - 1];
      const b = dist![i];
      if (a != null && b != null) v = (b - a) / dt;
    }
    if (v != null && v > STOPPED_SPEED_MPS) moving += dt;
  });
  // A stream that never shows movement indoors (rowers, bikes without a speed sensor) says nothing.
  return moving === 0 && !w.samples.lat ? timerTotalSeconds(w) : moving;
}
