// Issue 12 item 1 on the dashboard: the overview's counts follow the
// invariant (a workout held for the person counts as "Needs you", not
// "Failed"), and "Needs your attention" shows a stuck workout with its fix
// and the history waiting for a backfill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startHarness, type Harness } from './harness.js';
import { seedAccounts, seedWorkouts } from './seed.js';
import type { RecordCode } from '../../src/sync/failures.js';
import type { SyncState } from '../../src/sync/states.js';

let h: Harness;
let c: Client;
const ids: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  const { store } = h.opened;
  const { zepp } = await seedAccounts(store);
  ids.push(...(await seedWorkouts(store, zepp.id, 3)).map((s) => s.id));
  const moves: [string, SyncState, RecordCode | null][] = [
    [ids[0]!, 'failed', 'source_over_limit'],
    [ids[1]!, 'needs_user', null],
    [ids[2]!, 'fetched', null],
  ];
  for (const [workoutId, to, code] of moves)
    await store.transition({
      workoutId,
      destination: 'strava',
      from: ['discovered'],
      to,
      reason: 'test',
      patch: { code },
    });
  // A second source connected after the history it holds: that history waits for a backfill.
  const later = await store.saveAccount({
    kind: 'gadgetbridge',
    label: 'Gadgetbridge',
    settings: { path: '/tmp/gb.db', connectedAt: '2026-12-01T00:00:00.000Z' },
  });
  const [old] = await seedWorkouts(store, later.id, 1);
  await store.transition({
    workoutId: old!.id,
    destination: 'strava',
    from: ['discovered'],
    to: 'fetched',
    reason: 'test',
  });
  c = new Client(h.url);
});
afterAll(() => h?.close());

describe('overview', () => {
  it('counts a held workout under "Needs you" and lists the stuck one with its fix, and the waiting history', async () => {
    const page = await (await c.get('/')).text();
    const count = (state: string) =>
      new RegExp(`href="/workouts\\?state=${state}"[^]*?<td class="num">(\\d+)</td>`).exec(page)?.[1];
    expect(count('needs_user')).toBe('2');
    expect(page).not.toContain('href="/workouts?state=failed"');
    expect(count('fetched')).toBe('2');

    const attention = /<section class="card problems" id="problems">[^]*?<\/section>/.exec(page)?.[0] ?? '';
    expect(attention).toMatch(new RegExp(`class="stuck"[^]*?${ids[1]}[^]*?stuck — waits for you without a reason`));
    expect(attention).toContain(`bandsync retry ${ids[1]}`);
    expect(attention).toMatch(
      /id="waiting-backfill">1 workout\(s\) recorded before their account was connected wait for a backfill/,
    );
  });
});
