// What a source keeps about its account between runs, kept by the store:
// the region a probe found, and where a listing must reach back to for
// workouts that wait for their detail.
import { accountSettings, newAccountSettings } from '../sync/account-settings.js';
import { DESTINATION } from '../sync/deps.js';
import type { FailureCode } from '../sync/failures.js';
import type { Store } from '../sync/ports.js';

/** Remembers the Mi Fitness shard a probe found, so the next run asks it first. */
export async function rememberMiRegion(store: Store, accountId: string, region: string): Promise<void> {
  const current = await store.getAccount(accountId);
  if (!current) return;
  await store.saveAccount({
    id: current.id,
    kind: current.kind,
    label: current.label,
    settings: newAccountSettings('mi-fitness', { ...accountSettings('mi-fitness', current), region }),
  });
}

/** The earliest start among an account's workouts held with `code` (the listing reaches back to it), if any. */
export async function oldestHeld(store: Store, accountId: string, code: FailureCode): Promise<string | undefined> {
  const held = await store.listRecords({ accountId, destination: DESTINATION, states: ['failed'] });
  return held
    .filter((r) => r.code === code)
    .map((r) => r.startTime)
    .sort()[0];
}
