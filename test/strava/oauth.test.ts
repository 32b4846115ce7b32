// OAuth against the simulator over loopback: the code flow as a browser runs
// it, scope checks, refresh-token rotation (single-flight with a shared lock:
// exactly one rotation for two concurrent refreshers), revocation.
import { afterEach, describe, expect, it } from 'vitest';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import {
  buildAuthorizeUrl,
  createStravaClient,
  deauthorize,
  exchangeCode,
  refreshTokens,
  revoke,
} from '../../src/strava/index.js';
import { BandsyncError } from '../../src/sync/failures.js';
import { manualClock, memoryBudget, memoryLock, memoryTokens } from './helpers.js';
import { expectNoSecrets } from './secrets.js';

let sim: RunningStravaSimulator | null = null;
const messages: string[] = [];
afterEach(async () => {
  if (sim) expectNoSecrets(sim, messages);
  messages.length = 0;
  await sim?.close();
  sim = null;
});

async function authorize(s: RunningStravaSimulator, state = 'abc') {
  const url = buildAuthorizeUrl({
    baseUrl: s.url,
    clientId: s.credentials.clientId,
    redirectUri: 'http://localhost:8765/cb',
    state,
  });
  expect(url).not.toContain(s.credentials.clientSecret);
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!).searchParams;
}

async function caught(p: Promise<unknown>): Promise<BandsyncError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BandsyncError);
  messages.push((e as Error).message);
  return e as BandsyncError;
}

