// Issue 5: the sync engine under the Strava simulator's injected faults — a
// 429 storm, server errors, a hung request, an upload stored but its answer
// lost. Simulated clock (rate-limit resets and the lost-upload grace pass in
// an instant); each scenario ends with every workout on Strava exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { syncAll, type SyncSummary } from '../../src/sync/sync-all.js';
import { BandsyncError } from '../../src/sync/failures.js';
import { startWorld, type World } from '../helpers/world.js';
import { apiRequests, expectEachWorkoutOnceOnStrava, nextQuarter } from './helpers.js';

const WORKOUTS = 8;
let world: World | null = null;

afterEach(async () => {
  await world?.close();
  world = null;
});

async function newWorld(seed: number): Promise<World> {
  world = await startWorld({
    zepp: { seed, workouts: WORKOUTS, years: 1, shapes: ['run', 'strength', 'indoor_cycling'] },
  });
  return world;
}

const sync = (w: World) => syncAll(w.app.deps, { all: true, wait: (u) => w.clock.wait(u) });

/** Runs sync until nothing is pending, as the daemon would; a run may end on a transient error. */
async function syncUntilDone(
  w: World,
  maxRuns: number,
): Promise<{ runs: number; errors: string[]; last: SyncSummary | null }> {
  const errors: string[] = [];
  let last: SyncSummary | null = null;
  for (let runs = 1; runs <= maxRuns; runs++) {
    try {
      last = await sync(w);
      if (last.pending === 0 && last.held === 0) return { runs, errors, last };
    } catch (err) {
      // Only a transient Strava problem may end a run early; anything else is a bug.
      expect(err).toBeInstanceOf(BandsyncError);
      expect((err as BandsyncError).code).toBe('strava_unavailable');
      errors.push((err as Error).message);
    }
    await w.clock.wait(new Date(w.clock.now().getTime() + 10 * 60_000));
  }
  return { runs: maxRuns + 1, errors, last };
}

