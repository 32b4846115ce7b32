// A sync run: plan and upload every pending workout window by window, then
// confirm. When the rate budget is spent the run either hands back the time
// to resume (queue jobs reschedule themselves to it) or, given `wait`, waits
// for it (the CLI in the foreground; a simulated clock in tests and the demo).
import { inFlightHere, settledHere } from './in-flight.js';
import { MAX_ATTEMPTS, ruleFor, toBandsyncError } from './failures.js';
import { START_TOLERANCE_SECONDS, byStartTime, windows, type Decision } from './plan.js';
import type { Destination, SyncRecord } from './ports.js';
import type { SyncState } from './states.js';
import { DESTINATION, type EngineDeps, type ProgressListener } from './deps.js';
import {
  applyDecisions,
  emptyTally,
  LOST_UPLOAD_GRACE_SECONDS,
  planWindow,
  type PendingRecord,
  type WindowTally,
} from './upload-window.js';
import { confirmByListing, confirmByPolling } from './confirm.js';
import { markDestinationNeedsUser } from './destination-status.js';
import { openDiscovered } from './discover.js';
import { asBackfill, backfillOnly, inBackfill, newFirst } from './daily-reserve.js';

export interface RunOptions {
  readonly since?: string;
  /** Only workouts that started before this (ISO UTC, exclusive): a backfill of a date range. */
  readonly until?: string;
  readonly accountId?: string;
  readonly dryRun?: boolean;
  readonly onProgress?: ProgressListener;
  /** Wait until a time (rate-limit reset, processing); absent = return instead. */
  readonly wait?: (until: Date) => Promise<void>;
  readonly windowSize?: number;
  /** Shutdown (SIGTERM/SIGINT): nothing new starts after it fires; what is in flight is crash-safe. */
  readonly signal?: AbortSignal;
  /**
   * At most this many windows of history (workouts recorded before their
   * account was connected) in this run; windows of new workouts always go, and
   * first. History left over stays pending (`more`), and so does the
   * confirmation of what was sent: the run that takes the last window confirms
   * it. Unset: the whole history. Several athletes' backfills in the
   * foreground take turns with it (app/athletes.ts), as the daemon's job
   * priorities do (tasks.ts).
   */
  readonly maxHistoryWindows?: number;
}

export type PlanRow = Decision & { readonly startTime: string; readonly sport: string; readonly name: string | null };

export interface RunResult extends WindowTally {
  readonly plan: PlanRow[];
  readonly pending: number;
  /** Windows of history were left for a later run (maxHistoryWindows). */
  readonly more: boolean;
  /** Windows of history this run took. */
  readonly historyWindows: number;
}

const UPLOADABLE: SyncState[] = ['fetched', 'converted', 'uploading', 'failed'];
/** Seconds to let Strava process uploads before listing to confirm them. */
const PROCESSING_PAUSE_SECONDS = 10;
/**
 * Confirmation looks for our own uploads only, whose start Strava lists as
 * we sent it: 199 per listing in a window padded by the start tolerance, not
 * the planner's ±14 h, keeps each listing one short page (a full page of 200
 * costs a second request that comes back empty). Found by bench/sync: two
 * listings per 200 uploads pushed a 990-workout backfill into a sixth window.
 */
const CONFIRM_WINDOW = 199;
const CONFIRM_PAD_MS = START_TOLERANCE_SECONDS * 1000;

export async function runSync(deps: EngineDeps, options: RunOptions = {}): Promise<RunResult> {
  const tally = emptyTally();
  const plan: PlanRow[] = [];
  let destination: Destination;
  try {
    destination = await deps.destination();
  } catch (err) {
    const e = toBandsyncError(err);
    return {
      ...tally,
      stoppedBy: e.code,
      plan,
      pending: (await uploadable(deps, options)).length,
      more: false,
      historyWindows: 0,
    };
  }
  let more = false;
  let historyWindows = 0;
  try {
    // Whatever a crash left half-opened is planned with the rest.
    if (!options.dryRun) await openDiscovered(deps, options.accountId);
    ({ more, historyWindows } = await uploadPhase(deps, destination, options, tally, plan));
    // Uploads whose outcome a crash or lost response left unknown are held;
    // a run that can wait lets the grace pass, lists again, and resolves them.
    // A run that leaves history for a later one leaves them to it as well.
    for (
      let round = 0;
      round < 2 && !more && !options.dryRun && tally.held > 0 && options.wait && !tally.stoppedBy;
      round++
    ) {
      await waitForHeld(deps, options, options.wait);
      tally.held = 0;
      ({ more } = await uploadPhase(deps, destination, options, tally, plan));
    }
    if (!options.dryRun && !tally.stoppedBy && !more) await confirmPhase(deps, destination, options, tally);
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const e = toBandsyncError(err);
    const rule = ruleFor(e.code);
    if (e.code === 'strava_rate_limited') tally.retryAt = e.retryAt ?? null;
    else if (rule.scope === 'destination' && rule.needsUser) tally.stoppedBy = e.code;
    else throw e;
  }
  await markDestinationNeedsUser(deps, tally.stoppedBy);
  const pending = options.dryRun
    ? plan.filter((p) => p.action === 'upload').length
    : (await uploadable(deps, options)).length;
  return { ...tally, plan, pending, more, historyWindows };
}

