// Issue 16 item 7: the dashboard's backfill progress is honest. Through the
// real dashboard engine (composed app, embedded database, both simulators):
// uploads still processing at Strava are not "done", each outcome is counted
// on its own, a rate-limit wait says until when, the range's end is kept (a
// backfill of October uploads nothing from November), and retrying one
// workout afterwards leaves the backfill's summary as it was. Expected
// numbers come from the simulators (what Zepp holds, what reached Strava).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDashboardEngine } from '../../src/dashboard-engine.js';
import type { BackfillProgress, DashboardEngine } from '../../src/server/deps.js';
import { startWorld, type World } from '../helpers/world.js';
import { until } from '../helpers/until.js';
import { steady } from '../server/workouts.js';
import { workoutDateTime } from '../../src/server/views/time.js';

describe('backfill progress in the dashboard', () => {
  let world: World;
  let engine: DashboardEngine;
  const events: BackfillProgress[] = [];

  beforeAll(async () => {
    // The simulated clock starts at 2026-11-02 09:01 UTC; a year of history back from it.
    world = await startWorld({ zepp: { seed: 31, workouts: 14, years: 1 } });
    engine = createDashboardEngine(world.app);
    engine.subscribe((p) => events.push(p));
  }, 120_000);
  afterAll(() => world?.close());

  it('counts uploaded, processing, failed and waiting separately, says until when it waits, and keeps the range', async () => {
    const truth = world.zepp.truth();
    // Not the newest few: the range ends (exclusive) on the third newest workout's day.
    const starts = truth.map((t) => t.startTime).sort();
    const cut = starts[starts.length - 3]!.slice(0, 10); // exclusive end day
    const range = { until: `${cut}T00:00:00.000Z` };
    const inRange = truth.filter((t) => Date.parse(t.startTime) < Date.parse(range.until));
    expect(inRange.length).toBeGreaterThanOrEqual(10);

    // Strava's 15-minute limit is hit at the first upload, then it refuses one file.
    world.strava.control.fault({ kind: 'rate_limit', method: 'POST', path: '/api/v3/uploads', times: 1 });
    world.strava.control.fault({
      kind: 'server_error',
      method: 'POST',
      path: '/api/v3/uploads',
      status: 400,
      times: 1,
    });
    // Issue 17: the progress is counted in the database (one count per state), never by reading
    // every record of the range, which it did about once a second while 10,000 workouts went up.
    const lists = vi.spyOn(world.app.deps.store, 'listRecords');
    await engine.startBackfill(range);
    const last = await until('the backfill finished', async () => events.find((e) => e.finished), 120_000);
    const wholeRange = lists.mock.calls.filter(([f]) => f.until === range.until && f.states === undefined);
    lists.mockRestore();
    expect(wholeRange).toEqual([]);

    const onStrava = world.strava.control.activities();
    // Nothing after the range's end went up.
    expect(onStrava.every((a) => a.startMs < Date.parse(range.until))).toBe(true);
    expect(last).toMatchObject({
      total: inRange.length,
      done: inRange.length,
      uploaded: onStrava.length,
      processing: 0,
      failed: 1,
      pending: 0,
      duplicates: 0,
      skipped: 0,
      finished: true,
      waiting: null,
    });
    expect(onStrava.length).toBe(inRange.length - 1);

    // While it ran: every event adds up, uploads sat at Strava as "processing" (not done),
    // and the wait said when it resumes: the end of Strava's 15-minute window, 09:15 UTC.
    for (const e of events)
      expect(e.uploaded + e.processing + e.duplicates + e.skipped + e.failed + e.pending).toBe(e.total);
    const processing = events.filter((e) => !e.finished && e.processing > 0);
    expect(processing.length).toBeGreaterThan(0);
    for (const e of processing) expect(e.done).toBe(e.total - e.processing - e.pending);
    const waited = events.find((e) => e.resumesAt);
    expect(waited).toMatchObject({ waiting: "Strava's rate limit is reached", resumesAt: '2026-11-02T09:15:00.000Z' });
  }, 180_000);

  it('a single retry afterwards leaves the backfill summary as it was', async () => {
    const summary = (await engine.status()).backfill;
    expect(summary?.finished).toBe(true);
    const [failed] = await world.app.store.listRecords({ destination: 'strava', states: ['failed'], limit: 1 });
    await engine.retry(failed!.workoutId);
    await until(
      'the retried workout on Strava',
      async () => (await world.app.store.getRecord(failed!.workoutId, 'strava'))?.state === 'synced',
      60_000,
    );
    expect((await engine.status()).backfill).toEqual(summary);
  }, 90_000);

  it("the dry-run plan carries each workout's own UTC offset, so it shows the clock time it was recorded at", async () => {
    const [zepp] = (await world.app.store.listAccounts()).filter((a) => a.kind === 'zepp-cloud');
    // 05:30 UTC recorded at UTC+2: the person ran at 07:30.
    const w = steady({
      sport: 'running',
      sourceId: 'athens-morning',
      startTime: '2026-06-14T05:30:00.000Z',
      utcOffsetSeconds: 7200,
      seconds: 1800,
      meters: 5000,
    });
    const { id } = await world.app.store.saveWorkout(zepp!.id, w);
    await world.app.store.ensureRecord(id, 'strava', `bandsync-${w.fingerprint}`);
    // As discovery leaves a workout it stored: read, waiting to be uploaded.
    await world.app.store.transition({
      workoutId: id,
      destination: 'strava',
      from: ['discovered'],
      to: 'fetched',
      reason: 'test: stored as discovery stores it',
    });
    const plan = await engine.planBackfill({ since: '2026-06-14T00:00:00.000Z', until: '2026-06-15T00:00:00.000Z' });
    const row = plan.find((r) => r.workoutId === id);
    expect(row).toMatchObject({ decision: 'upload', utcOffsetSeconds: 7200 });
    expect(workoutDateTime(row!.startTime, row!.utcOffsetSeconds!)).toBe('Sun 14 Jun 2026, 07:30');
  }, 120_000);
});
