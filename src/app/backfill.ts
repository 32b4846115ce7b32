// A backfill started from the dashboard: planned first (a dry run), then run
// in the background, one at a time, with live progress for every watcher.
import { randomBytes } from 'node:crypto';
import { syncAll } from '../sync/sync-all.js';
import { DESTINATION } from '../sync/deps.js';
import type { AppContext } from './context.js';
import { recordPages } from './record-pages.js';

/** A backfill range; both ends optional (open range = whole history). ISO UTC. */
export interface BackfillRange {
  readonly since?: string;
  readonly until?: string;
}

/**
 * Live progress of the current (or last) backfill, counted from the stored
 * records of the run's range (not from the engine's step counter, which says
 * "done" when an upload was handed to Strava): what is on Strava, still being
 * processed, a duplicate, skipped, failed or still waiting to be sent.
 */
export interface BackfillProgress {
  readonly runId: string;
  /** Workouts of the range this run is about (not those already settled before it started). */
  readonly total: number;
  /** Workouts that reached a final state: uploaded + duplicates + skipped + failed. */
  readonly done: number;
  /** On Strava (synced). */
  readonly uploaded: number;
  /** Sent, Strava still processing (or the upload in flight). */
  readonly processing: number;
  readonly duplicates: number;
  readonly skipped: number;
  /** Failed or held for you. */
  readonly failed: number;
  /** Not sent yet. */
  readonly pending: number;
  readonly finished: boolean;
  /** Why the run waits or stopped, if it does (e.g. "Strava rate limit"). */
  readonly waiting?: string | null;
  /** Until when it waits (ISO UTC), shown as "resumes at 18:00, in 6 min". */
  readonly resumesAt?: string | null;
}

type Counts = Pick<
  BackfillProgress,
  'total' | 'done' | 'uploaded' | 'processing' | 'duplicates' | 'skipped' | 'failed' | 'pending'
>;

const SETTLED = ['synced', 'duplicate', 'skipped'] as const;
/** How often at most the runner reads the records again while events stream in. */
const RECOUNT_MS = 1000;

/** Counts the run's records by what their states mean for the person, from a count per state (Store.countRecordStates). */
export function countStates(byState: Readonly<Record<string, number>>): Counts {
  const c = { uploaded: 0, processing: 0, duplicates: 0, skipped: 0, failed: 0, pending: 0 };
  let total = 0;
  for (const [s, n] of Object.entries(byState)) {
    total += n;
    if (s === 'synced') c.uploaded += n;
    else if (s === 'uploading' || s === 'processing') c.processing += n;
    else if (s === 'duplicate') c.duplicates += n;
    else if (s === 'skipped') c.skipped += n;
    else if (s === 'failed' || s === 'needs_user') c.failed += n;
    else c.pending += n;
  }
  return { ...c, total, done: c.uploaded + c.duplicates + c.skipped + c.failed };
}

/** What a backfill of `range` would do to each workout, and why (changes nothing). */
export async function planBackfill(app: Pick<AppContext, 'deps'>, range: BackfillRange) {
  const summary = await syncAll(app.deps, { all: true, since: range.since, until: range.until, dryRun: true });
  // Each workout's own UTC offset, so the plan shows the clock time it was recorded at.
  // Read a page at a time: only the offsets are kept.
  const offsets = new Map<string, number>();
  for await (const page of recordPages(app.deps.store, {
    destination: DESTINATION,
    since: range.since,
    until: range.until,
  }))
    for (const r of page) offsets.set(r.workoutId, r.summary.utcOffsetSeconds);
  return summary.plan
    .filter((p) => !range.until || p.startTime < range.until)
    .map((p) => ({
      workoutId: p.workoutId,
      startTime: p.startTime,
      utcOffsetSeconds: offsets.get(p.workoutId) ?? 0,
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

export function backfillRunner(app: Pick<AppContext, 'deps' | 'clock'>, signal?: AbortSignal): BackfillRunner {
  const listeners = new Set<(p: BackfillProgress) => void>();
  let current: BackfillProgress | null = null;
  let running: Promise<void> | null = null;
  const emit = (p: BackfillProgress) => {
    current = p;
    for (const l of listeners) l(p);
  };

  async function run(range: BackfillRange, runId: string) {
    const { store } = app.deps;
    const inRange = { destination: DESTINATION, since: range.since, until: range.until, limit: 1_000_000 };
    // What was on Strava (or skipped) before this run is not this run's work.
    let before = new Set<string>();
    let counts: Counts = {
      total: 0,
      done: 0,
      uploaded: 0,
      processing: 0,
      duplicates: 0,
      skipped: 0,
      failed: 0,
      pending: 0,
    };
    let waiting: string | null = null;
    let resumesAt: string | null = null;
    // One grouped count in the database, not every record of the range read each second (issue 17).
    const recount = async () => {
      counts = countStates(await store.countRecordStates({ ...inRange, exceptWorkoutIds: [...before] }));
    };
    const show = (finished = false) => emit({ runId, ...counts, finished, waiting, resumesAt });
    // Recounts at most every RECOUNT_MS while the engine reports, one at a time, and at once when
    // the run changes phase (all sent: now processing at Strava; a wait begins).
    let recounting: Promise<void> | null = null;
    let again = false;
    let lastRecount = 0;
    const recountNow = (): void => {
      if (recounting) {
        again = true;
        return;
      }
      lastRecount = Date.now();
      recounting = recount()
        .then(() => show())
        .catch(() => {})
        .finally(() => {
          recounting = null;
          if (again) {
            again = false;
            recountNow();
          }
        });
    };
    let phase = '';
    show();
    try {
      before = new Set((await store.listRecords({ ...inRange, states: [...SETTLED] })).map((r) => r.workoutId));
      const summary = await syncAll(app.deps, {
        all: true,
        since: range.since,
        until: range.until,
        approvedBy: 'dashboard backfill',
        // Shutdown stops the run (and a rate-limit wait) at once; the next start resumes it.
        wait: (until) => app.clock.wait(until, signal),
        signal,
        onProgress: (p) => {
          const wasWaiting = waiting;
          waiting = p.phase === 'wait' ? "Strava's rate limit is reached" : null;
          resumesAt = p.phase === 'wait' ? (p.until ?? null) : null;
          if (waiting !== wasWaiting) show();
          if (p.phase !== phase || Date.now() - lastRecount >= RECOUNT_MS) recountNow();
          phase = p.phase;
        },
      });
      waiting = summary.stoppedBy ? `stopped: ${summary.stoppedBy}` : null;
      resumesAt = summary.stoppedBy ? null : summary.retryAt;
      if (resumesAt) waiting = "Strava's rate limit is reached; the rest goes with the next sync";
    } catch (err) {
      waiting = `stopped: ${(err as Error).message}`;
      resumesAt = null;
    }
    while (recounting) await recounting;
    await recount().catch(() => {});
    show(true);
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
