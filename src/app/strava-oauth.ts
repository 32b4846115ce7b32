// Connecting Strava from the dashboard: the browser goes to Strava with a
// fresh `state`, and only a callback carrying a state we issued (within ten
// minutes) is exchanged for tokens.
import { randomBytes } from 'node:crypto';
import type { AppContext } from './context.js';

const OAUTH_STATE_TTL_MS = 10 * 60_000;

type OAuthApp = Pick<AppContext, 'store' | 'clock' | 'accounts'>;

export async function startStravaConnect(app: OAuthApp, redirectUri: string): Promise<{ authorizeUrl: string }> {
  const state = randomBytes(16).toString('hex');
  await app.store.setSetting(`oauth-state:${state}`, {
    redirectUri,
    expires: app.clock.now().getTime() + OAUTH_STATE_TTL_MS,
  });
  return { authorizeUrl: app.accounts.stravaAuthorizeUrl({ redirectUri, state }) };
}

export async function finishStravaConnect(app: OAuthApp, input: { code: string; state: string; scope: string | null }) {
  const saved = await app.store.getSetting<{ expires: number }>(`oauth-state:${input.state}`);
  await app.store.setSetting(`oauth-state:${input.state}`, null);
  if (!saved || saved.expires < app.clock.now().getTime())
    throw new Error('This Strava login was not started here or has expired; start again from Connect.');
  return app.accounts.connectStravaWithCode({ code: input.code, scope: input.scope ?? undefined });
}