describe('Strava OAuth', () => {
  it('asks for exactly the scopes bandsync needs and gets them back on the callback', async () => {
    sim = await startStravaSimulator();
    const url = new URL(
      buildAuthorizeUrl({ baseUrl: sim.url, clientId: '24523', redirectUri: 'http://127.0.0.1:1/cb', state: 's' }),
    );
    expect(url.pathname).toBe('/oauth/authorize');
    expect(url.searchParams.get('scope')).toBe('activity:write,activity:read_all');
    expect(url.searchParams.get('response_type')).toBe('code');
    const back = await authorize(sim, 'state-42');
    expect(back.get('state')).toBe('state-42');
    expect(back.get('scope')!.split(',')).toEqual(expect.arrayContaining(['activity:write', 'activity:read_all']));
  });

  it('exchanges the code once; a second use is refused', async () => {
    sim = await startStravaSimulator();
    const back = await authorize(sim);
    const opts = {
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      code: back.get('code')!,
      scope: back.get('scope')!,
    };
    const tokens = await exchangeCode(opts);
    expect(tokens.athlete.id).toMatch(/^\d+$/);
    expect(tokens.athleteId).toBe(tokens.athlete.id);
    expect((await caught(exchangeCode(opts))).code).toBe('strava_auth_revoked');
    // The secret went in the form body, not in the URL.
    const tokenCalls = sim.control.requests().filter((r) => r.url.startsWith('/oauth/token'));
    expect(tokenCalls.map((r) => r.url)).toEqual(['/oauth/token', '/oauth/token']);
  });

  it('explains missing scopes when the user unticked one', async () => {
    sim = await startStravaSimulator();
    sim.control.setGrantedScopes(['activity:read_all']);
    const back = await authorize(sim);
    const err = await caught(
      exchangeCode({
        baseUrl: sim.url,
        clientId: sim.credentials.clientId,
        clientSecret: sim.credentials.clientSecret,
        code: back.get('code')!,
        scope: back.get('scope')!,
      }),
    );
    expect(err.code).toBe('strava_scope_missing');
    expect(err.message).toContain('activity:write');
  });

  it('reports a denied authorization on the callback', async () => {
    sim = await startStravaSimulator();
    sim.control.setAuthorizationDenied(true);
    const back = await authorize(sim, 'z');
    expect(back.get('error')).toBe('access_denied');
    expect(back.get('code')).toBeNull();
  });

  it('a wrong client secret fails without the secret appearing anywhere', async () => {
    sim = await startStravaSimulator();
    const wrong = 'wrong-secret-abcdef';
    const err = await caught(
      refreshTokens({
        baseUrl: sim.url,
        clientId: sim.credentials.clientId,
        clientSecret: wrong,
        refreshToken: sim.credentials.refreshToken,
      }),
    );
    expect(err.code).toBe('strava_auth_revoked');
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(sim.credentials.refreshToken);
  });

  it('takes the token request as JSON too, and refuses an unknown client with the recorded fault', async () => {
    sim = await startStravaSimulator();
    const json = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: sim.credentials.clientId,
        client_secret: sim.credentials.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: sim.credentials.refreshToken,
      }),
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ token_type: 'Bearer', expires_in: 21600 });
    const unknown = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: '1',
        client_secret: 'x',
        grant_type: 'refresh_token',
        refresh_token: 'y',
      }),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      message: 'Bad Request',
      errors: [{ resource: 'Application', field: 'client_id', code: 'invalid' }],
    });
  });

  it('rotates the refresh token; the old one dies at once', async () => {
    sim = await startStravaSimulator();
    const base = { baseUrl: sim.url, clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret };
    const first = await refreshTokens({ ...base, refreshToken: sim.credentials.refreshToken });
    expect(first.refreshToken).not.toBe(sim.credentials.refreshToken);
    expect((await caught(refreshTokens({ ...base, refreshToken: sim.credentials.refreshToken }))).code).toBe(
      'strava_auth_revoked',
    );
    await expect(refreshTokens({ ...base, refreshToken: first.refreshToken })).resolves.toMatchObject({
      accessToken: first.accessToken,
    });
  });

  it('refreshes an access token that expired after 6 h of simulated time, and persists the rotation', async () => {
    const clock = manualClock('2026-03-01T08:00:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const back = await authorize(sim);
    const connected = await exchangeCode({
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      code: back.get('code')!,
      scope: back.get('scope')!,
    });
    const tokens = memoryTokens(connected);
    const client = createStravaClient({
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      tokens,
      lock: memoryLock(),
      budget: memoryBudget(),
      now: clock.now,
    });
    await client.athlete();
    expect(tokens.saves).toBe(0);
    clock.advance(6 * 3600 + 1);
    await client.athlete();
    expect(tokens.saves).toBe(1);
    expect(tokens.current()!.accessToken).not.toBe(connected.accessToken);
    expect(tokens.current()!.refreshToken).not.toBe(connected.refreshToken);
    expect(tokens.current()!.scopes).toEqual(connected.scopes); // carried over: the refresh answer has none
    expect(sim.control.rotations()).toBe(1);
  });

  it('two processes refreshing at once with a shared lock rotate exactly once and both keep working', async () => {
    const clock = manualClock('2026-03-01T08:00:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const shared = memoryTokens({ accessToken: 'stale', refreshToken: sim.credentials.refreshToken, expiresAt: 0 });
    const lock = memoryLock();
    const make = () =>
      createStravaClient({
        baseUrl: sim!.url,
        clientId: sim!.credentials.clientId,
        clientSecret: sim!.credentials.clientSecret,
        tokens: shared,
        lock,
        budget: memoryBudget(),
        now: clock.now,
      });
    const [a, b] = [make(), make()];
    const results = await Promise.all([a.athlete(), b.athlete(), a.athlete(), b.athlete()]);
    expect(results.every((r) => r.id === results[0]!.id)).toBe(true);
    expect(sim.control.rotations()).toBe(1);
    expect(shared.saves).toBe(1);
  });

  it('without the lock the same race kills the token chain (why the lock exists)', async () => {
    sim = await startStravaSimulator();
    const shared = memoryTokens({ accessToken: 'stale', refreshToken: sim.credentials.refreshToken, expiresAt: 0 });
    const noLock = <T>(_name: string, fn: () => Promise<T>) => fn();
    const make = () =>
      createStravaClient({
        baseUrl: sim!.url,
        clientId: sim!.credentials.clientId,
        clientSecret: sim!.credentials.clientSecret,
        tokens: shared,
        lock: noLock,
        budget: memoryBudget(),
      });
    const outcomes = await Promise.allSettled([make().athlete(), make().athlete()]);
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(((failed[0] as PromiseRejectedResult).reason as BandsyncError).code).toBe('strava_auth_revoked');
    messages.push(((failed[0] as PromiseRejectedResult).reason as Error).message);
  });

  it('deauthorize revokes every token: later calls say strava_auth_revoked', async () => {
    sim = await startStravaSimulator();
    const tokens = memoryTokens({ accessToken: 'x', refreshToken: sim.credentials.refreshToken, expiresAt: 0 });
    const client = createStravaClient({
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      tokens,
      lock: memoryLock(),
      budget: memoryBudget(),
    });
    await client.athlete();
    await client.deauthorize();
    expect((await caught(client.athlete())).code).toBe('strava_auth_revoked');
    // Revoking an already revoked token is not an error.
    await expect(
      deauthorize({ baseUrl: sim.url, accessToken: tokens.current()!.accessToken }),
    ).resolves.toBeUndefined();
  });

  it('revoke (HTTP Basic, token in the body) ends the grant; the secret never reaches a URL', async () => {
    sim = await startStravaSimulator();
    const base = { baseUrl: sim.url, clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret };
    const t = await refreshTokens({ ...base, refreshToken: sim.credentials.refreshToken });
    expect(await revoke({ ...base, token: t.refreshToken })).toBe('revoked');
    expect((await caught(refreshTokens({ ...base, refreshToken: t.refreshToken }))).code).toBe('strava_auth_revoked');
    const api = await fetch(`${sim.url}/api/v3/athlete`, { headers: { authorization: `Bearer ${t.accessToken}` } });
    expect(api.status).toBe(401);
    expect((await caught(revoke({ ...base, clientSecret: 'not-the-secret', token: 'whatever' }))).code).toBe(
      'strava_auth_revoked',
    );
  });

  it('a token without write permission gives strava_scope_missing on upload, not a retry loop', async () => {
    sim = await startStravaSimulator();
    const readOnly = sim.control.issueRefreshToken(['read', 'activity:read_all']);
    const client = createStravaClient({
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      tokens: memoryTokens({ accessToken: 'x', refreshToken: readOnly, expiresAt: 0 }),
      lock: memoryLock(),
      budget: memoryBudget(),
    });
    const err = await caught(
      client.upload({
        bytes: new Uint8Array([1]),
        format: 'fit',
        externalId: 'e1',
        name: 'n',
        sportType: 'Run',
        trainer: false,
      }),
    );
    expect(err.code).toBe('strava_scope_missing');
    expect(sim.control.uploads()).toHaveLength(0);
  });
});
