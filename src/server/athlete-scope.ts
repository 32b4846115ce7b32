// Which athlete a dashboard request sees, and whether it may show that
// athlete's Strava data (issue 18). Strava's API agreement lets an
// application show an athlete's Strava data to that athlete only
// (../shared/notes/strava-api.md §1.9), so the administrator sees Strava's
// names, numbers and links of their own athlete only: with one athlete the
// administrator is that athlete; with several, the athlete set as the
// administrator (`bandsync athlete admin NAME`; default the first one).
import type { AthleteRef } from './deps.js';

/** The session fields the choice reads. */
export interface ScopeSession {
  /** The athlete the administrator chose in the switcher; unset = their own. */
  readonly viewAthleteId?: string | null;
  /** Set on a session that belongs to one athlete (signed in as that athlete): fixed to them. */
  readonly athleteId?: string | null;
}

export interface AthleteScope {
  /** The athlete the request sees; null = no athletes yet. */
  readonly athleteId: string | null;
  /** Strava's names, numbers and links of that athlete may be shown. */
  readonly showStravaData: boolean;
  /** The administrator may switch athletes (two or more, and not an athlete's own session). */
  readonly canSwitch: boolean;
}

export function scopeOf(
  session: ScopeSession,
  athletes: readonly AthleteRef[],
  administratorId: string | null,
): AthleteScope {
  if (session.athleteId) return { athleteId: session.athleteId, showStravaData: true, canSwitch: false };
  if (athletes.length < 2) return { athleteId: athletes[0]?.id ?? null, showStravaData: true, canSwitch: false };
  const admin = athletes.find((a) => a.id === administratorId) ?? athletes[0]!;
  const chosen = athletes.find((a) => a.id === session.viewAthleteId) ?? admin;
  return { athleteId: chosen.id, showStravaData: chosen.id === admin.id, canSwitch: true };
}
