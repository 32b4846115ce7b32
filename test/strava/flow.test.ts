// The Strava client against the simulator over real loopback HTTP: connect by
// OAuth like a browser would, upload a FIT, watch it process, find it by
// listing, and have a second upload recognised as a duplicate.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import { buildAuthorizeUrl, createStravaClient, exchangeCode, stripUploadExtension } from '../../src/strava/index.js';
import { makeFit, manualClock, memoryBudget, memoryLock, memoryTokens } from './helpers.js';

let sim: RunningStravaSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function connect(s: RunningStravaSimulator) {
  const redirectUri = 'http://127.0.0.1:9/callback';
  const url = buildAuthorizeUrl({ baseUrl: s.url, clientId: s.credentials.clientId, redirectUri, state: 'st-123' });
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(redirectUri);
  expect(back.searchParams.get('state')).toBe('st-123');
  return exchangeCode({
    baseUrl: s.url,
    clientId: s.credentials.clientId,
    clientSecret: s.credentials.clientSecret,
    code: back.searchParams.get('code')!,
    scope: back.searchParams.get('scope')!,
  });
}

describe('Strava client ↔ simulator', () => {
  it('connects by OAuth code, uploads a FIT, confirms it by listing, and treats a re-upload as duplicate', async () => {
    const clock = manualClock('2026-03-02T10:00:00Z');
    sim = await startStravaSimulator({ now: clock.now, processingPolls: 1, processingSeconds: 5 });
    const connected = await connect(sim);
    expect(connected.scopes).toEqual(expect.arrayContaining(['activity:write', 'activity:read_all']));
    expect(connected.expiresAt).toBe(Math.floor(clock.now().getTime() / 1000) + 21600);

    const tokens = memoryTokens(connected);
    const budget = memoryBudget();
    const sent: string[] = [];
    const client = createStravaClient({
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      tokens,
      lock: memoryLock(),
      budget,
      now: clock.now,
      onRequest: (r) => sent.push(`${r.method} ${r.path}`),
    });
    expect((await client.athlete()).id).toMatch(/^\d+$/);

    const start = new Date('2026-03-01T07:00:00Z');
    const bytes = makeFit({
      start,
      elapsed: 1800,
      pauses: [[600, 720]],
      distanceMeters: 5000,
      heartRate: true,
      gps: true,
    });
    const request = {
      bytes,
      format: 'fit' as const,
      externalId: 'zepp-1001',
      name: 'Morning run',
      sportType: 'Run',
      trainer: false,
    };
    const first = await client.upload(request);
    expect(first.kind).toBe('processing');
    // processingPolls = 1: one poll still says processing, the next is ready.
    expect((await client.getUpload(first.uploadId)).kind).toBe('processing');
    const ready = await client.getUpload(first.uploadId);
    expect(ready.kind).toBe('ready');
    const activityId = ready.kind === 'ready' ? ready.activityId : '';

    const listed = await client.listActivities({ after: '2026-03-01T00:00:00Z', before: '2026-03-02T00:00:00Z' });
    expect(listed).toHaveLength(1);
    const remote = listed[0]!;
    expect(remote.id).toBe(activityId);
    expect(remote.externalId).toBe('zepp-1001.fit'); // Strava appends the data type
    expect(stripUploadExtension(remote.externalId)).toBe('zepp-1001');
    expect(remote.uploadId).toBe(first.uploadId);
    expect(remote.startTime).toBe('2026-03-01T07:00:00Z');
    expect(remote.elapsedSeconds).toBe(1800);
    expect(remote.movingSeconds).toBe(1800 - 120); // the 2-minute pause is respected
    expect(remote.distanceMeters).toBe(5000);
    expect(remote.sportType).toBe('Run');
    expect(remote.hasHeartrate).toBe(true);

    // The simulator kept the file byte for byte.
    expect(Buffer.from(sim.control.uploads()[0]!.bytes).equals(Buffer.from(bytes))).toBe(true);

    // Same workout again: Strava's asynchronous "duplicate of activity N".
    const again = await client.upload(request);
    expect(again.kind).toBe('processing');
    clock.advance(10); // processing finishes with time too
    const dup = await client.getUpload(again.uploadId);
    expect(dup).toMatchObject({ kind: 'duplicate', activityId });
    expect(sim.control.activities()).toHaveLength(1);
    // athlete, upload, 2 polls, 1 listing page, upload, poll
    expect(sent.map((r) => r.replace(/\/\d+$/, '/ID'))).toEqual([
      'GET /api/v3/athlete',
      'POST /api/v3/uploads',
      'GET /api/v3/uploads/ID',
      'GET /api/v3/uploads/ID',
      'GET /api/v3/athlete/activities',
      'POST /api/v3/uploads',
      'GET /api/v3/uploads/ID',
    ]);
    expect(sim.control.requestCount()).toBe(7 + 2); // plus authorize and token exchange
    expect(sim.control.count429()).toBe(0);
  });

  it('builds the activity from a real third-party FIT file with the values fitparse reads', async () => {
    sim = await startStravaSimulator({ processingPolls: 0 });
    const tokens = memoryTokens({ accessToken: 'x', refreshToken: sim.credentials.refreshToken, expiresAt: 0 });
    const client = createStravaClient({
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      tokens,
      lock: memoryLock(),
      budget: memoryBudget(),
    });
    const bytes = new Uint8Array(
      readFileSync(path.resolve(import.meta.dirname, '../fixtures/strava/python-fitparse/garmin-fenix-5-run.fit')),
    );
    const up = await client.upload({
      bytes,
      format: 'fit',
      externalId: 'fenix-5',
      name: 'Fenix',
      sportType: 'Run',
      trainer: false,
    });
    expect((await client.getUpload(up.uploadId)).kind).toBe('ready');
    const [a] = await client.listActivities({ after: '2017-06-11T00:00:00Z', before: '2017-06-12T00:00:00Z' });
    // Values from ../shared/corpus/expected.json (fitparse 1.2.0).
    expect(a).toMatchObject({
      startTime: '2017-06-11T14:34:09Z',
      elapsedSeconds: 57,
      distanceMeters: 157.6,
      hasHeartrate: true,
      externalId: 'fenix-5.fit',
    });
    // The expired token was refreshed once, and the rotation persisted.
    expect(tokens.saves).toBe(1);
    expect(tokens.current()!.refreshToken).not.toBe(sim.credentials.refreshToken);
    expect(sim.control.rotations()).toBe(1);
  });
});
