// Several athletes on one instance (issue 18): add, list and remove them, and
// the runs that cover every athlete (sync, status) when none is named.
import type { Account, Athlete, Athletes, Store } from '../sync/ports.js';
import { DESTINATION, type ProgressListener } from '../sync/deps.js';
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
 * Windows of history an athlete's backfill takes per turn in the foreground:
 * one, as the daemon's job priorities give each athlete's backfill one window
 * per turn (sync/tasks.ts NEW_WORKOUTS_PRIORITY).
 */
export const HISTORY_WINDOWS_PER_TURN = 1;

/**
 * `bandsync sync` for every athlete: first every athlete's new workouts
 * (recorded since their accounts were connected); then, when a backfill was
 * asked for, the histories take turns a window at a time (the daemon's notion
 * of fairness, sync/tasks.ts), so no one's backfill holds up another's new
 * workout, and a long history does not leave another athlete's waiting until
 * it is done. New workouts found meanwhile go first in their athlete's turn.
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
  const progress = combinedProgress(options.onProgress);
  const runs = new Map<string, SyncRunSummary>();
  // Everyone's new workouts (history already approved by an earlier backfill waits for the turns below).
  for (const { athlete, context } of contexts)
    runs.set(
      athlete.id,
      await syncNow(context, {
        ...options,
        all: false,
        since: undefined,
        onProgress: progress.of(athlete.id),
        ...(backfill ? { maxHistoryWindows: 0 } : {}),
      }),
    );
  if (backfill) {
    // The histories in turns, until every one is done or stopped.
    let turn = contexts.filter(({ athlete }) => !runs.get(athlete.id)!.stoppedBy);
    while (turn.length > 0) {
      const next: typeof turn = [];
      for (const entry of turn) {
        const { athlete, context } = entry;
        const history = await syncNow(context, {
          ...options,
          skipDiscovery: true,
          onProgress: progress.of(athlete.id),
          maxHistoryWindows: HISTORY_WINDOWS_PER_TURN,
        });
        runs.set(athlete.id, addSummaries(runs.get(athlete.id)!, history));
        if (history.more && !history.stoppedBy) next.push(entry);
      }
      turn = next;
    }
  }
  return contexts.map(({ athlete }) => {
    const { more: _more, ...summary } = runs.get(athlete.id)!;
    return { ...summary, athlete: athlete.name };
  });
}

/**
 * One upload progress over every athlete's turns: each turn's run of an
 * account counts from zero over what that account has left, so the view is
 * given the sum over every athlete's accounts of done and total as of their
 * last word (what earlier turns sent stays counted), not a count that starts
 * again at each turn.
 */
function combinedProgress(listener: ProgressListener | undefined) {
  const sent = new Map<string, number>();
  const latest = new Map<string, { done: number; total: number }>();
  return {
    of(athleteId: string): ProgressListener | undefined {
      if (!listener) return undefined;
      return (p) => {
        if (p.phase !== 'upload' && p.phase !== 'wait') return listener(p);
        const key = `${athleteId}\n${p.accountId ?? ''}`;
        const before = latest.get(key);
        // A new run starts from 0: what the last one sent is kept.
        if (p.phase === 'upload' && p.done === 0 && before) sent.set(key, (sent.get(key) ?? 0) + before.done);
        latest.set(key, { done: p.done, total: p.total });
        let done = 0,
          total = 0;
        for (const [id, l] of latest) {
          done += (sent.get(id) ?? 0) + l.done;
          total += (sent.get(id) ?? 0) + l.total;
        }
        listener({ ...p, done, total });
      };
    },
  };
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
    ...(b.more !== undefined ? { more: b.more } : {}),
  };
}
