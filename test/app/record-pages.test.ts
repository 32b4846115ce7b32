// Issue 17: what reads every record (the sport rules' preview, a backfill's
// plan) reads them a page at a time, all of them, in the store's order.
import { describe, expect, it } from 'vitest';
import { RECORD_PAGE, recordPages } from '../../src/app/record-pages.js';
import { sportRuleChanges } from '../../src/app/settings.js';
import type { ListedRecord, Store, StoredWorkout } from '../../src/sync/ports.js';
import { steady } from '../server/workouts.js';

/** A store of `n` records whose listRecords remembers each call's limit. */
function fakeStore(n: number) {
  const records = Array.from(
    { length: n },
    (_, i) =>
      ({
        workoutId: `w${i}`,
        destination: 'strava',
        state: i % 3 ? 'fetched' : 'synced',
        activityId: i % 3 ? null : `a${i}`,
        startTime: new Date(Date.UTC(2024, 0, 1) - i * 60_000).toISOString(),
      }) as unknown as ListedRecord,
  );
  const limits: (number | undefined)[] = [];
  const store = {
    async listRecords(filter: Parameters<Store['listRecords']>[0]) {
      limits.push(filter.limit);
      const from = filter.offset ?? 0;
      return records.slice(from, filter.limit === undefined ? undefined : from + filter.limit);
    },
    async getWorkout(id: string): Promise<StoredWorkout> {
      const workout = steady({
        sport: 'running',
        sourceId: id,
        startTime: '2024-01-01T00:00:00.000Z',
        seconds: 60,
        meters: 100,
      });
      return { id, accountId: 'a', workout, revision: null, createdAt: workout.startTime };
    },
  };
  return { store, limits, records };
}

describe('records a page at a time', () => {
  it('recordPages yields every record once, in order, never more than a page per read', async () => {
    const { store, limits, records } = fakeStore(5);
    const pages: string[][] = [];
    for await (const page of recordPages(store, { destination: 'strava' }, 2)) pages.push(page.map((r) => r.workoutId));
    expect(pages).toEqual([['w0', 'w1'], ['w2', 'w3'], ['w4']]);
    expect(pages.flat()).toEqual(records.map((r) => r.workoutId));
    expect(limits).toEqual([2, 2, 2]);
    // An exact multiple ends with one empty read, and yields no empty page.
    const even = fakeStore(4);
    const sizes: number[] = [];
    for await (const page of recordPages(even.store, {}, 2)) sizes.push(page.length);
    expect(sizes).toEqual([2, 2]);
  });

  it("the sport rules' preview counts every stored workout, reading the records a page at a time", async () => {
    const n = 2 * RECORD_PAGE + 17;
    const { store, limits } = fakeStore(n);
    const app = {
      store,
      mapping: { rules: [] },
      // The new rules map every workout to something else.
      sportForWith: (rules: readonly unknown[]) => () => ({ sportType: rules.length ? 'Crossfit' : 'Run' }),
    } as unknown as Parameters<typeof sportRuleChanges>[0];
    const changes = await sportRuleChanges(app, [{ sport: 'running', sportType: 'Crossfit' }], 10);
    expect(changes.total).toBe(n);
    expect(changes.onStrava).toBe(Math.ceil(n / 3));
    expect(changes.rows).toHaveLength(10);
    expect(limits.length).toBeGreaterThanOrEqual(3);
    for (const limit of limits) expect(limit).toBeLessThanOrEqual(RECORD_PAGE);
  });
});
