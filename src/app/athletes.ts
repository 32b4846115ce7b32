// Several athletes on one instance (issue 18): add, list and remove them, and
// the runs that cover every athlete (sync, status) when none is named.
import type { Account, Athlete, Athletes, Store } from '../sync/ports.js';
import { DESTINATION } from '../sync/deps.js';
import type { AppContext } from './context.js';
import { syncNow, type SyncRunSummary } from './sync.js';

export interface AthletesApp {
  readonly athletes: Athletes;
  forAthlete(athlete: Athlete): Promise<AppContext>;
}

export interface AthleteOverview {
  readonly name: string;
  readonly id: string;
  readonly stravaAthleteId: string | null;
  readonly accounts: Account[];
  readonly workouts: Record<string, number>;
}

/** The instance-wide setting naming the athlete the dashboard's administrator is. */
const ADMINISTRATOR = 'administrator-athlete';

/**
 * The athlete the dashboard's administrator is: they see that athlete's
 * Strava data, and of every other athlete the band's data only (Strava's API
 * agreement). The one set with `athlete admin NAME`, else the first athlete
 * (on an upgraded instance, the one migration 0003 made); null when none yet.
 */
export async function administratorAthlete(app: { store: Store; athletes: Athletes }): Promise<Athlete | null> {
  const all = await app.athletes.list();
  const set = await app.store.getSetting<string>(ADMINISTRATOR);
  return all.find((a) => a.id === set) ?? all[0] ?? null;
}

export async function setAdministratorAthlete(
  app: { store: Store; athletes: Athletes },
  name: string,
): Promise<Athlete> {
  const athlete = await app.athletes.byName(name);
  if (!athlete) throw new Error(`no athlete named ${JSON.stringify(name)} (bandsync athlete list)`);
  await app.store.setSetting(ADMINISTRATOR, athlete.id);
  return athlete;
}

export async function athleteOverviews(app: Pick<AthletesApp, 'athletes'>): Promise<AthleteOverview[]> {
  const out: AthleteOverview[] = [];
  for (const a of await app.athletes.list()) {
    const store = app.athletes.scoped(a.id);
    out.push({
      name: a.name,
      id: a.id,
      stravaAthleteId: a.stravaAthleteId,
      accounts: await store.listAccounts(),
      workouts: await store.countByState(DESTINATION),
    });
  }
  return out;
}

/**
 * Removes an athlete and everything of theirs. Their Strava access is revoked
 * first (Strava's deauthorize), as `disconnect strava` does; the rows go
 * whatever Strava answers.
 */
export async function removeAthlete(app: AthletesApp, name: string): Promise<{ revoked: boolean }> {
  const athlete = (await app.athletes.list()).find((a) => a.name === name);
  if (!athlete) throw new Error(`no athlete named ${JSON.stringify(name)} (bandsync athlete list)`);
  const context = await app.forAthlete(athlete);
  const strava = (await context.store.listAccounts()).find((a) => a.kind === 'strava');
  if (strava) await context.accounts.disconnect(strava.id);
  await app.athletes.remove(athlete.id);
  return { revoked: Boolean(strava) };
}

export type AthleteSyncSummary = SyncRunSummary & { readonly athlete: string };

/**
 * `bandsync sync` for every athlete: first every athlete's new workouts
 * (recorded since their accounts were connected), then, when a backfill was
 * asked for, each athlete's history, so no one's backfill holds up another's
 * new workout.
 */
export async function syncEveryAthlete(
  app: AthletesApp,
  options: Parameters<typeof syncNow>[1],
): Promise<AthleteSyncSummary[]> {
  const contexts: { athlete: Athlete; context: AppContext }[] = [];
  for (const athlete of await app.athletes.list()) contexts.push({ athlete, context: await app.forAthlete(athlete) });
  const backfill = Boolean(options.all || options.since);
  // A dry run changes nothing, so one plan per athlete says it all.
  if (options.dryRun) {
    const out: AthleteSyncSummary[] = [];
    for (const { athlete, context } of contexts)
      out.push({ ...(await syncNow(context, options)), athlete: athlete.name });
    return out;
  }
  const first = new Map<string, SyncRunSummary>();
  for (const { athlete, context } of contexts)
    first.set(athlete.id, await syncNow(context, { ...options, all: false, since: undefined }));
  const out: AthleteSyncSummary[] = [];
  for (const { athlete, context } of contexts) {
    const news = first.get(athlete.id)!;
    if (!backfill || news.stoppedBy) {
      out.push({ ...news, athlete: athlete.name });
      continue;
    }
    const history = await syncNow(context, { ...options, skipDiscovery: true });
    out.push({ ...addSummaries(news, history), athlete: athlete.name });
  }
  return out;
}

function addSummaries(a: SyncRunSummary, b: SyncRunSummary): SyncRunSummary {
  return {
    ...a,
    uploaded: a.uploaded + b.uploaded,
    duplicates: a.duplicates + b.duplicates,
    skipped: a.skipped + b.skipped,
    failed: a.failed + b.failed,
    needsUser: a.needsUser + b.needsUser,
    pending: b.pending,
    held: b.held,
    retryAt: b.retryAt ?? a.retryAt,
    stoppedBy: b.stoppedBy ?? a.stoppedBy,
    plan: [...a.plan, ...b.plan],
    stravaRequests: a.stravaRequests + b.stravaRequests,
  };
}
