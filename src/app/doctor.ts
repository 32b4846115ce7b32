// `bandsync doctor`'s checks that need the opened application: the accounts,
// a live look at each source and at Strava, and the shared rate budget.
import { accountSettings } from '../sync/account-settings.js';
import type { DoctorDeps } from '../observability/doctor.js';
import type { AppContext } from './context.js';
import { countListed } from './source-listing.js';
import { invariantReport } from '../sync/invariant-report.js';

export function doctorProbes(
  app: Pick<AppContext, 'store' | 'deps' | 'clock' | 'accounts' | 'budget'>,
): Pick<
  Required<DoctorDeps>,
  'accounts' | 'probeSource' | 'probeStrava' | 'probeStravaListing' | 'rateBudget' | 'workouts'
> {
  return {
    workouts: () => invariantReport(app.store),
    accounts: () => app.store.listAccounts(),
    probeSource: async (account) => {
      await countListed(await app.deps.sourceFor(account), { since: app.clock.now().toISOString() }, 1);
    },
    probeStrava: async () => {
      const client = await app.accounts.stravaClient();
      await client.athlete();
      const account = (await app.store.listAccounts()).find((a) => a.kind === 'strava');
      // null: nobody recorded them (a refresh-token connection); the doctor then probes with a listing.
      return { scopes: (account && accountSettings('strava', account).scopes) ?? null };
    },
    probeStravaListing: async () => {
      // One request: a day's listing is one short page.
      const client = await app.accounts.stravaClient();
      const now = app.clock.now().getTime();
      await client.listActivities({ after: new Date(now - 86_400_000).toISOString() });
    },
    rateBudget: () => app.budget.snapshot(app.clock.now()),
  };
}
