// Elapsed and timer (active) time. Timer time = elapsed minus the union of the
// pauses clipped to [0, elapsed], so overlapping or out-of-range pauses from a
// sloppy source never count twice or make the timer negative.
import type { Pause, Workout } from '../workout/types.js';

/** Pauses clipped to [0, elapsed], sorted and with overlaps merged. */
export function normalizePauses(pauses: readonly Pause[], elapsedSeconds: number): Pause[] {
  const clipped = pauses
    .map((p) => ({ ...p, startOffset: Math.max(0, p.startOffset), endOffset: Math.min(elapsedSeconds, p.endOffset) }))
    .filter((p) => p.endOffset > p.startOffset)
    .sort((a, b) => a.startOffset - b.startOffset);
  const merged: Pause[] = [];
  for (const p of clipped) {
    const last = merged[merged.length - 1];
    if (last && p.startOffset <= last.endOffset) {
      merged[merged.length - 1] = { ...last, endOffset: Math.max(last.endOffset, p.endOffset) };
    } else merged.push(p);
  }
  return merged;
}

export function pausedSecondsBetween(pauses: readonly Pause[], from: number, to: number): number {
  let sum = 0;
  for (const p of pauses) sum += Math.max(0, Math.min(to, p.endOffset) - Math.max(from, p.startOffset));
  return sum;
}

export function elapsedSeconds(w: Pick<Workout, 'elapsedSeconds'>): number {
  return w.elapsedSeconds;
}

export function timerSeconds(w: Pick<Workout, 'elapsedSeconds' | 'pauses'>): number {
  const pauses = normalizePauses(w.pauses, w.elapsedSeconds);
  return w.elapsedSeconds - pausedSecondsBetween(pauses, 0, w.elapsedSeconds);
}

/**
 * The workout's timer (active) time: the device's declared total when it has
 * one (FIT session, TCX laps, band summary; it also sees sub-second pause
 * edges we cannot), else elapsed minus pauses.
 */
export function timerTotalSeconds(w: Pick<Workout, 'elapsedSeconds' | 'pauses' | 'totals'>): number {
  return w.totals.timerSeconds ?? timerSeconds(w);
}

/** True when offset `t` lies strictly inside a pause (the timer was stopped). */
export function isInsidePause(pauses: readonly Pause[], t: number): boolean {
  for (const p of pauses) if (t > p.startOffset && t < p.endOffset) return true;
  return false;
}
