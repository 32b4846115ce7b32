// The simulator's faults as the client meets them over loopback: server
// errors, hangs, an upload stored but its answer lost, the athlete revoking
// access mid-run, health-data consent off, manual activities and bad uploads.
import { createConnection, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import { checkHeartRate, createStravaClient, stripUploadExtension } from '../../src/strava/index.js';
import { BandsyncError } from '../../src/sync/failures.js';
import type { UploadRequest } from '../../src/sync/ports.js';
import { makeFit, manualClock, memoryBudget, memoryLock, memoryTokens } from './helpers.js';
import { expectNoSecrets } from './secrets.js';

let sim: RunningStravaSimulator | null = null;
const messages: string[] = [];
afterEach(async () => {
  if (sim) expectNoSecrets(sim, messages);
  messages.length = 0;
  await sim?.close();
  sim = null;
});

function clientFor(s: RunningStravaSimulator, now?: () => Date, timeoutMs?: number) {
  return createStravaClient({
    baseUrl: s.url,
    clientId: s.credentials.clientId,
    clientSecret: s.credentials.clientSecret,
    tokens: memoryTokens({ accessToken: 'x', refreshToken: s.credentials.refreshToken, expiresAt: 0 }),
    lock: memoryLock(),
    budget: memoryBudget(),
    ...(now ? { now } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
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

const run = (externalId: string, start: string, hr = true): UploadRequest => ({
  bytes: makeFit({ start: new Date(start), elapsed: 1200, distanceMeters: 3000, heartRate: hr, gps: true }),
  format: 'fit',
  externalId,
  name: 'Run',
  sportType: 'Run',
  trainer: false,
});

describe('Strava faults', () => {
  it('a read whose connection closes under it (a stale keep-alive socket) is sent again once, on a new connection', async () => {
    sim = await startStravaSimulator();
    const target = new URL(sim.url);
    // In front of the simulator: the connection carrying the first listing is closed as it arrives.
    let dropped = 0;
    const proxy = createServer((socket) => {
      const upstream = createConnection(Number(target.port), target.hostname);
      upstream.pipe(socket);
      socket.on('data', (chunk: Buffer) => {
        if (dropped === 0 && chunk.toString('latin1').startsWith('GET /api/v3/athlete/activities')) {
          dropped++;
          socket.destroy();
          upstream.destroy();
        } else upstream.write(chunk);
      });
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as { port: number }).port;
      const client = clientFor({ ...sim, url: `http://127.0.0.1:${port}` });
      await expect(client.listActivities({ after: '2026-01-01T00:00:00Z' })).resolves.toEqual([]);
      expect(dropped).toBe(1);
    } finally {
      proxy.close();
    }
  });

  it('a 5xx is strava_unavailable, and the next attempt goes through', async () => {
    sim = await startStravaSimulator();
    const client = clientFor(sim);
    await client.athlete();
    sim.control.fault({ kind: 'server_error', status: 503, path: '/api/v3/athlete/activities' });
    expect((await caught(client.listActivities({ after: '2026-01-01T00:00:00Z' }))).code).toBe('strava_unavailable');
    await expect(client.listActivities({ after: '2026-01-01T00:00:00Z' })).resolves.toEqual([]);
  });

  it('a hung read times out as strava_unavailable; a hung upload as strava_upload_lost', async () => {
    sim = await startStravaSimulator();
    const client = clientFor(sim, undefined, 300);
    await client.athlete();
    sim.control.fault({ kind: 'hang', path: '/api/v3/athlete', hangMs: 5000 });
    expect((await caught(client.athlete())).code).toBe('strava_unavailable');
    sim.control.fault({ kind: 'hang', method: 'POST', path: '/api/v3/uploads', hangMs: 5000 });
    expect((await caught(client.upload(run('zepp-h', '2026-02-01T07:00:00Z')))).code).toBe('strava_upload_lost');
  });

  it('an upload stored but its answer lost is found by listing, not uploaded again', async () => {
    const clock = manualClock('2026-02-02T12:00:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const client = clientFor(sim, clock.now);
    sim.control.fault({ kind: 'drop_response', method: 'POST', path: '/api/v3/uploads' });
    const err = await caught(client.upload(run('zepp-777', '2026-02-01T07:00:00Z')));
    expect(err.code).toBe('strava_upload_lost');
    expect(sim.control.uploads()).toHaveLength(1); // Strava did get it
    clock.advance(30);
    const listed = await client.listActivities({ after: '2026-02-01T00:00:00Z', before: '2026-02-02T00:00:00Z' });
    expect(listed.map((a) => stripUploadExtension(a.externalId))).toEqual(['zepp-777']);
    expect(sim.control.uploads()).toHaveLength(1);
  });

  it('a 429 storm keeps answering strava_rate_limited with a reset time, never a hang or a crash', async () => {
    const clock = manualClock('2026-02-02T12:07:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const client = clientFor(sim, clock.now);
    sim.control.fault({ kind: 'rate_limit', path: /^\/api\/v3\//, times: Infinity });
    for (let i = 0; i < 3; i++) {
      const e = await caught(client.athlete());
      expect(e).toMatchObject({
        code: 'strava_rate_limited',
        retryAt: i === 0 ? '2026-02-02T12:15:00.000Z' : expect.any(String),
      });
      clock.advance(15 * 60);
    }
    expect(sim.control.count429()).toBe(3); // one per window: the client never hammers a blocked window
    sim.control.clearFaults();
    await expect(client.athlete()).resolves.toBeTruthy();
  });

  it('the athlete revoking access mid-run gives strava_auth_revoked', async () => {
    sim = await startStravaSimulator();
    const client = clientFor(sim);
    await client.upload(run('zepp-a', '2026-02-01T07:00:00Z'));
    sim.control.deauthorizeAthlete();
    expect((await caught(client.upload(run('zepp-b', '2026-02-01T09:00:00Z')))).code).toBe('strava_auth_revoked');
    expect(sim.control.uploads()).toHaveLength(1);
  });

  it('health-data consent off: HR sent, listing says has_heartrate false, checkHeartRate asks the user', async () => {
    const clock = manualClock('2026-02-02T12:00:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const client = clientFor(sim, clock.now);
    await client.upload(run('zepp-hr-on', '2026-02-01T07:00:00Z'));
    clock.advance(30);
    await client.listActivities({ after: '2026-02-01T00:00:00Z' }); // processed while consent was on
    sim.control.setHeartRateConsent(false);
    await client.upload(run('zepp-hr-off', '2026-02-01T09:00:00Z'));
    await client.upload(run('zepp-no-hr', '2026-02-01T11:00:00Z', false));
    clock.advance(30);
    const byId = new Map(
      (await client.listActivities({ after: '2026-02-01T00:00:00Z' })).map((a) => [
        stripUploadExtension(a.externalId),
        a,
      ]),
    );
    expect(checkHeartRate(byId.get('zepp-hr-on')!, true)).toBeNull();
    expect(checkHeartRate(byId.get('zepp-no-hr')!, false)).toBeNull();
    const problem = checkHeartRate(byId.get('zepp-hr-off')!, true);
    expect(problem?.code).toBe('strava_hr_consent');
    expect(problem?.message).toContain('health data');
  });

  it('a duplicate by start time (different external_id) is reported as duplicate of the existing activity', async () => {
    const clock = manualClock('2026-02-02T12:00:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const existing = sim.control.addActivity({
      startTime: '2026-02-01T07:00:00Z',
      elapsedSeconds: 1200,
      sportType: 'Run',
      name: 'Recorded with the Strava app',
    });
    const client = clientFor(sim, clock.now);
    const up = await client.upload(run('zepp-x', '2026-02-01T07:00:00Z'));
    clock.advance(5);
    expect(await client.getUpload(up.uploadId)).toMatchObject({
      kind: 'duplicate',
      activityId: String(existing.id),
      message: `zepp-x.fit duplicate of activity ${existing.id}`,
    });
  });

  it('a re-upload under the same external_id (another start time) is a duplicate; a gzipped FIT is read too', async () => {
    const clock = manualClock('2026-02-02T12:00:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const client = clientFor(sim, clock.now);
    const first = await client.upload(run('zepp-same', '2026-02-01T07:00:00Z'));
    clock.advance(5);
    const ready = await client.getUpload(first.uploadId);
    expect(ready.kind).toBe('ready');
    const second = await client.upload(run('zepp-same', '2026-02-01T15:00:00Z'));
    clock.advance(5);
    expect(await client.getUpload(second.uploadId)).toMatchObject({
      kind: 'duplicate',
      activityId: ready.kind === 'ready' ? ready.activityId : '',
    });
    // Strava takes fit.gz as well; the simulator unpacks it before reading.
    const { gzipSync } = await import('node:zlib');
    const gz = run('zepp-gz', '2026-02-01T18:00:00Z');
    const up = await client.upload({ ...gz, bytes: new Uint8Array(gzipSync(gz.bytes)), format: 'fit.gz' as 'fit' });
    clock.advance(5);
    expect((await client.getUpload(up.uploadId)).kind).toBe('ready');
    expect(sim.control.activities().map((a) => a.externalId)).toEqual(['zepp-same.fit', 'zepp-gz.fit']);
  });

  it('a duplicate answered already at submission is a duplicate too; hide_from_home reaches Strava', async () => {
    const clock = manualClock('2026-02-02T12:00:00Z');
    sim = await startStravaSimulator({ now: clock.now });
    const client = clientFor(sim, clock.now);
    const first = await client.upload({ ...run('zepp-s', '2026-02-01T07:00:00Z'), hideFromHome: true });
    clock.advance(5);
    const ready = await client.getUpload(first.uploadId);
    expect(sim.control.activities()[0]!.hideFromHome).toBe(true);
    sim.control.setDuplicateAtSubmission(true);
    const again = await client.upload(run('zepp-s2', '2026-02-01T07:00:00Z'));
    expect(again).toMatchObject({ kind: 'duplicate', activityId: ready.kind === 'ready' ? ready.activityId : 'none' });
    expect(again.uploadId).toBe(String(sim.control.uploads()[1]!.uploadId));
  });

  it('refuses an empty file with a clear reason, and a corrupt file ends in an error status', async () => {
    sim = await startStravaSimulator({ processingPolls: 0 });
    const client = clientFor(sim);
    const empty = await caught(client.upload({ ...run('zepp-e', '2026-02-01T07:00:00Z'), bytes: new Uint8Array() }));
    expect(empty.code).toBe('strava_upload_rejected');
    expect(empty.message).toContain('Upload data empty');
    const up = await client.upload({
      ...run('zepp-c', '2026-02-01T07:00:00Z'),
      bytes: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    });
    expect(await client.getUpload(up.uploadId)).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('malformed'),
    });
    expect(await client.getUpload('999')).toMatchObject({ kind: 'error' });
  });

  it('creates a manual activity in the athlete zone, visible in the listing', async () => {
    sim = await startStravaSimulator({ athleteUtcOffsetSeconds: 3600 });
    const client = clientFor(sim);
    const { activityId } = await client.createManual({
      externalId: 'zepp-m',
      name: 'Strength',
      sportType: 'WeightTraining',
      startTimeLocal: '2026-02-01T18:30:00',
      elapsedSeconds: 2400,
      trainer: true,
    });
    const [a] = await client.listActivities({ after: '2026-02-01T00:00:00Z', before: '2026-02-02T00:00:00Z' });
    expect(a).toMatchObject({
      id: activityId,
      startTime: '2026-02-01T17:30:00Z',
      elapsedSeconds: 2400,
      sportType: 'WeightTraining',
      externalId: null,
    });
  });

  it('pages a long history 200 at a time', async () => {
    sim = await startStravaSimulator();
    for (let i = 0; i < 450; i++) {
      sim.control.addActivity({
        startTime: new Date(Date.parse('2025-01-01T06:00:00Z') + i * 3600_000).toISOString(),
        elapsedSeconds: 600,
        sportType: 'Walk',
        externalId: `zepp-${i}.fit`,
      });
    }
    const client = clientFor(sim);
    const listed = await client.listActivities({ after: '2025-01-01T06:00:00Z', before: '2025-01-19T12:00:00Z' });
    // [06:00 Jan 1, 12:00 Jan 19) holds 18 days × 24 h + 6 h = 438 hourly starts.
    expect(listed).toHaveLength(438);
    expect(new Set(listed.map((a) => a.id)).size).toBe(438);
    const pages = sim.control.requests().filter((r) => r.url.startsWith('/api/v3/athlete/activities'));
    expect(pages).toHaveLength(3);
    expect(pages.every((r) => new URL(r.url, 'http://x').searchParams.get('per_page') === '200')).toBe(true);
  });
});
