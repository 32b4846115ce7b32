// Issue 12 item 2: a worker that cannot act on an upload job says why, in the
// log and in the ledger, instead of dropping it silently: here a job names
// history the account's stored approval does not cover (a process that
// dispatched it with its own --all, as before). Nothing reaches Strava.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/sync/discover.js';
import { JOBS, registerTasks } from '../../src/sync/tasks.js';
import { approveHistory } from '../../src/sync/approval.js';
import { startWorld, type World } from '../helpers/world.js';
import { until } from '../helpers/until.js';

describe('an upload job for history that is not approved', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ zepp: { seed: 77, workouts: 3, years: 1 } });
  }, 300_000);
  afterAll(() => world?.close());

  it('is refused with the reason in the ledger, and runs once the history is approved', async () => {
    const { app } = world;
    const account = (await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
    await discover(app.deps, account);
    const ids = (await app.store.listRecords({ destination: 'strava' })).map((r) => r.workoutId);
    expect(ids).toHaveLength(3);
    await registerTasks(app.deps, app.queue, { pollIntervalSeconds: 3600 });

    await app.queue.send(JOBS.window, { workoutIds: ids }, {});
    const refused = await until('the refusal in the ledger', async () => {
      const entries = await app.store.listLedger({ event: 'job_refused' });
      return entries.length === 3 ? entries : false;
    });
    expect(new Set(refused.map((e) => e.workoutId))).toEqual(new Set(ids));
    expect(refused[0]!.reason).toMatch(/^not approved for upload: recorded before .*bandsync sync --all/);
    expect(world.strava.control.uploads()).toHaveLength(0);

    // Once a backfill is approved (stored), the same job uploads them.
    await approveHistory(app.deps, account, null, 'test backfill');
    await app.queue.send(JOBS.window, { workoutIds: ids }, {});
    await until('the uploads', async () => world.strava.control.uploads().length === 3);
  }, 300_000);
});
