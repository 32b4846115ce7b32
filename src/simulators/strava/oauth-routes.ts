// /oauth/authorize (auto-approves, like a user clicking "Authorize"),
// /oauth/token (code and refresh grants, rotation), /oauth/deauthorize.
import type { Context, Hono } from 'hono';
import { bearer, readParams } from './params.js';
import { athleteSummary, TOKEN_LIFETIME_S, type SimState } from './state.js';
import { fault } from './views.js';

const KNOWN_SCOPES = [
  'read',
  'read_all',
  'profile:read_all',
  'profile:write',
  'activity:read',
  'activity:read_all',
  'activity:write',
];

/** An application over its athlete capacity (notes/strava-api.md §4: the text as reported; the exact JSON was not captured). */
const OVER_CAPACITY = { message: 'Limit of connected athletes exceeded', errors: [] };

export function registerOAuth(app: Hono, state: SimState, flags: { denyAuthorization: boolean }): void {
  app.get('/oauth/authorize', (c) => {
    const q = new URL(c.req.url).searchParams;
    if (q.get('client_id') !== state.options.clientId)
      return c.json(fault('Bad Request', 'Application', 'client_id', 'invalid'), 400);
    let redirect: URL;
    try {
      redirect = new URL(q.get('redirect_uri') ?? '');
    } catch {
      return c.json(fault('Bad Request', 'Application', 'redirect_uri', 'invalid'), 400);
    }
    // localhost and 127.0.0.1 are always allowed as callback domains.
    if (!['localhost', '127.0.0.1'].includes(redirect.hostname))
      return c.json(fault('Bad Request', 'Application', 'redirect_uri', 'invalid'), 400);
    if (q.get('response_type') !== 'code')
      return c.json(fault('Bad Request', 'Application', 'response_type', 'invalid'), 400);
    const requested = (q.get('scope') ?? 'read')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => KNOWN_SCOPES.includes(s));
    redirect.searchParams.set('state', q.get('state') ?? '');
    if (flags.denyAuthorization) {
      redirect.searchParams.set('error', 'access_denied');
      return c.redirect(redirect.toString(), 302);
    }
    const granted = state.grantedScopes ?? requested;
    const scopes = ['read', ...granted.filter((s) => s !== 'read')];
    redirect.searchParams.set('code', state.issueCode(scopes));
    redirect.searchParams.set('scope', scopes.join(','));
    return c.redirect(redirect.toString(), 302);
  });

  const token = async (c: Context): Promise<Response> => {
    const p = await readParams(c);
    if (p.client_id !== state.options.clientId)
      return c.json(fault('Bad Request', 'Application', 'client_id', 'invalid'), 400);
    if (p.client_secret !== state.options.clientSecret)
      return c.json(fault('Authorization Error', 'Application', '', 'invalid'), 401);
    if (p.grant_type === 'authorization_code') {
      const entry = p.code ? state.codes.get(p.code) : undefined;
      if (!entry || entry.used) return c.json(fault('Bad Request', 'RequestToken', 'code', 'invalid'), 400);
      if (!state.withinCapacity(entry.athleteId)) return c.json(OVER_CAPACITY, 403);
      entry.used = true;
      const refresh = state.issueRefreshToken(entry.scopes, entry.athleteId);
      const access = state.accessTokenFor(entry.athleteId, entry.scopes);
      return c.json({
        token_type: 'Bearer',
        expires_at: Math.floor(access.record.expiresAtMs / 1000),
        expires_in: TOKEN_LIFETIME_S,
        refresh_token: refresh,
        access_token: access.token,
        athlete: athleteSummary(entry.athleteId),
      });
    }
    if (p.grant_type === 'refresh_token') {
      const entry = p.refresh_token ? state.refreshTokens.get(p.refresh_token) : undefined;
      if (!entry || !p.refresh_token)
        return c.json(fault('Bad Request', 'RefreshToken', 'refresh_token', 'invalid'), 400);
      if (!state.withinCapacity(entry.athleteId)) return c.json(OVER_CAPACITY, 403);
      // Rotation: the old refresh token dies the moment a new one is issued.
      state.refreshTokens.delete(p.refresh_token);
      const refresh = state.issueRefreshToken(entry.scopes, entry.athleteId);
      state.rotations++;
      const access = state.accessTokenFor(entry.athleteId, entry.scopes);
      return c.json({
        token_type: 'Bearer',
        access_token: access.token,
        expires_at: Math.floor(access.record.expiresAtMs / 1000),
        expires_in: Math.ceil((access.record.expiresAtMs - state.nowMs()) / 1000),
        refresh_token: refresh,
      });
    }
    return c.json(fault('Bad Request', 'Application', 'grant_type', 'invalid'), 400);
  };
  app.post('/oauth/token', token);
  app.post('/api/v3/oauth/token', token);

  // The 2026 RFC 7009-style revocation: HTTP Basic client credentials, the
  // token in the form; 200 with an empty body, also for unknown tokens.
  app.post('/oauth/revoke', async (c) => {
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    if (id !== state.options.clientId || secret !== state.options.clientSecret) {
      return c.json(fault('Authorization Error', 'Application', '', 'invalid'), 401);
    }
    const t = (await readParams(c)).token ?? '';
    const refresh = state.refreshTokens.get(t);
    if (refresh) {
      // Revoking the grant's refresh token ends its access tokens too.
      state.refreshTokens.delete(t);
      for (const [a, rec] of state.accessTokens) if (rec.athleteId === refresh.athleteId) state.accessTokens.delete(a);
    }
    state.accessTokens.delete(t);
    return c.body(null, 200);
  });

  app.post('/oauth/deauthorize', async (c) => {
    const p = await readParams(c);
    const t = bearer(c) ?? p.access_token ?? null;
    const rec = state.authenticate(t);
    if (!rec) return c.json(fault('Authorization Error', 'Athlete', 'access_token', 'invalid'), 401);
    // The application loses this athlete only; other athletes' tokens keep working.
    state.deauthorizeAthlete(rec.athleteId);
    return c.json({ access_token: t });
  });
}
