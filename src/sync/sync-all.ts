// The whole job behind `bandsync sync`, the daemon's poll and the demo:
// read every connected source, then upload what is pending. Without `all`
// (or `since`) only workouts recorded after an account was connected, or
// history a backfill approved before, are uploaded: history goes to Strava
// only when the user asks for a backfill, because Strava has no delete API.
// The approval is stored (approval.ts), so every process applies it.
import { discover, type DiscoverResult } from './discover.js';
import { runSync, type RunOptions, type RunResult } from './run.js';
import type { EngineDeps, ProgressListener } from './deps.js';
import { toBandsyncError } from './failures.js';
import { applyPendingStravaUpdates } from './activity-updates.js';
import { approveHistory, uploadFloor } from './approval.js';

export interface SyncAllOptions {
  readonly all?: boolean;
  readonly since?: string;
  /** Only workouts that started before this (ISO UTC, exclusive). */
  readonly until?: string;
  readonly dryRun?: boolean;
  readonly accountId?: string;
  readonly onProgress?: ProgressListener;
  readonly wait?: RunOptions['wait'];
  readonly skipDiscovery?: boolean;
  /** Who asked for the backfill (the ledger says so): default the CLI's flags. */
  readonly approvedBy?: string;
  /** Shutdown: discovery and uploads stop; the next run resumes (crash-safe states). */
  readonly signal?: AbortSignal;
  /**
   * At most this many windows of history over all accounts, in their order
   * (run.ts maxHistoryWindows); the summary's `more` says whether any were left.
   */
  readonly maxHistoryWindows?: number;
  /** Workouts per upload window (default 200, Strava's page of a listing). */
  readonly windowSize?: number;
}

export interface SyncSummary {
  readonly sourceWorkouts: number;
  readonly newWorkouts: number;
  readonly uploaded: number;
  readonly duplicates: number;
  readonly skipped: number;
  readonly failed: number;
  readonly needsUser: number;
  readonly pending: number;
  readonly held: number;
  readonly retryAt: string | null;
  readonly stoppedBy: string | null;
  readonly accounts: { id: string; kind: string; discovery: DiscoverResult | null; problem: string | null }[];
  readonly plan: RunResult['plan'];
  /** Given maxHistoryWindows: windows of history were left for a later run. */
  readonly more?: boolean;
}

export const SOURCE_KINDS = new Set([
  'zepp-cloud',
  'zepp-export',
  'gadgetbridge',
  'files',
  'mi-fitness',
  'mi-fitness-export',
]);

export async function syncAll(deps: EngineDeps, options: SyncAllOptions = {}): Promise<SyncSummary> {
  const accounts = (await deps.store.listAccounts()).filter(
    (a) => SOURCE_KINDS.has(a.kind) && (!options.accountId || a.id === options.accountId),
  );
  const report: SyncSummary['accounts'] = [];
  let sourceWorkouts = 0,
    newWorkouts = 0,
    unreadable = 0,
    damaged = 0;
  for (const account of accounts) {
    if (options.skipDiscovery) {
      report.push({ id: account.id, kind: account.kind, discovery: null, problem: account.problem });
      continue;
    }
    let discovery: DiscoverResult;
    try {
      discovery = await discover(deps, account, { onProgress: options.onProgress, signal: options.signal });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      // One account's source being down (a retryable error) must not stop the other accounts.
      const e = toBandsyncError(err);
      deps.logger.warn('account skipped this run', { account: account.id, code: e.code, reason: e.message });
      report.push({ id: account.id, kind: account.kind, discovery: null, problem: e.code });
      continue;
    }
    sourceWorkouts += discovery.listed;
    newWorkouts += discovery.stored;
    // A workout held for the person (over a limit, a zip's password) counts as needing them, not as failed.
    unreadable += discovery.failed - (discovery.heldForUser ?? 0);
    damaged += (discovery.heldDamaged ?? 0) + (discovery.heldForUser ?? 0);
    report.push({ id: account.id, kind: account.kind, discovery, problem: discovery.stoppedBy });
  }
  // Workouts the source could not read are failed(source_file_invalid) and never planned, so the run does not count them.
  // Workouts held because their file is damaged wait for the user: they count as needing you.
  const totals = {
    uploaded: 0,
    duplicates: 0,
    skipped: 0,
    failed: unreadable,
    needsUser: damaged,
    pending: 0,
    held: 0,
  };
  let retryAt: string | null = null,
    stoppedBy: string | null = null;
  const plan: RunResult['plan'] = [];
  const backfill = !!options.all || !!options.since;
  let windowsLeft = options.maxHistoryWindows;
  let more = false;
  for (const account of accounts) {
    if (backfill && !options.dryRun)
      await approveHistory(
        deps,
        account,
        options.since ?? null,
        options.approvedBy ?? (options.since ? `sync --since ${options.since}` : 'sync --all'),
      );
    const r = await runSync(deps, {
      since: backfill ? options.since : await uploadFloor(deps.store, account),
      until: options.until,
      accountId: account.id,
      dryRun: options.dryRun,
      onProgress: options.onProgress,
      wait: options.wait,
      signal: options.signal,
      maxHistoryWindows: windowsLeft,
      windowSize: options.windowSize,
    });
    if (windowsLeft !== undefined) {
      // What this account's history took is not the next accounts' to take.
      more ||= r.more;
      windowsLeft = Math.max(0, windowsLeft - r.historyWindows);
    }
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
    for (const row of r.plan) plan.push(row);
    retryAt ??= r.retryAt;
    stoppedBy ??= r.stoppedBy;
    if (r.stoppedBy) break;
  }
  // Sport changes on activities already on Strava that could not be sent when they were made.
  if (!options.dryRun) await applyPendingUpdates(deps);
  return {
    sourceWorkouts,
    newWorkouts,
    ...totals,
    retryAt,
    stoppedBy,
    accounts: report,
    plan,
    ...(options.maxHistoryWindows !== undefined ? { more } : {}),
  };
}

/** Sends pending Strava activity updates; a failure here is logged, not the run's failure (they stay pending). */
export async function applyPendingUpdates(deps: EngineDeps): Promise<void> {
  try {
    const { updated, pending } = await applyPendingStravaUpdates(deps);
    if (updated || pending) deps.logger.info('pending Strava activity updates', { updated, pending });
  } catch (err) {
    deps.logger.warn('pending Strava activity updates not sent', { error: (err as Error).message });
  }
}
