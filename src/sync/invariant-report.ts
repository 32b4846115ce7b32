// The invariant checked over the whole store (issue 12 item 1): counts that
// follow it (a failure that waits for the person counts as "needs you"),
// what waits for the person, and what is stuck. Used by status, doctor and
// the dashboard.
import { uploadFloor } from './approval.js';
import { ruleFor } from './failures.js';
import { standing, type Standing } from './invariant.js';
import type { Account, ListedRecord, Store } from './ports.js';
import { SYNC_STATES, type SyncState } from './states.js';
import { DESTINATION } from './deps.js';

export interface StuckWorkout {
  readonly workoutId: string;
  readonly startTime: string;
  readonly state: SyncState;
  readonly code: string | null;
  readonly reason: string;
  readonly fix: string;
}

export interface InvariantReport {
  /** Workouts per state as the person should read them: a failure that waits for them is under needs_user. */
  readonly byState: Record<string, number>;
  readonly standing: { done: number; scheduled: number; needsUser: number; stuck: number };
  /** Workouts recorded before their account's upload floor, waiting for a backfill (part of needsUser). */
  readonly waitingForBackfill: number;
  readonly stuck: StuckWorkout[];
}

/** The state a record is counted under. */
export function shownState(record: { state: SyncState; code: string | null }): SyncState {
  return record.state === 'failed' && ruleFor(record.code ?? 'internal').needsUser ? 'needs_user' : record.state;
}

/** Workouts per state as shown (cheap: only failed records are read one by one). */
export async function shownCounts(store: Store): Promise<Record<string, number>> {
  const counts = await store.countByState(DESTINATION);
  if (!counts.failed) return counts;
  for (const r of await store.listRecords({ destination: DESTINATION, states: ['failed'] })) {
    if (shownState(r) !== 'needs_user') continue;
    counts.failed--;
    counts.needs_user = (counts.needs_user ?? 0) + 1;
  }
  if (counts.failed === 0) delete counts.failed;
  return counts;
}

const OPEN_STATES = SYNC_STATES.filter((s) => s !== 'synced' && s !== 'duplicate');

export async function invariantReport(store: Store): Promise<InvariantReport> {
  const byState: Record<string, number> = {};
  const raw = await store.countByState(DESTINATION);
  for (const s of ['synced', 'duplicate'] as const) if (raw[s]) byState[s] = raw[s];
  const count = { done: (raw.synced ?? 0) + (raw.duplicate ?? 0), scheduled: 0, needsUser: 0, stuck: 0 };
  const records = await store.listRecords({ destination: DESTINATION, states: OPEN_STATES });
  const accounts = new Map<string, Account>((await store.listAccounts()).map((a) => [a.id, a]));
  const floors = new Map<string, string | undefined>();
  for (const a of accounts.values()) floors.set(a.id, await uploadFloor(store, a));
  const stuck: StuckWorkout[] = [];
  let waitingForBackfill = 0;
  for (const r of records) {
    const shown = shownState(r);
    byState[shown] = (byState[shown] ?? 0) + 1;
    const s = standingOf(r, accounts, floors);
    if (s.kind === 'done') count.done++;
    else if (s.kind === 'scheduled') count.scheduled++;
    else if (s.kind === 'needs_user') {
      count.needsUser++;
      if (s.code === 'backfill') waitingForBackfill++;
    } else {
      count.stuck++;
      stuck.push({
        workoutId: r.workoutId,
        startTime: r.startTime,
        state: r.state,
        code: r.code,
        reason: s.reason,
        fix: s.fix,
      });
    }
  }
  return { byState, standing: count, waitingForBackfill, stuck };
}

export function standingOf(
  r: ListedRecord,
  accounts: ReadonlyMap<string, Account>,
  floors: ReadonlyMap<string, string | undefined>,
): Standing {
  return standing(r, { floor: floors.get(r.accountId), accountExists: accounts.has(r.accountId) });
}
