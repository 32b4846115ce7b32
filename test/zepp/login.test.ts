// Connecting a Zepp account against the simulator over loopback: the
// two-step e-mail login, pasted tokens, region discovery, the allow-list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZeppSimulator, type RunningZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { isAllowedZeppUrl, loginZepp } from '../../src/sources/zepp-cloud/index.js';
import { BandsyncError } from '../../src/sync/failures.js';

let eu: RunningZeppSimulator;
let cn: RunningZeppSimulator;
beforeAll(async () => {
  eu = await startZeppSimulator({ seed: 5, workouts: 5, region: 'de2' });
  cn = await startZeppSimulator({ seed: 6, workouts: 5, region: 'cn2' });
});
afterAll(async () => {
  await eu?.close();
  await cn?.close();
});

const optionsFor = (sim: RunningZeppSimulator) => ({
  userHost: sim.url,
  accountHost: sim.url,
  dataHosts: ['us2', 'de2', 'cn2'].map((r) => `${sim.url}/region/${r}`),
  allowOrigins: [sim.url],
});

async function failure(p: Promise<unknown>): Promise<BandsyncError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BandsyncError);
  return err as BandsyncError;
}

describe('e-mail + password', () => {
  it('gets an app token through the two steps and finds the account on its regional host', async () => {
    const r = await loginZepp({ email: eu.credentials.email, password: eu.credentials.password }, optionsFor(eu));
    expect(r.userId).toBe(eu.credentials.userId);
    expect(r.baseUrl).toBe(`${eu.url}/region/de2`);
    expect(r.chinaRegion).toBe(false);
    expect(r.appToken).not.toBe(eu.credentials.appToken); // a fresh token was issued
    const steps = eu.control.requests().filter((l) => l.startsWith('POST'));
    expect(steps.map((l) => l.split('?')[0])).toEqual([
      `POST /registrations/${encodeURIComponent(eu.credentials.email)}/tokens`,
      'POST /v2/client/login',
    ]);
  });

  it('a China-region account is flagged for the GCJ-02 correction', async () => {
    const r = await loginZepp({ email: cn.credentials.email, password: cn.credentials.password }, optionsFor(cn));
    expect(r.baseUrl).toBe(`${cn.url}/region/cn2`);
    expect(r.chinaRegion).toBe(true);
  });

  it('a wrong password → zepp_auth_failed, without the password in the message', async () => {
    const err = await failure(loginZepp({ email: eu.credentials.email, password: 'hunter2-wrong' }, optionsFor(eu)));
    expect(err.code).toBe('zepp_auth_failed');
    expect(err.message).not.toContain('hunter2-wrong');
  });

  it('an account on no known host → zepp_region_wrong', async () => {
    const err = await failure(
      loginZepp(
        { email: eu.credentials.email, password: eu.credentials.password },
        { ...optionsFor(eu), dataHosts: [`${eu.url}/region/us2`, `${eu.url}/region/sg`] },
      ),
    );
    expect(err.code).toBe('zepp_region_wrong');
  });
});

describe('pasted app token', () => {
  it('is checked by region discovery', async () => {
    const r = await loginZepp({ appToken: eu.credentials.appToken, userId: eu.credentials.userId }, optionsFor(eu));
    expect(r.baseUrl).toBe(`${eu.url}/region/de2`);
    expect(r.appToken).toBe(eu.credentials.appToken);
  });

  it('an expired token → zepp_token_expired, without the token in the message', async () => {
    const sim = await startZeppSimulator({ seed: 9, workouts: 2 });
    try {
      sim.control.expireTokens();
      const err = await failure(
        loginZepp({ appToken: sim.credentials.appToken, userId: sim.credentials.userId }, optionsFor(sim)),
      );
      expect(err.code).toBe('zepp_token_expired');
      expect(err.message).not.toContain(sim.credentials.appToken);
    } finally {
      await sim.close();
    }
  });
});

describe('allow-list', () => {
  it('refuses to send credentials to a host that is not a Zepp host, before any request', async () => {
    const before = eu.control.requests().length;
    const err = await failure(
      loginZepp(
        { email: eu.credentials.email, password: eu.credentials.password },
        { ...optionsFor(eu), allowOrigins: [] },
      ),
    );
    expect(err.message).toMatch(/allow-list/);
    expect(eu.control.requests().length).toBe(before);
  });

  it.each([
    ['https://api-mifit-de2.huami.com/v1/x', true],
    ['https://api-mifit-us3.zepp.com', true],
    ['https://account.huami.com/v2/client/login', true],
    ['http://api-mifit-de2.huami.com', false], // not HTTPS
    ['https://api-mifit.huami.com.evil.example', false],
    ['https://evil.example/?h=api-mifit.huami.com', false],
    ['https://user:pw@api-mifit.huami.com', false],
    ['https://api-mifit.huami.com:8443', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedZeppUrl(url)).toBe(allowed);
  });
});
