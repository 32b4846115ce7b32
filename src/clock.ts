// Clocks. The engine and the simulators take time from a Clock, so tests and
// the demo can run on a simulated clock where a 15-minute rate-limit window
// passes in an instant instead of being slept through.
import type { Clock } from './sync/ports.js';

export interface WaitingClock extends Clock {
  /** Resolves at `until` (real clock: a timer; simulated clock: at once, by jumping). */
  wait(until: Date, signal?: AbortSignal): Promise<void>;
  readonly simulated: boolean;
  /**
   * The wall-clock instant at which this clock shows `at`, for what runs on
   * the real clock outside the process: the queue's startAfter, which pg-boss
   * compares with the database server's now(). Absent: the same instant.
   */
  toReal?(at: Date): Date;
}

export const systemClock: WaitingClock = {
  simulated: false,
  now: () => new Date(),
  wait: (until, signal) => sleepReal(until.getTime() - Date.now(), signal),
};

/** Waits on the real clock for `ms` (≤ 0: resolves at once); rejects when `signal` fires. */
function sleepReal(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, Math.max(0, ms));
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * TEST/BENCH HOOK, never on by default: a clock that runs `scale` times
 * faster than the real one, the same in every process given the same
 * parameters (sim = simEpoch + (realNow − realEpoch) × scale). Unlike the
 * jumping simulatedClock, several processes (bandsync workers, the Strava
 * simulator) can share it, so a 15-minute Strava window passes in
 * 15 min / scale of real time for all of them at once. Waits sleep the real
 * share of the gap; toReal maps a time on it back to the wall clock (the
 * queue's startAfter).
 */
export function scaledClock(options: { scale: number; simEpoch: Date; realEpochMs: number }): WaitingClock {
  const { scale, realEpochMs } = options;
  const simEpochMs = options.simEpoch.getTime();
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`scaled clock: scale must be a positive number`);
  if (!Number.isFinite(simEpochMs) || !Number.isFinite(realEpochMs))
    throw new Error('scaled clock: the epochs must be a valid ISO time and a number of ms');
  const now = () => new Date(Math.floor(simEpochMs + (Date.now() - realEpochMs) * scale));
  return {
    simulated: true,
    now,
    // Rounded up, so the real instant never comes before the simulated one.
    toReal: (at) => new Date(Math.ceil(realEpochMs + (at.getTime() - simEpochMs) / scale)),
    wait: (until, signal) => sleepReal(Math.ceil((until.getTime() - now().getTime()) / scale), signal),
  };
}

/**
 * The clock BANDSYNC_TEST_CLOCK asks for (a test/bench hook; unset: the real clock):
 * `simulated` (jumps over waits, one process only) or
 * `scaled:<scale>:<simEpochISO>:<realEpochMs>` (see scaledClock; shared by processes).
 */
export function clockFromEnv(value: string | undefined): WaitingClock {
  if (value === undefined || value === '') return systemClock;
  if (value === 'simulated') return simulatedClock();
  const scaled = /^scaled:([0-9.]+):([^:]+(?::[^:]+)*):(\d+)$/.exec(value);
  if (scaled)
    return scaledClock({ scale: Number(scaled[1]), simEpoch: new Date(scaled[2]!), realEpochMs: Number(scaled[3]) });
  throw new Error(
    `BANDSYNC_TEST_CLOCK=${value} is not understood: use "simulated" or "scaled:<scale>:<simEpochISO>:<realEpochMs>" (a test hook)`,
  );
}

/** The BANDSYNC_TEST_CLOCK value that gives `scaledClock(options)` in another process. */
export function scaledClockEnv(options: { scale: number; simEpoch: Date; realEpochMs: number }): string {
  return `scaled:${options.scale}:${options.simEpoch.toISOString()}:${options.realEpochMs}`;
}

/**
 * Runs at real speed from `start`, but jumps forward instead of waiting.
 * `{ frozen: true }` (benches): time moves only by jumps, so what a run
 * measures in simulated time does not depend on how loaded the machine is.
 */
export function simulatedClock(
  start: Date = new Date(),
  options: { frozen?: boolean } = {},
): WaitingClock & { advance(ms: number): void; skippedMs(): number } {
  const realNow = options.frozen ? () => 0 : () => Date.now();
  let offset = start.getTime() - realNow();
  let skipped = 0;
  const now = () => new Date(realNow() + offset);
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