describe('sync engine under injected Strava faults', () => {
  it('a 429 storm: every 429 is waited out to the window reset, never retried inside the window', async () => {
    const w = await newWorld(31);
    w.strava.control.fault({ kind: 'rate_limit', method: 'POST', path: '/api/v3/uploads', times: 3 });
    w.strava.control.fault({ kind: 'rate_limit', method: 'GET', path: '/api/v3/athlete/activities', times: 2 });
    const summary = await sync(w);
    expect(summary).toMatchObject({ uploaded: WORKOUTS, failed: 0, pending: 0, stoppedBy: null });
    // Exactly the injected 429s: the engine provoked none of its own.
    expect(w.strava.control.count429()).toBe(5);
    const api = apiRequests(w.strava);
    api.forEach((r, i) => {
      if (r.status !== 429) return;
      const next = api[i + 1];
      expect(next, 'a request after the 429').toBeDefined();
      expect(Date.parse(next!.at), `request after the 429 at ${r.at}`).toBeGreaterThanOrEqual(
        nextQuarter(Date.parse(r.at)),
      );
    });
    expectEachWorkoutOnceOnStrava(w.zepp, w.strava);
    expect(w.strava.control.uploads()).toHaveLength(WORKOUTS);
    expect(await w.app.store.countByState('strava')).toEqual({ synced: WORKOUTS });
  }, 180_000);

  it('server errors on uploads and listings: held, retried after checking the listing, never doubled', async () => {
    const w = await newWorld(32);
    w.strava.control.fault({ kind: 'server_error', status: 503, method: 'POST', path: '/api/v3/uploads', times: 3 });
    w.strava.control.fault({
      kind: 'server_error',
      status: 500,
      method: 'GET',
      path: '/api/v3/athlete/activities',
      times: 1,
    });
    const { runs, errors } = await syncUntilDone(w, 4);
    expect(runs).toBeLessThanOrEqual(4);
    // The listing error surfaced as a clear, transient Strava error (or was retried within the run).
    for (const e of errors) expect(e).toMatch(/Strava/);
    expectEachWorkoutOnceOnStrava(w.zepp, w.strava);
    // The 3 refused uploads never reached Strava's store; each workout was stored once.
    expect(w.strava.control.uploads()).toHaveLength(WORKOUTS);
    expect(await w.app.store.countByState('strava')).toEqual({ synced: WORKOUTS });
    const ledger = await w.app.store.listLedger({ limit: 10_000 });
    expect(ledger.filter((e) => /strava_unavailable: .*will check the listing/.test(e.reason))).toHaveLength(3);
  }, 180_000);

  it('a file Strava refused before a rate-limit wait is not sent again when the window resumes', async () => {
    const w = await newWorld(34);
    // The window's first upload is refused for good (HTTP 400), the second meets the rate limit.
    w.strava.control.fault({ kind: 'server_error', status: 400, method: 'POST', path: '/api/v3/uploads', times: 1 });
    w.strava.control.fault({ kind: 'rate_limit', method: 'POST', path: '/api/v3/uploads', times: 1 });
    const summary = await sync(w);
    expect(summary).toMatchObject({ uploaded: WORKOUTS - 1, failed: 1, stoppedBy: null });
    // 1 refused + 1 rate-limited + the other WORKOUTS - 1 after the wait: the refused one was not re-sent.
    const posts = apiRequests(w.strava).filter((r) => r.method === 'POST' && r.url.startsWith('/api/v3/uploads'));
    expect(posts).toHaveLength(WORKOUTS + 1);
    expect(w.strava.control.uploads()).toHaveLength(WORKOUTS - 1);
    expect(await w.app.store.countByState('strava')).toEqual({ synced: WORKOUTS - 1, failed: 1 });
  }, 180_000);

  it('a hung upload (gateway timeout after a hang) is held and resolved without a second copy', async () => {
    const w = await newWorld(33);
    w.strava.control.fault({ kind: 'hang', method: 'POST', path: '/api/v3/uploads', hangMs: 1500, times: 2 });
    const { runs } = await syncUntilDone(w, 3);
    expect(runs).toBeLessThanOrEqual(3);
    const hung = w.strava.control.requests().filter((r) => r.status === 504);
    expect(hung).toHaveLength(2);
    expectEachWorkoutOnceOnStrava(w.zepp, w.strava);
    expect(w.strava.control.uploads()).toHaveLength(WORKOUTS);
    expect(await w.app.store.countByState('strava')).toEqual({ synced: WORKOUTS });
  }, 180_000);

  it('an upload accepted but its answer dropped is found by listing, not uploaded again', async () => {
    const w = await newWorld(34);
    w.strava.control.fault({ kind: 'drop_response', method: 'POST', path: '/api/v3/uploads', times: 1 });
    const { runs } = await syncUntilDone(w, 3);
    expect(runs).toBeLessThanOrEqual(3);
    // Strava stored the dropped upload; bandsync never sent that workout a second time.
    expect(w.strava.control.uploads()).toHaveLength(WORKOUTS);
    expect(new Set(w.strava.control.uploads().map((u) => u.externalId)).size).toBe(WORKOUTS);
    expectEachWorkoutOnceOnStrava(w.zepp, w.strava);
    expect(await w.app.store.countByState('strava')).toEqual({ synced: WORKOUTS });
    const ledger = await w.app.store.listLedger({ limit: 10_000 });
    const resolved = ledger.filter((e) => /resolved by listing/.test(e.reason));
    expect(resolved).toHaveLength(1);
    // That workout was claimed for upload exactly once.
    expect(
      ledger.filter(
        (e) => e.workoutId === resolved[0]!.workoutId && e.toState === 'uploading' && e.fromState !== 'uploading',
      ),
    ).toHaveLength(1);
  }, 180_000);
});
