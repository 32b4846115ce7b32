// Per-request athlete view (issue 18): with two or more athletes every page
// reads and acts through one athlete's store and engine, chosen from the
// session by scopeOf (athlete-scope.ts). A workout, file or ledger row of
// another athlete is simply not in that store, so its page is a 404.
import type { Hono, MiddlewareHandler } from 'hono';
import { scopeOf } from './athlete-scope.js';
import type { AthleteRef, AthleteView, ServerDeps } from './deps.js';
import { safeNext, type AppEnv } from './security.js';
import type { Session, SessionStore } from './sessions.js';
import { formString, redirectWith } from './pages/render.js';

export interface RequestView extends AthleteView {
  /** The athlete the request sees; null on an instance with fewer than two athletes (then it is the only one). */
  readonly athleteId: string | null;
  /** Strava's names, numbers and links may be shown (this athlete is the viewer). */
  readonly showStravaData: boolean;
  /** The switcher's choices; empty when there is nothing to switch. */
  readonly athletes: readonly AthleteRef[];
}

// Files and the metrics scrape need no athlete: no query for them.
const NO_ATHLETE = /^\/(assets|tiles)\/|^\/favicon\.ico$|^\/metrics$/;

export function athleteViewGuard(deps: ServerDeps): MiddlewareHandler<AppEnv> {
  const single: RequestView = {
    store: deps.store,
    engine: deps.engine,
    athleteId: null,
    showStravaData: true,
    athletes: [],
  };
  return async (c, next) => {
    const session = c.get('session') as Session | undefined;
    const per = deps.perAthlete;
    if (!per || !session || NO_ATHLETE.test(c.req.path)) c.set('view', single);
    else c.set('view', await viewFor(per, session, single));
    await next();
  };
}

async function viewFor(
  per: NonNullable<ServerDeps['perAthlete']>,
  session: Session,
  single: RequestView,
): Promise<RequestView> {
  const athletes = await per.list();
  if (athletes.length < 2) return single;
  const scope = scopeOf(session, athletes, await per.administratorId());
  const view = await per.view(scope.athleteId!);
  return {
    ...view,
    athleteId: scope.athleteId,
    showStravaData: scope.showStravaData,
    athletes: scope.canSwitch ? athletes : [],
  };
}

/** POST /athlete/switch: the administrator chooses whose pages to see; kept in the session. */
export function registerAthleteSwitch(app: Hono<AppEnv>, sessions: SessionStore): void {
  app.post('/athlete/switch', async (c) => {
    const choices = c.get('view').athletes;
    const id = await formString(c, 'athlete');
    const chosen = choices.find((a) => a.id === id);
    if (!chosen) return c.text('No such athlete to switch to.', choices.length ? 400 : 403);
    await sessions.setViewAthlete(c.get('session'), chosen.id);
    // Back to the same kind of page: a workout's own page belonged to the athlete left behind.
    const back = new URL(safeNext(await formString(c, 'back')), 'http://x').pathname;
    return redirectWith(c, `/${back.split('/')[1] ?? ''}`, 'ok', `Showing ${chosen.name}.`);
  });
}
