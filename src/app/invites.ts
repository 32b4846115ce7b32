// Who may sign in to the dashboard with Strava (issue 18): an athlete the
// administrator invited by name (a one-time link, its token stored hashed,
// valid 7 days), an athlete already bound to that Strava athlete, or, when
// the administrator allows self sign-up, any Strava athlete as a new one.
import { createHash, randomBytes } from 'node:crypto';
import type { Athlete, Athletes, DashboardAccess, Store } from '../sync/ports.js';
import type { AppContext } from './context.js';

export const INVITE_TTL_MS = 7 * 24 * 3600_000;
const SELF_SIGNUP = 'dashboard-self-signup';

export type InviteApp = Pick<AppContext, 'clock'> & {
  readonly store: Pick<Store, 'getSetting' | 'setSetting'>;
  readonly athletes: Athletes;
  readonly access: DashboardAccess;
};

export const hashSecret = (value: string): string => createHash('sha256').update(value).digest('hex');

/** A one-time link for the athlete of that name, created when there is none; one already signed in with Strava is refused. */
export async function inviteAthlete(
  app: InviteApp,
  name: string,
): Promise<{ token: string; athlete: Athlete; expiresAt: string }> {
  let athlete = await app.athletes.byName(name);
  if (athlete?.stravaAthleteId)
    throw new Error(`${name} already signs in with Strava: they need no invite (their Strava account is connected).`);
  athlete ??= await app.athletes.add(name);
  const token = randomBytes(24).toString('base64url');
  const now = app.clock.now();
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS).toISOString();
  await app.access.createInvite({
    tokenHash: hashSecret(token),
    athleteId: athlete.id,
    expiresAt,
    createdAt: now.toISOString(),
  });
  return { token, athlete, expiresAt };
}

/** The athlete an invite link is for, while it is unused and unexpired; else null. */
export async function invitedAthlete(app: InviteApp, token: string): Promise<Athlete | null> {
  const athleteId = await app.access.inviteAthlete(hashSecret(token), app.clock.now());
  if (!athleteId) return null;
  return (await app.athletes.list()).find((a) => a.id === athleteId) ?? null;
}

export interface PendingInvite {
  readonly name: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** Invite links not yet used and not expired: for whom, made and valid until when (the links themselves are not kept). */
export async function pendingInvites(app: InviteApp): Promise<PendingInvite[]> {
  const names = new Map((await app.athletes.list()).map((a) => [a.id, a.name]));
  return (await app.access.pendingInvites(app.clock.now())).map((i) => ({
    name: names.get(i.athleteId) ?? i.athleteId,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
  }));
}

/**
 * Revokes every pending invite of the athlete of that name: their links stop
 * working at once. The athlete stays (remove them with `athlete remove`).
 * Returns how many were pending; none pending is an error that says so.
 */
export async function revokeInvites(app: InviteApp, name: string): Promise<number> {
  const athlete = await app.athletes.byName(name);
  if (!athlete) throw new Error(`no athlete named ${JSON.stringify(name)} (bandsync athlete list)`);
  const revoked = await app.access.revokeInvites(athlete.id, app.clock.now());
  if (revoked === 0) throw new Error(`${name} has no pending invite (bandsync athlete invites lists them).`);
  return revoked;
}

export async function selfSignUp(app: Pick<InviteApp, 'store'>): Promise<boolean> {
  return (await app.store.getSetting<{ on: boolean }>(SELF_SIGNUP))?.on === true;
}

export async function setSelfSignUp(app: Pick<InviteApp, 'store'>, on: boolean): Promise<void> {
  await app.store.setSetting(SELF_SIGNUP, { on });
}

/** A name for a self-signed-up athlete: their first name in plain letters, else strava-<id>; made unique with the id. */
export async function newAthleteName(
  app: Pick<InviteApp, 'athletes'>,
  stravaAthleteId: string,
  firstName: string | null,
): Promise<string> {
  const plain = (firstName ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|-+$/g, '')
    .slice(0, 24);
  const taken = new Set((await app.athletes.list()).map((a) => a.name));
  for (const name of [plain, `${plain}-${stravaAthleteId}`, `strava-${stravaAthleteId}`])
    if (/^[a-z0-9]/.test(name) && name.length <= 40 && !taken.has(name)) return name;
  throw new Error(`no free athlete name for Strava athlete ${stravaAthleteId}`);
}
