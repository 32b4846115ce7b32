// Sign in with Strava (issue 18). The browser goes to Strava with a fresh
// `state` bound to its anonymous dashboard session; Strava sends it back
// without the SameSite=Strict cookie, so the callback only records the code
// under that state, and the next same-site step (which carries the cookie)
// finishes: the code is exchanged, its Strava athlete id picks the athlete,
// and the grant becomes that athlete's Strava connection.
import { randomBytes } from 'node:crypto';
import type { Athlete } from '../sync/ports.js';
import type { AppContext } from './context.js';
import { hashSecret, newAthleteName, selfSignUp, type InviteApp } from './invites.js';

const STATE_TTL_MS = 10 * 60_000;

export type SignInApp = InviteApp &
  Pick<AppContext, 'accounts' | 'logger'> & { forAthlete(athlete: Athlete): Promise<AppContext> };

interface SignInState {
  readonly expires: number;
  /** SHA-256 of the anonymous session's cookie value that started it. */
  readonly binding: string;
  readonly inviteHash: string | null;
  readonly code?: string;
  readonly scope?: string | null;
}

const key = (state: string) => `oauth-signin:${state}`;
const EXPIRED = 'This Strava sign-in was not started here or has expired; start again from the login page.';
const INVITE_GONE = 'This invite link has been used or has expired: ask the administrator for a new one.';

export async function startStravaSignIn(
  app: SignInApp,
  input: { redirectUri: string; binding: string; invite?: string },
): Promise<{ authorizeUrl: string }> {
  const inviteHash = input.invite ? hashSecret(input.invite) : null;
  if (inviteHash && !(await app.access.inviteAthlete(inviteHash, app.clock.now()))) throw new Error(INVITE_GONE);
  const state = randomBytes(16).toString('hex');
  const saved: SignInState = { expires: app.clock.now().getTime() + STATE_TTL_MS, binding: input.binding, inviteHash };
  await app.store.setSetting(key(state), saved);
  // The scopes the Strava connection needs (it is connected by signing in); reading the athlete comes with them.
  return { authorizeUrl: app.accounts.stravaAuthorizeUrl({ redirectUri: input.redirectUri, state }) };
}

/** The callback: keeps the code with its state until the same browser finishes. */
export async function receiveStravaSignIn(
  app: SignInApp,
  input: { state: string; code: string; scope: string | null },
): Promise<void> {
  const saved = await app.store.getSetting<SignInState>(key(input.state));
  if (!saved || saved.expires < app.clock.now().getTime() || saved.code) throw new Error(EXPIRED);
  await app.store.setSetting(key(input.state), { ...saved, code: input.code, scope: input.scope });
}

/** Finishes in the browser that started: returns the athlete to sign in as, or throws with the reason. */
export async function finishStravaSignIn(app: SignInApp, input: { state: string; binding: string }): Promise<Athlete> {
  const saved = await app.store.getSetting<SignInState>(key(input.state));
  if (!saved || saved.binding !== input.binding) throw new Error(EXPIRED);
  await app.store.setSetting(key(input.state), null);
  if (saved.expires < app.clock.now().getTime() || !saved.code) throw new Error(EXPIRED);

  const exchanged = await app.accounts.exchangeStravaCode({ code: saved.code, scope: saved.scope ?? undefined });
  const all = await app.athletes.list();
  const bound = all.find((a) => a.stravaAthleteId === exchanged.athleteId) ?? null;
  let taken: string | null = null;
  let created: Athlete | null = null;
  try {
    let athlete: Athlete;
    if (saved.inviteHash) {
      const invitedId = await app.access.takeInvite(saved.inviteHash, app.clock.now());
      if (!invitedId) throw new Error(INVITE_GONE);
      taken = saved.inviteHash;
      const invited = all.find((a) => a.id === invitedId);
      if (!invited) throw new Error(INVITE_GONE);
      if (bound && bound.id !== invited.id)
        throw new Error(
          'This Strava account already belongs to another athlete of this bandsync: sign in without the invite, or ask the administrator.',
        );
      if (invited.stravaAthleteId && invited.stravaAthleteId !== exchanged.athleteId)
        throw new Error('This invite is for an athlete with another Strava account: sign in with that one.');
      athlete = invited;
    } else if (bound) {
      athlete = bound;
    } else {
      if (!(await selfSignUp(app)))
        throw new Error('This Strava account is not an athlete of this bandsync: ask the administrator for an invite.');
      created = await app.athletes.add(await newAthleteName(app, exchanged.athleteId, exchanged.firstName));
      athlete = created;
    }
    // The grant is this athlete's own: it becomes (or refreshes) their Strava connection.
    await (await app.forAthlete(athlete)).accounts.connectStravaWithExchange(exchanged);
    return athlete;
  } catch (err) {
    if (taken) await app.access.releaseInvite(taken);
    if (created) await app.athletes.remove(created.id);
    // A grant no athlete keeps is revoked, so it takes no place in the application's athlete
    // capacity; never one of a connected athlete (revoking would cut their connection).
    if (!bound)
      await app.accounts
        .discardStravaExchange(exchanged)
        .catch((e: Error) => app.logger.warn('could not revoke a refused Strava sign-in', { error: e.message }));
    throw err;
  }
}
