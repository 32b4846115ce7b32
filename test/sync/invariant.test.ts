// Issue 12 item 1: the invariant over a real store (PGlite). Every workout is
// done, scheduled, waiting for the person (with the fix), or stuck; counts
// follow it — a held, over-limit, password-protected or damaged workout is
// "needs you", not "failed" — and a stored backfill approval moves history
// from "waiting for a backfill" to scheduled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import { invariantReport, shownCounts } from '../../src/sync/invariant-report.js';
import { approveHistory } from '../../src/sync/approval.js';
import type { RecordCode } from '../../src/sync/failures.js';
import type { SyncState } from '../../src/sync/states.js';
import { makeWorkout, tempDir } from '../store/helpers.js';

describe('the invariant over the stored workouts', () => {
  const dir = tempDir();
  let opened: OpenedStore;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    opened = await openStore({ dataDir: dir.path, now: () => new Date('2026-06-01T12:00:00Z') });
    const { store } = opened;
    const account = await store.saveAccount({
      kind: 'zepp-cloud',
      label: 'band',
      settings: { connectedAt: '2026-01-01T00:00:00.000Z' },
    });
    const rows: [string, string, SyncState, RecordCode | null][] = [
      ['synced', '2026-02-01T08:00:00Z', 'synced', null],
      ['overLimit', '2026-02-02T08:00:00Z', 'failed', 'source_over_limit'],
      ['password', '2026-02-03T08:00:00Z', 'failed', 'source_password'],
      ['damaged', '2026-02-04T08:00:00Z', 'needs_user', 'source_damaged'],
      ['heldNoDetail', '2026-02-05T08:00:00Z', 'failed', 'mi_fitness_detail_missing'],
      ['history', '2025-05-01T08:00:00Z', 'fetched', null],
      ['fresh', '2026-02-06T08:00:00Z', 'fetched', null],
      ['noReason', '2026-02-07T08:00:00Z', 'needs_user', null],
      ['rejected', '2026-02-08T08:00:00Z', 'failed', 'strava_upload_rejected'],
      ['retrying', '2026-02-09T08:00:00Z', 'failed', 'strava_unavailable'],
    ];
    for (const [name, start, state, code] of rows) {
      const saved = await store.saveWorkout(account.id, makeWorkout(name, start));
      ids[name] = saved.id;
      await store.ensureRecord(saved.id, 'strava', `ext-${name}`);
      if (state !== 'discovered')
        await store.transition({
          workoutId: saved.id,
          destination: 'strava',
          from: ['discovered'],
          to: state,
          reason: 'test',
          patch: { code, attempts: name === 'retrying' ? 1 : 0 },
        });
    }
  });
  afterAll(async () => {
    await opened.close();
    dir.remove();
  });

  it('counts a failure that waits for the person as "needs you"', async () => {
    expect(await shownCounts(opened.store)).toEqual({ synced: 1, needs_user: 5, fetched: 2, failed: 2 });
  });

  it('reports each workout done, scheduled, waiting for the person or stuck, and history waiting for a backfill', async () => {
    const report = await invariantReport(opened.store);
    expect(report.byState).toEqual({ synced: 1, needs_user: 5, fetched: 2, failed: 2 });
    // Waiting for the person: over limit, password, damaged, no detail, the rejected file, the history.
    expect(report.standing).toEqual({ done: 1, scheduled: 2, needsUser: 6, stuck: 1 });
    expect(report.waitingForBackfill).toBe(1);
    expect(report.stuck).toEqual([
      expect.objectContaining({
        workoutId: ids.noReason,
        state: 'needs_user',
        reason: 'waits for you without a reason',
      }),
    ]);
    expect(report.stuck[0]!.fix).toContain(`bandsync retry ${ids.noReason}`);
  });

  it('a stored backfill approval turns the waiting history into scheduled work', async () => {
    const [account] = await opened.store.listAccounts();
    const clock = { now: () => new Date('2026-06-01T12:00:00Z') };
    expect(await approveHistory({ store: opened.store, clock }, account!, null, 'sync --all')).toBe(true);
    // An approval only widens: a later, narrower one changes nothing.
    expect(await approveHistory({ store: opened.store, clock }, account!, '2025-12-01T00:00:00Z', 'x')).toBe(false);
    const report = await invariantReport(opened.store);
    expect(report.waitingForBackfill).toBe(0);
    expect(report.standing).toEqual({ done: 1, scheduled: 3, needsUser: 5, stuck: 1 });
    const ledger = await opened.store.listLedger({ event: 'history_approved' });
    expect(ledger.map((e) => e.reason)).toEqual(['sync --all: the whole history of band may be uploaded']);
  });
});
