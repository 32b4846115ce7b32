// Reads leave a reserve of each window to uploads only while an upload waits
// (found by bench/sync: with nothing left to upload, the reserve held back
// the last confirmation listing for a whole 15-minute window).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/sync/discover.js';
import { reserveOnlyWhileUploadsWait } from '../../src/sync/read-reserve.js';
import { startWorld, type World } from '../helpers/world.js';

describe('read reserve for uploads, on the real store', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ zepp: { seed: 3, workouts: 2, years: 1, shapes: ['strength'] } });
  }, 120_000);
  afterAll(async () => w?.close());

  it('spends the reserve on reads when nothing waits to upload, keeps it when something does', async () => {
    const { app, clock } = w;
    const now = clock.now();
    // 195 of 200 spent this window (as Strava's headers would say); 5 left, reserve 10.
    await app.budget.record({ overall: [200, 2000, 195, 195], read: [100, 1000, 20, 20] }, now);
    const budget = reserveOnlyWhileUploadsWait(app.budget, app.store);
    const nextReset = new Date(Math.ceil((now.getTime() + 1) / 900_000) * 900_000).toISOString();

    // Nothing discovered: nothing waits to go up, so a read may use the last requests.
    expect(await budget.tryReserve('read', now, 10)).toBeNull();
    // The store itself still keeps the reserve when asked to (the wrapper decides, not the store).
    expect(await app.budget.tryReserve('read', now, 10)).toBe(nextReset);

    const account = (await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
    expect(await discover(app.deps, account)).toMatchObject({ stored: 2 });
    // Now two workouts wait: reads stop at the reserve until the window resets.
    expect(await budget.tryReserve('read', now, 10)).toBe(nextReset);
    // Uploads are not held back by it.
    expect(await budget.tryReserve('upload', now, 10)).toBeNull();
  }, 120_000);
});
