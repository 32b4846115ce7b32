// A backfill started from the dashboard: planned first (a dry run), then run
// in the background, one at a time, with live progress for every watcher.
import { randomBytes } from 'node:crypto';
import { syncAll } from '../sync/sync-all.js';
import type { AppContext } from './context.js';

/** A backfill range; both ends optional (open range = whole history). ISO UTC. */
export interface BackfillRange {
  readonly since?: string;
  readonly until?: string;
}

/** Live progress of the current (or last) backfill. */
export interface BackfillProgress {
  readonly runId: string;
  readonly total: number;
  /** Workouts that reached a final state in this run. */
  readonly done: number;
  readonly uploaded: number;
  readonly duplicates: number;
  readonly skipped: number;
  readonly failed: number;
  readonly finished: boolean;
  /** Why the run waits, if it does (e.g. "rate limit: resumes 10:45 UTC"). */
  readonly waiting?: string | null;
}

/** What a backfill of `range` would do to each workout, and why (changes nothing). */
export async function planBackfill(app: Pick<AppContext, 'deps'>, range: BackfillRange) {
  const summary = await syncAll(app.deps, { all: true, since: range.since, dryRun: true });
  return summary.plan
    .filter((p) => !range.until || p.startTime < range.until)
    .map((p) => ({
      workoutId: p.workoutId,
      startTime: p.startTime,
      sport: p.sport,
      decision: p.action,
      reason: p.reason,
    }));
}

export interface BackfillRunner {
  /** The running or most recent backfill; null when none ran. */
  current(): BackfillProgress | null;
  /** Starts the backfill of exactly what planBackfill(range) approved; returns the run id. */
  start(range: BackfillRange): { runId: string };
  subscribe(listener: (p: BackfillProgress) => void): () => void;
}

export function backfillRunner(app: Pick<AppContext, 'deps' | 'clock'>): BackfillRunner {
  const listeners = new Set<(p: BackfillProgress) => void>();
  let current: BackfillProgress | null = null;
  let running: Promise<void> | null = null;
  const emit = (p: BackfillProgress) => {
    current = p;
    for (const l of listeners) l(p);
  };

  async function run(range: BackfillRange, runId: string) {
    const counts = { uploaded: 0, duplicates: 0, skipped: 0, failed: 0 };
    let total = 0;
    emit({ runId, total: 0, done: 0, ...counts, finished: false, waiting: null });
    try {
      const summary = await syncAll(app.deps, {
        all: true,
        since: range.since,
        wait: (until) => app.clock.wait(until),
        onProgress: (p) => {
          if (p.phase === 'upload') total = p.total;
          emit({
            runId,
            total,
            done: p.phase === 'upload' ? p.done : (current?.done ?? 0),
            ...counts,
            finished: false,
            waiting: p.phase === 'wait' ? (p.message ?? null) : null,
          });
        },
      });
      Object.assign(counts, {
        uploaded: summary.uploaded,
        duplicates: summary.duplicates,
        skipped: summary.skipped,
        failed: summary.failed,
      });
      emit({
        runId,
        total,
        done: total,
        ...counts,
        finished: true,
        waiting: summary.stoppedBy ? `stopped: ${summary.stoppedBy}` : null,
      });
    } catch (err) {
      emit({
        runId,
        total,
        done: current?.done ?? 0,
        ...counts,
        finished: true,
        waiting: `stopped: ${(err as Error).message}`,
      });
    }
  }

  const launch = (range: BackfillRange, runId: string) => {
    running = run(range, runId).finally(() => {
      running = null;
    });
  };

  return {
    current: () => current,
    start(range) {
      if (running) throw new Error('A backfill is already running; watch its progress on the overview.');
      const runId = randomBytes(6).toString('hex');
      launch(range, runId);
      return { runId };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
