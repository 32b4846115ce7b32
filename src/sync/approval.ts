// What history is approved for upload (issue 12 item 2), kept in the
// database so every process — the daemon, `bandsync worker` on any machine,
// the CLI, the dashboard — applies the same decision. Without an approval an
// account uploads what started after it was connected (Strava has no delete
// API); a backfill (`sync --all`, `--since`, `daemon --all`, the dashboard's
// Backfill) widens it, and an approval is never narrowed by a later run.
import type { Account, Clock, Store } from './ports.js';

export interface HistoryApproval {
  /** Workouts starting at or after this time are approved; null: the whole history. */
  readonly since: string | null;
  readonly at: string;
  /** What approved it (e.g. "sync --all", "dashboard backfill"). */
  readonly by: string;
}

const key = (accountId: string) => `upload-approval:${accountId}`;

function isApproval(v: unknown): v is HistoryApproval {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (o.since === null || typeof o.since === 'string') && typeof o.at === 'string' && typeof o.by === 'string';
}

export async function historyApproval(store: Store, accountId: string): Promise<HistoryApproval | null> {
  const value = await store.getSetting<unknown>(key(accountId));
  return isApproval(value) ? value : null;
}

/** The earliest start uploaded for this account; undefined: no floor (the whole history). */
export async function uploadFloor(store: Store, account: Account): Promise<string | undefined> {
  const approval = await historyApproval(store, account.id);
  if (approval && approval.since === null) return undefined;
  const connectedAt = typeof account.settings.connectedAt === 'string' ? account.settings.connectedAt : undefined;
  if (!connectedAt) return undefined;
  if (approval?.since && approval.since < connectedAt) return approval.since;
  return connectedAt;
}

/**
 * Records that this account's history from `since` (null: all of it) may be
 * uploaded. Widens only; recorded in the ledger. Returns whether it changed.
 */
export async function approveHistory(
  deps: { store: Store; clock: Clock },
  account: Account,
  since: string | null,
  by: string,
): Promise<boolean> {
  return deps.store.withLock(`upload-approval:${account.id}`, async () => {
    const current = await historyApproval(deps.store, account.id);
    if (current && (current.since === null || (since !== null && current.since <= since))) return false;
    const floor = await uploadFloor(deps.store, account);
    if (since !== null && floor !== undefined && floor <= since && !current) return false;
    const approval: HistoryApproval = { since, at: deps.clock.now().toISOString(), by };
    await deps.store.setSetting(key(account.id), approval);
    await deps.store.appendLedger({
      workoutId: null,
      accountId: account.id,
      event: 'history_approved',
      fromState: null,
      toState: null,
      reason: `${by}: ${since === null ? 'the whole history' : `workouts from ${since}`} of ${account.label} may be uploaded`,
      data: { since },
    });
    return true;
  });
}