/** How often a run waiting on held uploads looks whether another worker has resolved them. */
const HELD_CHECK_SECONDS = 5;

/**
 * Waits out the grace of the uploads this run held (in 'uploading': a lost
 * response, or another worker sending them right now, such as the daemon's
 * queue beside a dashboard backfill). It ends early once none of them is
 * still in 'uploading' as it was: the other worker's answer came, and
 * waiting the whole grace for it would only stall the run.
 */
async function waitForHeld(deps: EngineDeps, options: RunOptions, wait: NonNullable<RunOptions['wait']>) {
  const inFlight = async () =>
    new Map(
      (
        await deps.store.listRecords({
          destination: DESTINATION,
          states: ['uploading'],
          accountId: options.accountId,
          since: options.since,
          until: options.until,
          limit: 1_000_000,
        })
      ).map((r) => [r.workoutId, r.updatedAt]),
    );
  const held = await inFlight();
  const deadline = deps.clock.now().getTime() + (LOST_UPLOAD_GRACE_SECONDS + 1) * 1000;
  // One of them sent by this process keeps the wait going past the deadline until its answer is in.
  const sentHere = () => [...held.keys()].some(inFlightHere);
  while (deps.clock.now().getTime() < deadline || sentHere()) {
    options.signal?.throwIfAborted();
    await wait(new Date(Math.min(deadline, deps.clock.now().getTime() + HELD_CHECK_SECONDS * 1000)));
    // Real time for requests of this process, which a simulated clock's jump does not give them.
    await settledHere(held.keys(), HELD_CHECK_SECONDS * 1000);
    const now = await inFlight();
    if (![...held].some(([id, at]) => now.get(id) === at)) return;
  }
}

export async function uploadable(deps: EngineDeps, options: RunOptions): Promise<PendingRecord[]> {
  const now = deps.clock.now().getTime();
  const records = await deps.store.listRecords({
    destination: DESTINATION,
    states: UPLOADABLE,
    since: options.since,
    until: options.until,
    accountId: options.accountId,
    limit: 1_000_000,
  });
  const due = (r: PendingRecord) => !r.nextAttemptAt || Date.parse(r.nextAttemptAt) <= now;
  return records
    .filter((r) => {
      if (r.state === 'failed')
        return ruleFor(r.code ?? 'internal').retry !== 'never' && r.attempts < MAX_ATTEMPTS && due(r);
      if (r.state === 'uploading') return due(r);
      return true;
    })
    .sort(byStartTime);
}

/** Uploads window by window, new workouts first; says how many windows of history it took and whether any were left. */
async function uploadPhase(
  deps: EngineDeps,
  destination: Destination,
  options: RunOptions,
  tally: WindowTally,
  plan: PlanRow[],
): Promise<{ more: boolean; historyWindows: number }> {
  const records = await uploadable(deps, options);
  const { fresh, history } = await newFirst(deps, records);
  const size = options.windowSize ?? 200;
  const historyWindows = windows(history, size);
  const taken = historyWindows.slice(0, options.maxHistoryWindows ?? historyWindows.length);
  const more = taken.length < historyWindows.length;
  const total = records.length;
  let done = 0;
  const accountId = options.accountId;
  options.onProgress?.({ phase: 'upload', done, total, accountId });
  for (const w of [...windows(fresh, size), ...taken]) {
    options.signal?.throwIfAborted();
    const rows = await processWindow(deps, destination, w, tally, {
      dryRun: options.dryRun,
      wait: options.wait,
      signal: options.signal,
      onEach: () => options.onProgress?.({ phase: 'upload', done: ++done, total, accountId }),
      onWait: (until) =>
        options.onProgress?.({
          phase: 'wait',
          done,
          total,
          until,
          accountId,
          message: `Strava rate limit: resuming at ${until}`,
        }),
    });
    for (const row of rows) plan.push(row);
    if (tally.stoppedBy || (tally.retryAt && !options.wait)) break;
  }
  return { more, historyWindows: taken.length };
}

/**
 * One window: list once, plan, apply. On a spent budget it waits (given
 * `wait`) and resumes the same plan without listing again; without `wait`
 * it returns with tally.retryAt set and the rest untouched.
 */
export async function processWindow(
  deps: EngineDeps,
  destination: Destination,
  w: { after: string; before: string; items: PendingRecord[] },
  tally: WindowTally,
  options: WindowOptions,
): Promise<PlanRow[]> {
  // A window of history leaves the day's reserve for new workouts (daily-reserve.ts).
  const backfill = inBackfill() || (await backfillOnly(deps, w.items));
  return asBackfill(backfill, () => processWindowNow(deps, destination, w, tally, options));
}

interface WindowOptions {
  dryRun?: boolean;
  wait?: RunOptions['wait'];
  onEach?: () => void;
  onWait?: (until: string) => void;
  signal?: AbortSignal;
}

