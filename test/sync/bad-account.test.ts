// Issue 14 item 3: one bad account never stops the others. A Gadgetbridge
// database that is damaged, one whose table lacks the columns we read, and a
// watched folder that is gone sit beside a healthy Zepp account: the Zepp
// workouts all reach Strava, each bad account is reported with its reason.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { startWorld, type World } from '../helpers/world.js';
import { expectEachWorkoutOnceOnStrava } from '../faults/helpers.js';
import { makeGadgetbridgeDb } from '../sources/gadgetbridge/make-db.js';

describe('a bad source account during sync --all', () => {
  let world: World;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    world = await startWorld({ zepp: { seed: 14, workouts: 4, years: 1 } });
    const dir = join(world.dataDir, 'sources');
    mkdirSync(dir);
    // A real SQLite file cut short after its first pages: the header is fine, the tables are not.
    const sound = await makeGadgetbridgeDb({
      devices: [{ id: 1, name: 'Mi Band 7', manufacturer: 'Xiaomi', identifier: 'AA:BB', type: 1 }],
      summaries: Array.from({ length: 40 }, (_, i) => ({
        startMs: 1.7e12 + i * 86_400_000,
        endMs: 1.7e12 + i * 86_400_000 + 1_800_000,
        kind: 16,
        deviceId: 1,
      })),
      samples: [],
    });
    const damaged = Uint8Array.from(sound);
    damaged.fill(0xee, 100, damaged.length);
    writeFileSync(join(dir, 'damaged.db'), damaged);
    // A database whose summary table has none of the columns the source reads.
    const SQL = await initSqlJs();
    const odd = new SQL.Database();
    odd.exec(
      'CREATE TABLE BASE_ACTIVITY_SUMMARY (_id INTEGER PRIMARY KEY, SOMETHING TEXT); INSERT INTO BASE_ACTIVITY_SUMMARY VALUES (1, "x");',
    );
    writeFileSync(join(dir, 'columns.db'), odd.export());
    odd.close();
    mkdirSync(join(dir, 'gone'));
    const { accounts } = world.app;
    ids.damaged = (await accounts.connectPath('gadgetbridge', join(dir, 'damaged.db'))).id;
    ids.columns = (await accounts.connectPath('gadgetbridge', join(dir, 'columns.db'))).id;
    ids.gone = (await accounts.connectPath('files', join(dir, 'gone'))).id;
    rmSync(join(dir, 'gone'), { recursive: true });
  }, 120_000);
  afterAll(() => world?.close());

  it('uploads the healthy account and reports each bad one with its reason', async () => {
    const summary = await syncAll(world.app.deps, { all: true, wait: (u) => world.clock.wait(u) });
    expectEachWorkoutOnceOnStrava(world.zepp, world.strava);
    expect(summary).toMatchObject({ uploaded: 4, stoppedBy: null });
    const problem = (id: string) => summary.accounts.find((a) => a.id === id)?.problem;
    expect(problem(ids.damaged!)).toBe('source_unreadable');
    expect(problem(ids.columns!)).toBe('source_unreadable');
    expect(problem(ids.gone!)).toBe('source_unavailable');
    expect(summary.accounts.find((a) => a.kind === 'zepp-cloud')?.problem).toBeNull();

    // The unreadable ones need the user, with the reason in the ledger; the missing folder is retried next run.
    const accounts = await world.app.store.listAccounts();
    const status = (id: string) => accounts.find((a) => a.id === id);
    expect(status(ids.damaged!)).toMatchObject({ status: 'needs_user', problem: 'source_unreadable' });
    expect(status(ids.columns!)).toMatchObject({ status: 'needs_user', problem: 'source_unreadable' });
    const ledger = await world.app.store.listLedger({ limit: 1000 });
    const reasons = (id: string) =>
      ledger.filter((e) => e.accountId === id && e.event === 'needs_user').map((e) => e.reason);
    expect(reasons(ids.damaged!).join('\n')).toMatch(/damaged\.db|malformed|not a database/);
    expect(reasons(ids.columns!).join('\n')).toMatch(/START_TIME|column/i);
  }, 120_000);

  it('reads a fixed account again on the next run and clears its problem', async () => {
    const fixed = await makeGadgetbridgeDb({ devices: [], summaries: [], samples: [] });
    const account = (await world.app.store.getAccount(ids.columns!))!;
    writeFileSync(String(account.settings.path), fixed);
    const summary = await syncAll(world.app.deps, { all: true, wait: (u) => world.clock.wait(u) });
    expect(summary.accounts.find((a) => a.id === ids.columns)?.problem).toBeNull();
    expect((await world.app.store.getAccount(ids.columns!))?.status).toBe('ok');
  }, 120_000);
});
