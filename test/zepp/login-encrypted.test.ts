// Newer Zepp accounts: the legacy step 1 gives no access code, and the login
// falls back to the encrypted flow (AES-128-CBC form body, `x-hm-ekv: 1`) on
// the EU/US clusters. Real HTTP against the simulator on loopback, which
// decrypts the body itself; one check of the cipher against openssl.
import { execFileSync, spawnSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZeppSimulator, type RunningZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { encryptEkvBody, ZEPP_EKV_IV, ZEPP_EKV_KEY } from '../../src/sources/zepp-cloud/ekv.js';
import { ekvClusterFor, ZEPP_EKV_CLUSTERS } from '../../src/sources/zepp-cloud/hosts.js';
import { isAllowedZeppUrl, loginZepp, type ZeppLoginOptions } from '../../src/sources/zepp-cloud/index.js';
import { BandsyncError } from '../../src/sync/failures.js';

let euNew: RunningZeppSimulator;
let usNew: RunningZeppSimulator;
let legacy: RunningZeppSimulator;
beforeAll(async () => {
  euNew = await startZeppSimulator({ seed: 11, workouts: 3, region: 'de2', newerAccount: true });
  usNew = await startZeppSimulator({ seed: 12, workouts: 3, region: 'us2', newerAccount: true });
  legacy = await startZeppSimulator({ seed: 13, workouts: 3, region: 'de2' });
});
afterAll(async () => {
  await euNew?.close();
  await usNew?.close();
  await legacy?.close();
});

const cluster = (sim: RunningZeppSimulator, region: string) => ({
  userHost: `${sim.url}/region/${region}`,
  accountHost: `${sim.url}/region/${region}`,
});
const optionsFor = (sim: RunningZeppSimulator): ZeppLoginOptions => ({
  userHost: sim.url,
  accountHost: sim.url,
  ekvHosts: { eu: cluster(sim, 'de2'), us: cluster(sim, 'us2') },
  dataHosts: ['us2', 'de2', 'cn2'].map((r) => `${sim.url}/region/${r}`),
  allowOrigins: [sim.url],
});
const credsOf = (sim: RunningZeppSimulator) => ({ email: sim.credentials.email, password: sim.credentials.password });
/** POST paths (no query) the simulator saw since `from`. */
const postsSince = (sim: RunningZeppSimulator, from: number) =>
  sim.control
    .requests()
    .slice(from)
    .filter((l) => l.startsWith('POST'))
    .map((l) => l.split('?')[0] ?? l);

/** A fetch that records every URL and lets `answer` replace the response of some. */
function recordingFetch(answer: (url: string) => Response | null = () => null) {
  const urls: string[] = [];
  const doFetch: typeof fetch = async (input, init) => {
    const url = String(input);
    urls.push(url);
    return answer(url) ?? fetch(input, init);
  };
  return { urls, doFetch };
}

async function failure(p: Promise<unknown>): Promise<BandsyncError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BandsyncError);
  return err as BandsyncError;
}

function decrypt(body: Uint8Array): string {
  const d = createDecipheriv(
    'aes-128-cbc',
    Buffer.from('xeNtBVqzDc6tuNTh', 'utf8'),
    Buffer.from('MAAAYAAAAAAAAABg', 'utf8'),
  );
  return Buffer.concat([d.update(body), d.final()]).toString('utf8');
}

