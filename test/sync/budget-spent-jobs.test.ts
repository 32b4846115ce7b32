// Upload and confirm jobs that find Strava's read budget spent reschedule
// themselves to the reset (a job on the queue, not a failure waiting for the
// daemon's next dispatch), against the Strava simulator on a simulated clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobOptions, Queue } from '../../src/sync/ports.js';
import { JOBS, registerTasks } from '../../src/sync/tasks.js';
import { addReady } from '../helpers/athletes.js';
import { startWorld, type World } from '../helpers/world.js';

type Handler = (payload: unknown, ctx: { jobId: string; signal: AbortSignal }) => Promise<void>;

/** A queue that only records: the test runs each handler itself. */
function recordingQueue() {
  const handlers = new Map<string, Handler>();
  const sent: { name: string; payload: Record<string, unknown>; options: JobOptions }[] = [];
  const queue: Queue = {
    async send(name, payload, options = {}) {
      sent.push({ name, payload, options });
      return `job-${sent.length}`;
    },
    async work(name, handler) {
      handlers.set(name, handler as Handler);
    },
    async depth() {
      return {};
    },
    async stop() {},
  } as Queue;
  const run = (name: string, payload: unknown) =>
    handlers.get(name)!(payload, { jobId: 'j', signal: new AbortController().signal });
  return { queue, sent, run };
}

describe('jobs on a spent read budget', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({});
  }, 120_000);
  afterAll(async () => w?.close());

  it('an upload window and a confirmation reschedule to the reset instead of failing', async () => {
    const { app, clock, strava } = w;
    const account = await app.store.saveAccount({
      kind: 'files',
      label: 'band',
      settings: { path: '/srv/band', connectedAt: clock.now().toISOString() },
    });
    clock.advance(30 * 60_000); // 09:31
    const id = await addReady(
      app.store,
      account.id,
      'w-1',
      new Date(clock.now().getTime() - 20 * 60_000).toISOString(),
    );
    const { queue, sent, run } = recordingQueue();
    await registerTasks(app.deps, queue, { pollIntervalSeconds: 3600 });

    // This window's reads are spent (as Strava's headers would say): the 09:45 reset frees them.
    await app.budget.record({ overall: [200, 2000, 100, 100], read: [100, 1000, 100, 100] }, clock.now());
    const requests = strava.control.requestCount();
    await run(JOBS.window, { workoutIds: [id] });
    expect(strava.control.requestCount()).toBe(requests);
    const again = sent.find((s) => s.name === JOBS.window)!;
    expect(again.payload).toMatchObject({ workoutIds: [id] });
    expect(again.options.startAfter?.toISOString()).toBe('2026-11-02T09:45:00.000Z');
    expect(again.options.priority).toBe(0);

    // At the reset it uploads; its confirmation then finds the reads spent again and waits for 10:00.
    clock.advance(Date.parse('2026-11-02T09:45:00.000Z') - clock.now().getTime());
    await run(JOBS.window, again.payload);
    expect((await app.store.getRecord(id, 'strava'))?.state).toBe('processing');
    await app.budget.record({ overall: [200, 2000, 100, 200], read: [100, 1000, 100, 200] }, clock.now());
    sent.length = 0;
    await run(JOBS.confirm, { workoutIds: [id], round: 1 });
    const confirm = sent.find((s) => s.name === JOBS.confirm)!;
    expect(confirm.payload).toMatchObject({ workoutIds: [id], round: 1 });
    expect(confirm.options.startAfter?.toISOString()).toBe('2026-11-02T10:00:00.000Z');

    clock.advance(Date.parse('2026-11-02T10:00:00.000Z') - clock.now().getTime());
    await run(JOBS.confirm, confirm.payload);
    expect((await app.store.getRecord(id, 'strava'))?.state).toBe('synced');
    expect(strava.control.count429()).toBe(0);
  }, 120_000);
});
