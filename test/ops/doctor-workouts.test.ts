// Issue 12 item 1 in doctor: its 'workouts' check reads the invariant from a
// real store: a stuck workout is a failure naming it and its fix, one that
// waits for the person a warning, history waiting for a backfill no problem.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor, type CheckResult, type DoctorDeps } from '../../src/observability/doctor.js';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import { invariantReport } from '../../src/sync/invariant-report.js';
import type { RecordCode } from '../../src/sync/failures.js';
import type { SyncState } from '../../src/sync/states.js';
import { makeWorkout, tempDir } from '../store/helpers.js';

describe("doctor's workouts check", () => {
  const dir = tempDir('bandsync-doctor-workouts-');
  let opened: OpenedStore;
  let accountId = '';
  beforeAll(async () => {
    opened = await openStore({ dataDir: dir.path });
    const account = await opened.store.saveAccount({
      kind: 'zepp-cloud',
      label: 'band',
      settings: { connectedAt: '2026-01-01T00:00:00.000Z' },
    });
    accountId = account.id;
  });
  afterAll(async () => {
    await opened.close();
    dir.remove();
  });

  const add = async (name: string, start: string, to: SyncState, code: RecordCode | null) => {
    const { id } = await opened.store.saveWorkout(accountId, makeWorkout(name, start));
    await opened.store.ensureRecord(id, 'strava', `ext-${name}`);
    await opened.store.transition({
      workoutId: id,
      destination: 'strava',
      from: ['discovered'],
      to,
      reason: 't',
      patch: { code },
    });
    return id;
  };
  const check = async (): Promise<CheckResult> => {
    const deps: DoctorDeps = {
      dataDir: dir.path,
      now: () => new Date(),
      readLockHolder: () => null,
      workouts: () => invariantReport(opened.store),
    };
    return (await runDoctor(deps)).find((r) => r.id === 'workouts')!;
  };

  it('history waiting for a backfill is fine; a held workout warns; a stuck one fails with its fix', async () => {
    await add('old', '2025-06-01T07:00:00Z', 'fetched', null);
    expect(await check()).toMatchObject({
      status: 'ok',
      summary: expect.stringContaining('(1 of them for a backfill)'),
    });

    await add('big', '2026-02-01T07:00:00Z', 'failed', 'source_over_limit');
    expect(await check()).toMatchObject({ status: 'warn', summary: expect.stringContaining('2 waiting for you') });

    const stuck = await add('lost', '2026-02-02T07:00:00Z', 'needs_user', null);
    const r = await check();
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(`1 stuck: ${stuck} (needs_user): waits for you without a reason`);
    expect(r.fix).toContain(`bandsync retry ${stuck}`);
  });
});
