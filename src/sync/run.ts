// A sync run: plan and upload every pending workout window by window, then
// confirm. When the rate budget is spent the run either hands back the time
// to resume (queue jobs reschedule themselves to it) or, given `wait`, waits
// for it (the CLI in the foreground; a simulated clock in tests and the demo).
import { MAX_ATTEMPTS, ruleFor, toBandsyncError } from './failures.js';
import { windows, type Decision } from './plan.js';
import type { Destination } from './ports.js';
import type { SyncState } from './states.js';
import { DESTINATION, type EngineDeps, type ProgressListener } from './deps.js';
import { applyDecisions, emptyTally, planWindow, type PendingRecord, type WindowTally } from './upload-window.js';
import { confirmByListing, confirmByPolling } from './confirm.js';

export interface RunOptions {
  readonly since?: string;
  readonly accountId?: string;
  readonly dryRun?: boolean;
  readonly onProgress?: ProgressListener;
  /** Wait until a time (rate-limit reset, processing); absent = return instead. */
  readonly wait?: (until: Date) => Promise<void>;
  readonly windowSize?: number;
}

export type PlanRow = Decision & { readonly startTime: string; readonly sport: string; readonly name: string | null };

export interface RunResult extends WindowTally {
  readonly plan: PlanRow[];
  readonly pending: number;
}

const UPLOADABLE: SyncState[] = ['fetched', 'converted', 'uploading', 'failed'];
/** Seconds to let Strava process uploads before listing to confirm them. */
const PROCESSING_PAUSE_SECONDS = 10;

export async function runSync(deps: EngineDeps, options: RunOptions = {}): Promise<RunResult> {
  const tally = emptyTally();
  const plan: PlanRow[] = [];
  let destination: Destination;
  try {
    destination = await deps.destination();
  } catch (err) {
    const e = toBandsyncError(err);
    return { ...tally, stoppedBy: e.code, plan, pending: (await uploadable(deps, options)).length };
  }
  try {
    await uploadPhase(deps, destination, options, tally, plan);
    if (!options.dryRun && !tally.stoppedBy) await confirmPhase(deps, destination, options, tally);
  } catch (err) {
    const e = toBandsyncError(err);
    const rule = ruleFor(e.code);
    if (e.code === 'strava_rate_limited') tally.retryAt = e.retryAt ?? null;
    else if (rule.scope === 'destination' && rule.needsUser) tally.stoppedBy = e.code;
    else throw e;
  }
  const pending = options.dryRun ? plan.filter((p) => p.action === 'upload').length : (await uploadable(deps, options)).length;
  return { ...tally, plan, pending };
}

async function uploadable(deps: EngineDeps, options: RunOptions): Promise<PendingRecord[]> {
  const now = deps.clock.now().getTime();
  const records = await deps.store.listRecords({ destination: DESTINATION, states: UPLOADABLE, since: options.since, accountId: options.accountId, limit: 1_000_000 });
  const due = (r: PendingRecord) => !r.nextAttemptAt || Date.parse(r.nextAttemptAt) <= now;
  return records
    .filter((r) => {
      if (r.state === 'failed') return ruleFor(r.code ?? 'internal').retry !== 'never' && r.attempts < MAX_ATTEMPTS && due(r);
      if (r.state === 'uploading') return due(r);
      return true;
    })
    .sort((a, b) => a.startTime.localeCompare(b.startTime));
}

async function uploadPhase(deps: EngineDeps, destination: Destination, options: RunOptions, tally: WindowTally, plan: PlanRow[]): Promise<void> {
  const records = await uploadable(deps, options);
  const total = records.length;
  let done = 0;
  options.onProgress?.({ phase: 'upload', done, total });
  for (const w of windows(records, options.windowSize ?? 200)) {
    const remote = await destination.listActivities({ after: w.after, before: w.before });
    const decisions = await planWindow(deps, w.items, remote);
    if (options.dryRun) {
      for (const d of decisions) {
        const r = w.items.find((i) => i.workoutId === d.workoutId)!;
        plan.push({ ...d, startTime: r.startTime, sport: r.sport, name: r.name });
      }
      continue;
    }
    let remaining = decisions;
    for (;;) {
      await applyDecisions(deps, destination, w.items.filter((i) => remaining.some((d) => d.workoutId === i.workoutId)), remaining, tally, () => {
        options.onProgress?.({ phase: 'upload', done: ++done, total });
      });
      if (tally.stoppedBy || !tally.retryAt) break;
      if (!options.wait) return;
      options.onProgress?.({ phase: 'wait', done, total, message: `Strava rate limit: resuming at ${tally.retryAt}` });
      await options.wait(new Date(tally.retryAt));
      tally.retryAt = null;
      // Resume the same window without listing again: only decisions whose
      // record has not moved since are still to do.
      const fresh = await deps.store.listRecords({ destination: DESTINATION, states: ['fetched', 'converted', 'failed'], since: w.items[0]!.startTime, limit: 1_000_000 });
      const still = new Map(fresh.map((r) => [r.workoutId, r]));
      w.items.splice(0, w.items.length, ...w.items.map((i) => still.get(i.workoutId)).filter((r): r is PendingRecord => !!r));
      remaining = remaining.filter((d) => d.action === 'upload' && still.has(d.workoutId));
      if (remaining.length === 0) break;
    }
    if (tally.stoppedBy) return;
  }
}

async function confirmPhase(deps: EngineDeps, destination: Destination, options: RunOptions, tally: WindowTally): Promise<void> {
  for (let round = 0; round < 4; round++) {
    const processing = (await deps.store.listRecords({ destination: DESTINATION, states: ['processing'], since: options.since, accountId: options.accountId, limit: 1_000_000 }))
      .sort((a, b) => a.startTime.localeCompare(b.startTime));
    if (processing.length === 0) return;
    options.onProgress?.({ phase: 'confirm', done: 0, total: processing.length });
    if (options.wait) await options.wait(new Date(deps.clock.now().getTime() + PROCESSING_PAUSE_SECONDS * 1000));
    let left = 0;
    for (const w of windows(processing, options.windowSize ?? 200)) {
      const remote = await destination.listActivities({ after: w.after, before: w.before });
      const unresolved = await confirmByListing(deps, w.items, remote, tally);
      // Listing again later is cheaper than polling each upload; poll only on the last round.
      left += round < 2 ? unresolved.length : await confirmByPolling(deps, destination, unresolved, tally);
    }
    if (left === 0 || !options.wait) return;
  }
}