async function processWindowNow(
  deps: EngineDeps,
  destination: Destination,
  w: { after: string; before: string; items: PendingRecord[] },
  tally: WindowTally,
  options: WindowOptions,
): Promise<PlanRow[]> {
  const remote = await listWaiting(destination, w, options.wait, options.onWait);
  const decisions = await planWindow(deps, w.items, remote);
  if (options.dryRun) {
    return decisions.map((d) => {
      const r = w.items.find((i) => i.workoutId === d.workoutId)!;
      return { ...d, startTime: r.startTime, sport: r.sport, name: r.name };
    });
  }
  let items = w.items;
  let remaining = decisions;
  for (;;) {
    await applyDecisions(deps, destination, items, remaining, tally, options.onEach, options.signal, remote);
    if (tally.stoppedBy || !tally.retryAt || !options.wait) return [];
    options.onWait?.(tally.retryAt);
    await options.wait(new Date(tally.retryAt));
    tally.retryAt = null;
    // Resume without listing again: only decisions whose record has not moved since are still to do.
    // The rate limit's refusal puts a record back as it was (only its next attempt changes); one that
    // Strava refused in this pass has a new state, attempt count or error and is not sent again.
    const fresh = await Promise.all(items.map((i) => deps.store.getRecord(i.workoutId, DESTINATION)));
    const still = new Set(
      fresh
        .filter((r, n) => r && ['fetched', 'converted', 'failed'].includes(r.state) && unmoved(items[n]!, r))
        .map((r) => r!.workoutId),
    );
    remaining = remaining.filter((d) => d.action === 'upload' && still.has(d.workoutId));
    items = items
      .filter((i) => still.has(i.workoutId))
      .map((i) => ({ ...i, ...fresh.find((f) => f?.workoutId === i.workoutId)! }));
    if (remaining.length === 0) return [];
  }
}

/** Whether a record is as this pass found it: what an upload attempt changes, the rate limit's refusal does not. */
const unmoved = (before: PendingRecord, now: SyncRecord): boolean =>
  now.state === before.state &&
  now.attempts === before.attempts &&
  now.code === before.code &&
  now.lastError === before.lastError;

async function confirmPhase(
  deps: EngineDeps,
  destination: Destination,
  options: RunOptions,
  tally: WindowTally,
): Promise<void> {
  for (let round = 0; round < 4; round++) {
    const processing = (
      await deps.store.listRecords({
        destination: DESTINATION,
        // What was sent is confirmed whatever the run's range: it was approved when it was sent.
        states: ['processing'],
        accountId: options.accountId,
        limit: 1_000_000,
      })
    ).sort(byStartTime);
    if (processing.length === 0) return;
    options.onProgress?.({ phase: 'confirm', done: 0, total: processing.length });
    if (options.wait) await options.wait(new Date(deps.clock.now().getTime() + PROCESSING_PAUSE_SECONDS * 1000));
    let left = 0,
      checked = 0;
    for (const w of windows(processing, Math.min(options.windowSize ?? 200, CONFIRM_WINDOW), CONFIRM_PAD_MS)) {
      options.signal?.throwIfAborted();
      left += await confirmWindow(deps, destination, w, tally, round >= 2, options.wait);
      checked += w.items.length;
      options.onProgress?.({ phase: 'confirm', done: checked - left, total: processing.length });
    }
    if (left === 0 || !options.wait) return;
  }
}

/** Resolves a window of processing uploads; returns how many are still processing. */
export async function confirmWindow(
  deps: EngineDeps,
  destination: Destination,
  w: { after: string; before: string; items: PendingRecord[] },
  tally: WindowTally,
  pollLeftovers: boolean,
  wait?: RunOptions['wait'],
): Promise<number> {
  // Confirming history is backfill too: its listings leave the day's reserve to new workouts.
  const backfill = inBackfill() || (await backfillOnly(deps, w.items));
  return asBackfill(backfill, () => confirmWindowNow(deps, destination, w, tally, pollLeftovers, wait));
}

async function confirmWindowNow(
  deps: EngineDeps,
  destination: Destination,
  w: { after: string; before: string; items: PendingRecord[] },
  tally: WindowTally,
  pollLeftovers: boolean,
  wait?: RunOptions['wait'],
): Promise<number> {
  const remote = await listWaiting(destination, w, wait);
  const unresolved = await confirmByListing(deps, w.items, remote, tally);
  // Listing again later is cheaper than polling each upload; poll only when told to.
  return pollLeftovers ? confirmByPolling(deps, destination, unresolved, tally) : unresolved.length;
}

/** Lists a window; a spent budget is waited out when the caller can wait, else it propagates (the job reschedules). */
async function listWaiting(
  destination: Destination,
  w: { after: string; before: string },
  wait?: RunOptions['wait'],
  onWait?: (until: string) => void,
) {
  for (;;) {
    try {
      return await destination.listActivities({ after: w.after, before: w.before });
    } catch (err) {
      const e = toBandsyncError(err);
      if (e.code !== 'strava_rate_limited' || !wait || !e.retryAt) throw e;
      onWait?.(e.retryAt);
      await wait(new Date(e.retryAt));
    }
  }
}