describe('newer account: the legacy step 1 gives no access code', () => {
  it('logs in through the encrypted fallback on the EU cluster and finds its data host', async () => {
    const from = euNew.control.requests().length;
    const r = await loginZepp(credsOf(euNew), optionsFor(euNew));
    expect(r.userId).toBe(euNew.credentials.userId);
    expect(r.baseUrl).toBe(`${euNew.url}/region/de2`);
    expect(r.appToken).not.toBe(euNew.credentials.appToken);
    expect(r.loginToken).toBeTruthy();
    expect(postsSince(euNew, from)).toEqual([
      `POST /registrations/${encodeURIComponent(euNew.credentials.email)}/tokens`,
      'POST /region/de2/v2/registrations/tokens',
      'POST /region/de2/v2/client/login',
    ]);
  });

  it('a US account: the EU cluster refuses, the US cluster logs in', async () => {
    const from = usNew.control.requests().length;
    const r = await loginZepp(credsOf(usNew), optionsFor(usNew));
    expect(r.userId).toBe(usNew.credentials.userId);
    expect(r.baseUrl).toBe(`${usNew.url}/region/us2`);
    expect(postsSince(usNew, from).slice(1)).toEqual([
      'POST /region/de2/v2/registrations/tokens',
      'POST /region/us2/v2/registrations/tokens',
      'POST /region/us2/v2/client/login',
    ]);
  });

  it('a region hint asks only that cluster', async () => {
    const from = usNew.control.requests().length;
    await loginZepp(credsOf(usNew), { ...optionsFor(usNew), region: 'us-west-2' });
    expect(postsSince(usNew, from).slice(1)).toEqual([
      'POST /region/us2/v2/registrations/tokens',
      'POST /region/us2/v2/client/login',
    ]);
  });

  it('with only the login host overridden (as BANDSYNC_ZEPP_URL does), the encrypted login goes there too, never to the real service', async () => {
    const { urls, doFetch } = recordingFetch();
    const { ekvHosts: _unused, ...options } = optionsFor(euNew);
    const r = await loginZepp(credsOf(euNew), { ...options, fetch: doFetch });
    expect(r.userId).toBe(euNew.credentials.userId);
    expect(urls.every((u) => u.startsWith(euNew.url))).toBe(true);
    expect(urls.filter((u) => u.endsWith('/v2/registrations/tokens'))).toEqual([
      `${euNew.url}/v2/registrations/tokens`,
    ]); // once, not per cluster
  });

  it('a wrong password → zepp_auth_failed naming each refusal, without the password', async () => {
    const from = euNew.control.requests().length;
    const err = await failure(
      loginZepp({ email: euNew.credentials.email, password: 'hunter2-wrong' }, optionsFor(euNew)),
    );
    expect(err.code).toBe('zepp_auth_failed');
    expect(err.message).toMatch(/rejected the e-mail or password/);
    expect(err.message).toMatch(/EU: refused \(error 401\); US: refused \(error 401\)/);
    expect(err.message).not.toContain('hunter2-wrong');
    expect(postsSince(euNew, from).filter((p) => p.endsWith('/client/login'))).toEqual([]);
  });

  it('the password never travels in clear: the body on the wire is the encrypted form', async () => {
    const before = euNew.control.ekvBodies().length;
    await loginZepp(credsOf(euNew), { ...optionsFor(euNew), region: 'eu' });
    const bodies = euNew.control.ekvBodies().slice(before);
    expect(bodies).toHaveLength(1);
    const wire = Buffer.from(bodies[0]!);
    const { email, password } = euNew.credentials;
    for (const clear of [
      password,
      encodeURIComponent(password),
      password.replace(/ /g, '+'),
      email,
      'emailOrPhone',
      'REDIRECTION',
    ]) {
      expect(wire.includes(Buffer.from(clear, 'utf8'))).toBe(false);
    }
    expect(wire.length % 16).toBe(0);
    const form = new URLSearchParams(decrypt(wire));
    expect(form.get('emailOrPhone')).toBe(email);
    expect(form.get('password')).toBe(password);
    expect(form.getAll('token')).toEqual(['access', 'refresh']);
    expect(form.get('region')).toBe('eu-central-1');
    expect(form.get('client_id')).toBe('HuaMi');
    expect(form.get('state')).toBe('REDIRECTION');
    expect(form.get('country_code')).toBe('DE');
    // A country the caller names goes into the form when it belongs to that cluster.
    await loginZepp(credsOf(euNew), { ...optionsFor(euNew), region: 'it' });
    const named = new URLSearchParams(decrypt(euNew.control.ekvBodies().at(-1)!));
    expect(named.get('country_code')).toBe('IT');
    expect(named.get('region')).toBe('eu-central-1');
  });

  it("the password accepted but the exchange on a cluster that is not the account's → zepp_region_wrong", async () => {
    const err = await failure(
      loginZepp(credsOf(euNew), {
        ...optionsFor(euNew),
        ekvHosts: { eu: { userHost: `${euNew.url}/region/de2`, accountHost: `${euNew.url}/region/us2` } },
      }),
    );
    expect(err.code).toBe('zepp_region_wrong');
    expect(err.message).toMatch(/0113/);
  });

  it('an answer the client does not know (200 instead of a redirect) → zepp_auth_failed saying the service may have changed', async () => {
    const { doFetch } = recordingFetch((url) =>
      url.endsWith('/v2/registrations/tokens') ? new Response('{}', { status: 200 }) : null,
    );
    const err = await failure(loginZepp(credsOf(euNew), { ...optionsFor(euNew), fetch: doFetch }));
    expect(err.code).toBe('zepp_auth_failed');
    expect(err.message).toMatch(/service may have changed/);
    expect(err.message).not.toContain(euNew.credentials.password);
  });

  it('429 from the encrypted login → zepp_rate_limited, and the other cluster is not asked', async () => {
    const { urls, doFetch } = recordingFetch((url) =>
      url.endsWith('/v2/registrations/tokens') ? new Response('', { status: 429 }) : null,
    );
    const err = await failure(loginZepp(credsOf(euNew), { ...optionsFor(euNew), fetch: doFetch }));
    expect(err.code).toBe('zepp_rate_limited');
    expect(urls.filter((u) => u.endsWith('/v2/registrations/tokens'))).toHaveLength(1);
  });

  it('one cluster unreachable → the other is tried; if that one refuses → zepp_unavailable (the password could not be checked)', async () => {
    const unreachableEu = (url: string): Response | null => {
      if (url.includes('/region/de2/v2/registrations/tokens')) throw new TypeError('fetch failed');
      return null;
    };
    const ok = await loginZepp(credsOf(usNew), { ...optionsFor(usNew), fetch: recordingFetch(unreachableEu).doFetch });
    expect(ok.baseUrl).toBe(`${usNew.url}/region/us2`);
    const err = await failure(
      loginZepp(
        { email: euNew.credentials.email, password: 'hunter2-wrong' },
        { ...optionsFor(euNew), fetch: recordingFetch(unreachableEu).doFetch },
      ),
    );
    expect(err.code).toBe('zepp_unavailable');
    expect(err.message).toMatch(/EU: TypeError .*US: refused/);
    expect(err.message).not.toContain('hunter2-wrong');
  });

  it('a cluster host off the allow-list is refused before the password is sent', async () => {
    const { urls, doFetch } = recordingFetch();
    const err = await failure(
      loginZepp(credsOf(euNew), {
        ...optionsFor(euNew),
        ekvHosts: {
          eu: { userHost: 'https://api-user-de2.zepp.com.evil.example', accountHost: 'https://evil.example' },
        },
        fetch: doFetch,
      }),
    );
    expect(err.message).toMatch(/allow-list/);
    expect(urls.some((u) => u.includes('evil.example'))).toBe(false);
  });
});

