// What `bandsync status` shows, computed from the ports alone, so the CLI
// (database opened itself) and the daemon's local API give the same answer.
import { ruleFor } from '../sync/failures.js';
import { DESTINATION } from '../sync/deps.js';
import type { RateBudgetSnapshot, RateBudgetStore, Store } from '../sync/ports.js';
import { pendingStravaUpdates } from '../sync/activity-updates.js';
import { invariantReport, type InvariantReport, type StuckWorkout } from '../sync/invariant-report.js';

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
  /** Workouts per state as the person reads them: a failure that waits for them counts under needs_user. */
  readonly workouts: Record<string, number>;
  /** Every workout is done, scheduled (the engine moves it), waiting for you, or stuck (a bug: see `stuck`). */
  readonly standing: InvariantReport['standing'];
  /** Workouts recorded before their account was connected, waiting for a backfill (counted in standing.needsUser). */
  readonly waitingForBackfill: number;
  readonly needsUser: { workoutId: string; startTime: string; code: string | null; fix: string }[];
  readonly stuck: StuckWorkout[];
  readonly stravaBudget: RateBudgetSnapshot;
  /** Sport changes on activities already on Strava that wait to be sent (rate limit, Strava unavailable). */
  readonly pendingStravaUpdates: { workoutId: string; notBefore: string | null; reason: string | null }[];
}

export async function buildStatusReport(
  ports: { store: Store; budget: RateBudgetStore; now: Date },
  where: { dataDir: string; database: string },
): Promise<StatusReport> {
  const accounts = await ports.store.listAccounts();
  const report = await invariantReport(ports.store);
  // A failure whose code waits for the person (a held file, a zip's password) is theirs to act on too.
  const needsUser = (
    await ports.store.listRecords({ destination: DESTINATION, states: ['needs_user', 'failed'], limit: 200 })
  )
    .filter((r) => r.state === 'needs_user' || ruleFor(r.code ?? 'internal').needsUser)
    .slice(0, 50);
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
    workouts: report.byState,
    standing: report.standing,
    waitingForBackfill: report.waitingForBackfill,
    stuck: report.stuck,
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
