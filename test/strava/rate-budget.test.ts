// Rate-limit maths and header parsing, checked against recorded Strava
// responses and hand-computed instants; then the simulator's headers and 429s
// as the client meets them over loopback.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import {
  createStravaClient,
  nextDayReset,
  nextWindowReset,
  parseRateHeaders,
  requestKind,
} from '../../src/strava/index.js';
import { BandsyncError } from '../../src/sync/failures.js';
import { manualClock, memoryBudget, memoryLock, memoryTokens } from './helpers.js';

const cassettes = path.resolve(import.meta.dirname, '../../../shared/samples/strava/vcr-strava-ruby-client/client');

/** The response headers of the n-th interaction of a VCR cassette, as a Headers object. */
function cassetteHeaders(file: string, interaction = 0): Headers {
  const text = readFileSync(path.join(cassettes, file), 'utf8');
  const responses = text.split(/\n {2}response:\n/).slice(1);
  const block = responses[interaction]!.split(/\n {4}body:\n/)[0]!;
  const headers = new Headers();
  const re = /\n {6}([A-Za-z0-9-]+):\n {6}- (?:'([^']*)'|"([^"]*)"|(.*))/g;
  for (const m of block.matchAll(re)) headers.append(m[1]!, m[2] ?? m[3] ?? m[4] ?? '');
  return headers;
}

describe.skipIf(!existsSync(cassettes))(
  'parseRateHeaders on recorded Strava responses (../shared/samples/strava; skipped without it)',
  () => {
    it('reads overall and read buckets of a read call (deauthorize, 2025-10-18: overall 79,222, read 78,221)', () => {
      expect(parseRateHeaders(cassetteHeaders('deauthorize.yml'))).toEqual({
        overall: [200, 2000, 79, 222],
        read: [100, 1000, 78, 221],
      });
    });
    it('drops the read bucket when Strava sends "," on an upload-class call (create_activity: overall 66,209)', () => {
      expect(parseRateHeaders(cassetteHeaders('create_activity.yml'))).toEqual({ overall: [200, 2000, 66, 209] });
    });
    it('follows usage across an upload and its polls (600,30000 legacy limits: 15,100 → 16,101 → 17,102)', () => {
      const usage = [0, 1, 2].map((i) => parseRateHeaders(cassetteHeaders('create_upload.yml', i)).overall);
      expect(usage).toEqual([
        [600, 30000, 15, 100],
        [600, 30000, 16, 101],
        [600, 30000, 17, 102],
      ]);
    });
  },
);

