// What `bandsync status` shows, computed from the ports alone, so the CLI
// (database opened itself) and the daemon's local API give the same answer.
import { ruleFor } from '../sync/failures.js';
import { DESTINATION } from '../sync/deps.js';
import type { RateBudgetSnapshot, RateBudgetStore, Store } from '../sync/ports.js';

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
  };
}
