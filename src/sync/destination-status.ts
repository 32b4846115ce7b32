// Strava access the user must restore (revoked in Strava's settings, a scope
// unticked) is kept on the Strava account, so `status` and the dashboard show
// it with the fix, and no run or worker keeps knocking on Strava with a dead
// token until the user reconnects (reconnecting sets the account back to ok).
import { ruleFor } from './failures.js';
import type { EngineDeps } from './deps.js';

const ACCOUNT_PROBLEMS = new Set(['strava_auth_revoked', 'strava_scope_missing']);

/** `how`: how bandsync learnt it, put before the fix in the ledger (e.g. Strava's deauthorization event). */
export async function markDestinationNeedsUser(
  deps: Pick<EngineDeps, 'store' | 'logger'>,
  code: string | null,
  how?: string,
): Promise<void> {
  if (!code || !ACCOUNT_PROBLEMS.has(code)) return;
  const account = (await deps.store.listAccounts()).find((a) => a.kind === 'strava');
  if (!account || (account.status === 'needs_user' && account.problem === code)) return;
  await deps.store.setAccountStatus(account.id, 'needs_user', code);
  await deps.store.appendLedger({
    workoutId: null,
    accountId: account.id,
    event: 'needs_user',
    fromState: null,
    toState: null,
    reason: `${code}: ${how ? `${how}. ` : ''}${ruleFor(code).explain}`,
    data: null,
  });
  deps.logger.warn('Strava needs the user', { code, ...(how ? { how } : {}) });
}
