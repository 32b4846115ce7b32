// The one place every fetched workout passes through before it is stored:
// its values are checked (core/workout/sanitize.ts) whatever source it came
// from (decoded files, export rows, the Zepp cloud's mapping), and its size
// against the sample budget. Refusals are the workout's own failure.
import { DEFAULT_LIMITS, overLimitMessage } from '../core/limits.js';
import { sanitizeWorkout } from '../core/workout/sanitize.js';
import { BandsyncError } from './failures.js';
import type { FetchedWorkout, Store } from './ports.js';
import type { Issue } from '../core/workout/types.js';

export function soundWorkout(
  fetched: FetchedWorkout,
  sourceId: string,
  now: Date,
  maxSamples: number = DEFAULT_LIMITS.samples,
): FetchedWorkout {
  if (fetched.workout.samples.t.length > maxSamples)
    throw new BandsyncError(
      'source_over_limit',
      overLimitMessage(sourceId, `its ${fetched.workout.samples.t.length} samples`, 'samples', maxSamples),
    );
  const checked = sanitizeWorkout(fetched.workout, { nowMs: now.getTime() });
  if (!checked.ok) throw new BandsyncError('source_file_invalid', `${sourceId}: ${checked.reason}`);
  return checked.issues.length === 0
    ? fetched
    : { workout: checked.workout, issues: [...fetched.issues, ...checked.issues] };
}

/** Each issue soundWorkout found goes into the workout's ledger, where the dashboard and `log` show it. */
export async function ledgerIssues(
  store: Pick<Store, 'appendLedger'>,
  workoutId: string,
  accountId: string,
  issues: readonly Issue[],
): Promise<void> {
  for (const issue of issues)
    await store.appendLedger({
      workoutId,
      accountId,
      event: 'issue',
      fromState: null,
      toState: null,
      reason: `${issue.code} at ${issue.path}: ${issue.detail}`,
      data: null,
    });
}
