// PUT /api/v3/activities/{id} (UpdatableActivity) between the client and the
// simulator over loopback: what changes, what is ignored, who may change it,
// and that it is counted as a non-upload ("read") request of the rate budget.
import { afterEach, describe, expect, it } from 'vitest';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import { createStravaClient } from '../../src/strava/index.js';
import { BandsyncError } from '../../src/sync/failures.js';
import { memoryBudget, memoryLock, memoryTokens } from './helpers.js';

let sim: RunningStravaSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

function clientFor(s: RunningStravaSimulator, refreshToken = s.credentials.refreshToken) {
  const budget = memoryBudget();
  const client = createStravaClient({
    baseUrl: s.url,
    clientId: s.credentials.clientId,
    clientSecret: s.credentials.clientSecret,
    tokens: memoryTokens({ accessToken: 'expired', refreshToken, expiresAt: 0 }),
    lock: memoryLock(),
    budget,
  });
  return { client, budget };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BandsyncError);
  return (e as BandsyncError).code;
}

/** A raw PUT with the simulator's own token, to see its HTTP answer unfiltered by the client. */
async function rawPut(s: RunningStravaSimulator, id: number, body: string, contentType: string) {
  const token = (await (
    await fetch(`${s.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: s.credentials.clientId,
        client_secret: s.credentials.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: s.control.issueRefreshToken(),
      }),
    })
  ).json()) as { access_token: string };
  return fetch(`${s.url}/api/v3/activities/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token.access_token}`, 'content-type': contentType },
    body,
  });
}

const existing = (s: RunningStravaSimulator, athleteId?: number) =>
  s.control.addActivity({
    startTime: '2026-03-01T07:00:00Z',
    elapsedSeconds: 1800,
    sportType: 'Run',
    name: 'Morning Run',
    ...(athleteId !== undefined ? { athleteId } : {}),
  });

describe('PUT /activities/{id}', () => {
  it('changes sport_type and hide_from_home, counted once in the read budget', async () => {
    sim = await startStravaSimulator();
    const act = existing(sim);
    const { client, budget } = clientFor(sim);
    const before = budget.reservations;
    const updated = await client.updateActivity(String(act.id), { sportType: 'TrailRun', hideFromHome: true });
    expect(updated).toEqual({ id: String(act.id), sportType: 'TrailRun', hideFromHome: true });
    expect(act.sportType).toBe('TrailRun');
    expect(act.hideFromHome).toBe(true);
    expect(act.name).toBe('Morning Run'); // not sent, not changed
    expect(budget.reservations - before).toBe(1);
    const put = sim.control.requests().filter((r) => r.method === 'PUT');
    expect(put).toEqual([expect.objectContaining({ url: `/api/v3/activities/${act.id}`, status: 200 })]);
    // Strava's read bucket covers PUT: its usage went up by one, the overall too.
    expect(sim.control.usage()).toMatchObject({ read15: 1, overall15: 1 });
    const snapshot = await budget.snapshot(new Date());
    expect(snapshot.read.usage15).toBe(1);
  });

  it('answers with rate-limit headers, ignores fields UpdatableActivity lacks, and reads form bodies too', async () => {
    sim = await startStravaSimulator();
    const act = existing(sim);
    const res = await rawPut(
      sim,
      act.id,
      new URLSearchParams({
        type: 'Walk',
        sport_type: 'Hike',
        distance: '99',
        private: 'true',
        gear_id: 'b1',
      }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-usage')).toMatch(/^\d+,\d+$/);
    expect(res.headers.get('x-readratelimit-usage')).toMatch(/^\d+,\d+$/); // PUT is a read request, not ","
    const body = (await res.json()) as Record<string, unknown>;
    // `type` is ignored when sport_type is present; distance and visibility cannot be set here.
    expect(body).toMatchObject({ id: act.id, sport_type: 'Hike', distance: 0, private: false, gear_id: 'b1' });
    expect(act.sportType).toBe('Hike');
    const cleared = await rawPut(sim, act.id, JSON.stringify({ gear_id: 'none' }), 'application/json');
    expect(((await cleared.json()) as { gear_id: unknown }).gear_id).toBeNull();
  });

  it('refuses a sport_type outside the enum with 400 and changes nothing', async () => {
    sim = await startStravaSimulator();
    const act = existing(sim);
    const res = await rawPut(sim, act.id, JSON.stringify({ sport_type: 'Other', name: 'x' }), 'application/json');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: 'Bad Request',
      errors: [{ resource: 'Activity', field: 'sport_type', code: 'invalid' }],
    });
    expect(act.sportType).toBe('Run');
    expect(act.name).toBe('Morning Run');
    const { client } = clientFor(sim);
    expect(await codeOf(client.updateActivity(String(act.id), { sportType: 'Other' }))).toBe('strava_update_refused');
  });

  it('an unknown id is 404; refused, not retried', async () => {
    sim = await startStravaSimulator();
    const { client } = clientFor(sim);
    expect(await codeOf(client.updateActivity('123456', { sportType: 'Run' }))).toBe('strava_update_refused');
    expect(sim.control.requests().filter((r) => r.method === 'PUT')).toEqual([
      expect.objectContaining({ status: 404 }),
    ]);
  });

  it("another athlete's activity is refused without refreshing the token or touching it", async () => {
    sim = await startStravaSimulator();
    const theirs = existing(sim, 999);
    const { client } = clientFor(sim);
    await client.athlete(); // token refreshed once here
    const rotations = sim.control.rotations();
    expect(await codeOf(client.updateActivity(String(theirs.id), { sportType: 'Walk' }))).toBe('strava_update_refused');
    expect(theirs.sportType).toBe('Run');
    expect(sim.control.rotations()).toBe(rotations);
    // It is not the athlete's to list either.
    expect(await client.listActivities({ after: '2026-02-01T00:00:00Z' })).toEqual([]);
  });

  it('a token without activity:write is strava_scope_missing', async () => {
    sim = await startStravaSimulator();
    const act = existing(sim);
    const { client } = clientFor(sim, sim.control.issueRefreshToken(['read', 'activity:read_all']));
    expect(await codeOf(client.updateActivity(String(act.id), { sportType: 'Walk' }))).toBe('strava_scope_missing');
    expect(act.sportType).toBe('Run');
  });

  it('a spent budget sends nothing and says when to try again', async () => {
    sim = await startStravaSimulator();
    const act = existing(sim);
    const { client, budget } = clientFor(sim);
    await client.athlete();
    await budget.block(new Date(Date.now() + 600_000).toISOString());
    const e = await client.updateActivity(String(act.id), { sportType: 'Walk' }).catch((err: BandsyncError) => err);
    expect(e).toBeInstanceOf(BandsyncError);
    expect((e as BandsyncError).code).toBe('strava_rate_limited');
    expect((e as BandsyncError).retryAt).toBeTruthy();
    expect(sim.control.requests().filter((r) => r.method === 'PUT')).toHaveLength(0);
  });
});
