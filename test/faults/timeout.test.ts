// Issue 5: Strava accepts the connection and never answers. The client gives
// up after its own timeout (60 s, real time — the one slow test here), the
// engine holds that workout as "may have been sent", checks the listing after
// the grace, and uploads it once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAll } from '../../src/sync/sync-all.js';
import { startWorld, type World } from '../helpers/world.js';
import { expectEachWorkoutOnceOnStrava } from './helpers.js';

const WORKOUTS = 4;

describe('Strava hangs past the client timeout', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ zepp: { seed: 55, workouts: WORKOUTS, years: 1, shapes: ['strength'] } });
  }, 120_000);
  afterAll(async () => w?.close());

  it('a hung upload times out, is held, and ends on Strava exactly once', async () => {
    // Longer than the client's 60 s timeout: only the client's own timer ends the wait.
    w.strava.control.fault({ kind: 'hang', method: 'POST', path: '/api/v3/uploads', hangMs: 90_000, times: 1 });
    const started = Date.now();
    const summary = await syncAll(w.app.deps, { all: true, wait: (u) => w.clock.wait(u) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(59_000); // the hang was really waited out by the client
    expect(summary).toMatchObject({ failed: 0, pending: 0, held: 0, stoppedBy: null });
    expectEachWorkoutOnceOnStrava(w.zepp, w.strava);
    expect(w.strava.control.uploads()).toHaveLength(WORKOUTS);
    const ledger = await w.app.store.listLedger({ limit: 10_000 });
    const lost = ledger.filter((e) => /strava_upload_lost: .*no answer within 60000 ms/.test(e.reason));
    expect(lost).toHaveLength(1);
    expect(await w.app.store.countByState('strava')).toEqual({ synced: WORKOUTS });
  }, 170_000);
});
