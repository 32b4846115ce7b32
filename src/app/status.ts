// What `bandsync status` shows, computed from the ports alone, so the CLI
// (database opened itself) and the daemon's local API give the same answer.
import { ruleFor } from '../sync/failures.js';
import { DESTINATION } from '../sync/deps.js';
import type { RateBudgetSnapshot, RateBudgetStore, Store } from '../sync/ports.js';
import { pendingStravaUpdates } from '../sync/activity-updates.js';

export interface StatusReport {
  readonly dataDir: string;
  readonly database: string;
  /** Set when the answer came from a running daemon instead of the database. */
  readonly via?: { readonly daemonPid: number; readonly dashboard: string };
  readonly accounts: {
    id: string;
    kind: string;
    label: string;
    status: string;
    problem: string | null;
    fix: string | null;
  }[];
  readonly workouts: Record<string, number>;
  readonly needsUser: { workoutId: string; startTime: string; code: string | null; fix: string }[];
  readonly stravaBudget: RateBudgetSnapshot;
  /** Sport changes on activities already on Strava that wait to be sent (rate limit, Strava unavailable). */
  readonly pendingStravaUpdates: { workoutId: string; notBefore: string | null; reason: string | null }[];
}

export async function buildStatusReport(
  ports: { store: Store; budget: RateBudgetStore; now: Date },
  where: { dataDir: string; database: string },
): Promise<StatusReport> {
  const accounts = await ports.store.listAccounts();
  const workouts = await ports.store.countByState(DESTINATION);
  const needsUser = await ports.store.listRecords({ destination: DESTINATION, states: ['needs_user'], limit: 50 });
  return {
    ...where,
    accounts: accounts.map((a) => ({
      id: a.id,
      kind: a.kind,
      label: a.label,
      status: a.status,
      problem: a.problem ?? null,
      fix: a.problem ? ruleFor(a.problem).explain : null,
    })),
    workouts,
    needsUser: needsUser.map((r) => ({
      workoutId: r.workoutId,
      startTime: r.startTime,
      code: r.code ?? null,
      fix: ruleFor(r.code ?? 'internal').explain,
    })),
    stravaBudget: await ports.budget.snapshot(ports.now),
    pendingStravaUpdates: await pendingUpdates(ports.store),
  };
}

/** The pending updates of this store's workouts (a store scoped to one athlete sees only theirs). */
async function pendingUpdates(store: Store): Promise<StatusReport['pendingStravaUpdates']> {
  const out: StatusReport['pendingStravaUpdates'] = [];
  for (const [workoutId, p] of Object.entries(await pendingStravaUpdates({ store })))
    if (await store.getRecord(workoutId, DESTINATION))
      out.push({ workoutId, notBefore: p.notBefore, reason: p.lastError });
  return out;
}