describe('legacy account', () => {
  it('logs in through the legacy steps and never calls the encrypted endpoint', async () => {
    const from = legacy.control.requests().length;
    const r = await loginZepp(credsOf(legacy), optionsFor(legacy));
    expect(r.baseUrl).toBe(`${legacy.url}/region/de2`);
    expect(postsSince(legacy, from)).toEqual([
      `POST /registrations/${encodeURIComponent(legacy.credentials.email)}/tokens`,
      'POST /v2/client/login',
    ]);
    expect(legacy.control.requests().some((l) => l.includes('/v2/registrations/tokens'))).toBe(false);
    expect(legacy.control.ekvBodies()).toHaveLength(0);
  });
});

describe('hosts and region hints', () => {
  it('the real encrypted-login hosts are on the allow-list', () => {
    for (const c of Object.values(ZEPP_EKV_CLUSTERS)) {
      expect(isAllowedZeppUrl(`${c.userHost}/v2/registrations/tokens`)).toBe(true);
      expect(isAllowedZeppUrl(`${c.accountHost}/v2/client/login`)).toBe(true);
    }
  });

  it.each([
    [{ region: 'eu-central-1' }, 'eu'],
    [{ region: 'us-west-2' }, 'us'],
    [{ countryCode: 'DE' }, 'eu'],
    [{ countryCode: 'it' }, 'eu'],
    [{ countryCode: 'US' }, 'us'],
    [{ countryCode: 'CN' }, null],
    [{}, null],
  ])('%o → %s', (hint, expected) => {
    expect(ekvClusterFor(hint)).toBe(expected);
  });
});

describe('the cipher, checked independently', () => {
  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  const hasOpenssl = openssl.status === 0;
  const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
  it.skipIf(!hasOpenssl).each([
    'emailOrPhone=runner%40example.com&state=REDIRECTION&client_id=HuaMi&password=correct+horse+battery+staple&token=access&token=refresh',
    'exactly16bytes!!', // a full block of padding follows
    '',
  ])(
    `matches \`openssl enc -aes-128-cbc -K <key> -iv <iv> -base64\`${hasOpenssl ? '' : ' (skipped: no openssl on PATH)'}: %j`,
    (plain) => {
      const expected = execFileSync(
        'openssl',
        ['enc', '-aes-128-cbc', '-K', hex(ZEPP_EKV_KEY), '-iv', hex(ZEPP_EKV_IV), '-base64', '-A'],
        { input: plain },
      )
        .toString('utf8')
        .trim();
      expect(Buffer.from(encryptEkvBody(plain)).toString('base64')).toBe(expected);
    },
  );
});