describe('rate windows', () => {
  it('resets at the next quarter hour, strictly after now', () => {
    expect(nextWindowReset(new Date('2026-03-01T10:14:59.999Z')).toISOString()).toBe('2026-03-01T10:15:00.000Z');
    expect(nextWindowReset(new Date('2026-03-01T10:15:00.000Z')).toISOString()).toBe('2026-03-01T10:30:00.000Z');
    expect(nextWindowReset(new Date('2026-03-01T23:52:00Z')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });
  it('resets the day at midnight UTC', () => {
    expect(nextDayReset(new Date('2026-02-28T23:59:59Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(nextDayReset(new Date('2026-03-01T00:00:00Z')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });
  it('rejects malformed header values instead of guessing', () => {
    const h = new Headers({ 'X-RateLimit-Limit': '200,2000', 'X-RateLimit-Usage': '5,' });
    expect(parseRateHeaders(h)).toEqual({});
  });
  it('classifies only creating uploads and activities as non-read', () => {
    expect(requestKind('POST', '/api/v3/uploads')).toBe('upload');
    expect(requestKind('POST', '/api/v3/activities')).toBe('upload');
    expect(requestKind('GET', '/api/v3/uploads/12')).toBe('read');
    expect(requestKind('PUT', '/api/v3/activities/12')).toBe('read');
  });
});

let sim: RunningStravaSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

function clientFor(s: RunningStravaSimulator, clock: { now: () => Date }, budget = memoryBudget()) {
  const tokens = memoryTokens({ accessToken: 'none', refreshToken: s.control.issueRefreshToken(), expiresAt: 0 });
  return createStravaClient({
    baseUrl: s.url,
    clientId: s.credentials.clientId,
    clientSecret: s.credentials.clientSecret,
    tokens,
    lock: memoryLock(),
    budget,
    now: clock.now,
  });
}

describe('simulator limits as the client meets them', () => {
  it('sends the four headers as Strava does and counts reads separately', async () => {
    const clock = manualClock('2026-03-01T10:03:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const token = (
      (await (
        await fetch(`${sim.url}/oauth/token`, {
          method: 'POST',
          body: new URLSearchParams({
            client_id: sim.credentials.clientId,
            client_secret: sim.credentials.clientSecret,
            grant_type: 'refresh_token',
            refresh_token: sim.credentials.refreshToken,
          }),
        })
      ).json()) as { access_token: string }
    ).access_token;
    const auth = { authorization: `Bearer ${token}` };
    const r1 = await fetch(`${sim.url}/api/v3/athlete`, { headers: auth });
    expect(r1.headers.get('x-ratelimit-limit')).toBe('200,2000');
    expect(r1.headers.get('x-ratelimit-usage')).toBe('1,1');
    expect(r1.headers.get('x-readratelimit-limit')).toBe('100,1000');
    expect(r1.headers.get('x-readratelimit-usage')).toBe('1,1');
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array([1, 2, 3])]), 'x.fit');
    form.set('data_type', 'fit');
    const r2 = await fetch(`${sim.url}/api/v3/uploads`, { method: 'POST', headers: auth, body: form });
    expect(r2.status).toBe(201);
    expect(r2.headers.get('x-ratelimit-usage')).toBe('2,2');
    expect(r2.headers.get('x-readratelimit-usage')).toBe(',');
    clock.set('2026-03-01T10:15:00Z'); // new quarter: the 15-minute counts restart, the day's do not
    const r3 = await fetch(`${sim.url}/api/v3/athlete`, { headers: auth });
    expect(r3.headers.get('x-ratelimit-usage')).toBe('1,3');
    expect(r3.headers.get('x-readratelimit-usage')).toBe('1,2');
  });

  it('stops itself at the limit the headers announce, before Strava has to say 429', async () => {
    const clock = manualClock('2026-03-01T10:03:00Z');
    sim = await startStravaSimulator({
      now: clock.now,
      limits: { overall15: 3, overallDay: 100, read15: 3, readDay: 100 },
    });
    const client = clientFor(sim, clock);
    await client.athlete();
    await client.athlete();
    await client.athlete();
    const err = await client.athlete().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BandsyncError);
    expect(err).toMatchObject({ code: 'strava_rate_limited', retryAt: '2026-03-01T10:15:00.000Z' });
    expect(sim.control.count429()).toBe(0);
    clock.set('2026-03-01T10:15:00Z');
    await expect(client.athlete()).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('on a 429 blocks the shared budget until the next window and sends nothing meanwhile', async () => {
    const clock = manualClock('2026-03-01T10:20:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const budget = memoryBudget();
    const client = clientFor(sim, clock, budget);
    await client.athlete();
    sim.control.fault({ kind: 'rate_limit', path: '/api/v3/athlete' });
    const err = await client.athlete().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'strava_rate_limited', retryAt: '2026-03-01T10:30:00.000Z' });
    expect(budget.blocks).toEqual(['2026-03-01T10:30:00.000Z']);
    expect(sim.control.count429()).toBe(1);
    const before = sim.control.requestCount();
    clock.advance(60);
    await expect(client.athlete()).rejects.toMatchObject({ code: 'strava_rate_limited' });
    expect(sim.control.requestCount()).toBe(before); // blocked locally, Strava not bothered
    clock.set('2026-03-01T10:30:00Z');
    await expect(client.athlete()).resolves.toBeTruthy();
  });

  it('waits for midnight UTC when the daily limit is what ran out', async () => {
    const clock = manualClock('2026-03-01T22:50:00Z');
    sim = await startStravaSimulator({
      now: clock.now,
      limits: { overall15: 100, overallDay: 2, read15: 100, readDay: 1000 },
    });
    // A budget that does not yet know the real limits, as after a restart: Strava's 429 teaches it.
    const client = clientFor(
      sim,
      clock,
      memoryBudget({ overall15: 1000, overallDay: 10000, read15: 1000, readDay: 10000 }),
    );
    const other = clientFor(sim, clock); // another consumer of the same application spent the day
    await other.athlete();
    await other.athlete();
    const err = await client.athlete().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'strava_rate_limited', retryAt: '2026-03-02T00:00:00.000Z' });
    expect(sim.control.count429()).toBe(1);
  });
});
