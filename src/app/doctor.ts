// `bandsync doctor`'s checks that need the opened application: the accounts,
// a live look at each source and at Strava, and the shared rate budget.
import { accountSettings } from '../sync/account-settings.js';
import type { DoctorDeps } from '../observability/doctor.js';
import type { AppContext } from './context.js';
import { countListed } from './source-listing.js';

export function doctorProbes(
  app: Pick<AppContext, 'store' | 'deps' | 'clock' | 'accounts' | 'budget'>,
): Pick<Required<DoctorDeps>, 'accounts' | 'probeZepp' | 'probeStrava' | 'rateBudget'> {
  return {
    accounts: () => app.store.listAccounts(),
    probeZepp: async (account) => {
      await countListed(await app.deps.sourceFor(account), { since: app.clock.now().toISOString() }, 1);
    },
    probeStrava: async () => {
      const client = await app.accounts.stravaClient();
      await client.athlete();
      const account = (await app.store.listAccounts()).find((a) => a.kind === 'strava');
      return { scopes: (account && accountSettings('strava', account).scopes) ?? [] };
    },
    rateBudget: () => app.budget.snapshot(app.clock.now()),
  };
}
