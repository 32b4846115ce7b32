// A sync record's code is parsed into the codes this release knows (the
// failure codes and the decisions), not passed on as any string.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import { DECISION_CODES, FAILURES } from '../../src/sync/failures.js';
import { makeWorkout, tempDir } from './helpers.js';

const dir = tempDir('bandsync-record-code-');
let opened: OpenedStore;
let workoutId: string;
beforeAll(async () => {
  opened = await openStore({ dataDir: dir.path });
  const account = await opened.store.saveAccount({ kind: 'files', label: 'files', settings: { path: '/x' } });
  workoutId = (await opened.store.saveWorkout(account.id, makeWorkout('c1', '2026-03-01T07:00:00Z'))).id;
  await opened.store.ensureRecord(workoutId, 'strava', 'ext-c1');
}, 60_000);
afterAll(async () => {
  await opened?.close();
  dir.remove();
});

const setCode = (code: string | null) =>
  opened.db.query('UPDATE sync_records SET code = $2 WHERE workout_id = $1', [workoutId, code]);

describe('sync record codes', () => {
  it('read back as the failure or decision they name', async () => {
    for (const code of [...Object.keys(FAILURES), ...DECISION_CODES, null]) {
      await setCode(code);
      expect((await opened.store.getRecord(workoutId, 'strava'))!.code).toBe(code);
    }
  });

  it('that this release does not know are an error naming the record', async () => {
    await setCode('bogus_code');
    await expect(opened.store.getRecord(workoutId, 'strava')).rejects.toThrow(
      `sync record of ${workoutId}: unknown code "bogus_code"`,
    );
    await expect(opened.store.listRecords({ destination: 'strava' })).rejects.toThrow(/unknown code "bogus_code"/);
    await setCode(null);
  });
});
