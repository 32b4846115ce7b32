// Clocks. The engine and the simulators take time from a Clock, so tests and
// the demo can run on a simulated clock where a 15-minute rate-limit window
// passes in an instant instead of being slept through.
import type { Clock } from './sync/ports.js';

export interface WaitingClock extends Clock {
  /** Resolves at `until` (real clock: a timer; simulated clock: at once, by jumping). */
  wait(until: Date, signal?: AbortSignal): Promise<void>;
  readonly simulated: boolean;
}

export const systemClock: WaitingClock = {
  simulated: false,
  now: () => new Date(),
  wait: (until, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, Math.max(0, until.getTime() - Date.now()));
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
    }),
};

/** Runs at real speed from `start`, but jumps forward instead of waiting. */
export function simulatedClock(
  start: Date = new Date(),
): WaitingClock & { advance(ms: number): void; skippedMs(): number } {
  const realStart = Date.now();
  let offset = start.getTime() - realStart;
  let skipped = 0;
  const now = () => new Date(Date.now() + offset);
  return {
    simulated: true,
    now,
    advance(ms) {
      offset += ms;
      skipped += ms;
    },
    skippedMs: () => skipped,
    async wait(until) {
      const gap = until.getTime() - now().getTime();
      if (gap > 0) {
        offset += gap;
        skipped += gap;
      }
    },
  };
}
