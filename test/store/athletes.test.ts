// Athletes in the store (issue 18): the 0.1.0 database becomes one athlete
// with nothing lost, and a store scoped to one athlete reaches none of
// another's rows. Both engines: PGlite in a temp data dir and PostgreSQL in a
// schema of its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import { dropSchema, makeWorkout, TEST_DATABASE_URL, tempDir, uniqueSchema } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/db/', import.meta.url));
const expected = JSON.parse(readFileSync(join(FIXTURES, '0.1.0.expected.json'), 'utf8')) as {
  schemaPlaceholder: string;
  secretKey: string;
  accounts: { id: string; secrets: Record<string, string> }[];
  workouts: { id: string }[];
  records: { workoutId: string; destination: string }[];
  countByState: Record<string, number>;
  ledgerCount: number;
};
const dump = (schema: string) =>
  readFileSync(join(FIXTURES, '0.1.0.sql'), 'utf8').replaceAll(expected.schemaPlaceholder, schema);

interface Engine {
  name: string;
  /** Loads the 0.1.0 dump, then opens it with this build. */
  openReleased(): Promise<OpenedStore>;
  openEmpty(): Promise<OpenedStore>;
  cleanUp(): Promise<void>;
}

function pglite(): Engine {
  const released = tempDir('bandsync-athletes-lite-');
  const empty = tempDir('bandsync-athletes-lite-');
  return {
    name: 'PGlite',
    async openReleased() {
      const lite = await PGlite.create(join(released.path, 'db'));
      await lite.exec(dump('bandsync'));
      await lite.close();
      return openStore({ dataDir: released.path, secretKey: expected.secretKey });
    },
    openEmpty: () => openStore({ dataDir: empty.path }),
    async cleanUp() {
      released.remove();
      empty.remove();
    },
  };
}

function postgres(): Engine {
  const [released, empty] = [uniqueSchema('athletes'), uniqueSchema('athletes')];
  const dir = tempDir('bandsync-athletes-pg-');
  return {
    name: 'PostgreSQL',
    async openReleased() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(dump(released));
      } finally {
        await client.end();
      }
      return openStore({
        dataDir: dir.path,
        databaseUrl: TEST_DATABASE_URL,
        schema: released,
        secretKey: expected.secretKey,
      });
    },
    openEmpty: () =>
      openStore({ dataDir: dir.path, databaseUrl: TEST_DATABASE_URL, schema: empty, secretKey: expected.secretKey }),
    async cleanUp() {
      await dropSchema(released);
      await dropSchema(empty);
      dir.remove();
    },
  };
}

describe.each([pglite(), postgres()])('athletes on $name', (engine) => {
  afterAll(() => engine.cleanUp());

  describe('a 0.1.0 database', () => {
    let opened: OpenedStore;
    beforeAll(async () => {
      opened = await engine.openReleased();
    }, 60_000);
    afterAll(() => opened.close());

    it('becomes one athlete named after its Strava athlete, owning every row', async () => {
      const athletes = await opened.athletes.list();
      // The fixture's Strava account: label 'Strava athlete 424242', settings.athleteId 424242, no first name.
      expect(athletes.map((a) => [a.name, a.stravaAthleteId])).toEqual([['strava-424242', '424242']]);
      const id = athletes[0]!.id;
      const owners = async (table: string) =>
        (
          await opened.db.query<{ athlete_id: string | null; n: number }>(
            `SELECT athlete_id, count(*)::int AS n FROM ${table} GROUP BY athlete_id`,
          )
        ).map((r) => [r.athlete_id, Number(r.n)]);
      expect(await owners('accounts')).toEqual([[id, expected.accounts.length]]);
      expect(await owners('workouts')).toEqual([[id, expected.workouts.length]]);
      expect(await owners('ledger')).toEqual([[id, expected.ledgerCount]]);
    });

    it("reads the same through the athlete's own store as through the default one", async () => {
      const [athlete] = await opened.athletes.list();
      const own = opened.athletes.scoped(athlete!.id);
      expect((await own.listAccounts()).map((a) => a.id)).toEqual(expected.accounts.map((a) => a.id));
      for (const a of expected.accounts) expect(await own.getSecrets(a.id)).toEqual(a.secrets);
      for (const w of expected.workouts) expect((await own.getWorkout(w.id))?.id).toBe(w.id);
      for (const r of expected.records) expect(await own.getRecord(r.workoutId, r.destination)).not.toBeNull();
      expect(await own.countByState('strava')).toEqual(expected.countByState);
      expect(await own.countLedger({})).toBe(expected.ledgerCount);
    });

    it('a second athlete added to it sees nothing of the first; the default store then reads both and refuses a new account', async () => {
      const [first] = await opened.athletes.list();
      const second = await opened.athletes.add('guest');
      const theirs = opened.athletes.scoped(second.id);
      expect(await theirs.listAccounts()).toEqual([]);
      expect(await theirs.countByState('strava')).toEqual({});
      expect(await theirs.countLedger({})).toBe(0);
      for (const a of expected.accounts) {
        expect(await theirs.getAccount(a.id)).toBeNull();
        await expect(theirs.getSecrets(a.id)).rejects.toThrow(`no account with id ${a.id}`);
        await expect(theirs.setAccountStatus(a.id, 'ok', null)).rejects.toThrow(/no account/);
        await theirs.deleteAccount(a.id); // not theirs: nothing happens
      }
      for (const w of expected.workouts) {
        expect(await theirs.getWorkout(w.id)).toBeNull();
        expect(await theirs.getRecord(w.id, 'strava')).toBeNull();
        expect(
          await theirs.transition({
            workoutId: w.id,
            destination: 'strava',
            from: ['failed'],
            to: 'skipped',
            reason: 'x',
          }),
        ).toBeNull();
        expect(await theirs.listLedger({ workoutId: w.id })).toEqual([]);
      }
      expect((await opened.store.listAccounts()).length).toBe(expected.accounts.length);
      await expect(opened.store.saveAccount({ kind: 'files', label: 'x', settings: { path: '/x' } })).rejects.toThrow(
        'there are 2 athletes (strava-424242, guest): name one with --athlete NAME',
      );
      // Removing the guest leaves the first athlete's rows as they were.
      await opened.athletes.remove(second.id);
      expect((await opened.athletes.list()).map((a) => a.id)).toEqual([first!.id]);
      expect(await opened.store.countLedger({})).toBe(expected.ledgerCount);
    });
  });

  describe('a new database', () => {
    let opened: OpenedStore;
    beforeAll(async () => {
      opened = await engine.openEmpty();
    }, 60_000);
    afterAll(() => opened.close());

    it('has no athlete until the first connection, which creates `me`', async () => {
      expect(await opened.athletes.list()).toEqual([]);
      expect(await opened.store.listAccounts()).toEqual([]);
      await opened.store.saveAccount({ id: 'me-files', kind: 'files', label: 'mine', settings: { path: '/me' } });
      expect((await opened.athletes.list()).map((a) => a.name)).toEqual(['me']);
    });

    it('keeps two athletes apart: accounts, workouts, duplicates, records, ledger and settings', async () => {
      const alice = opened.athletes.scoped((await opened.athletes.add('alice')).id);
      const bob = opened.athletes.scoped((await opened.athletes.add('bob')).id);
      await expect(opened.athletes.add('bob')).rejects.toThrow('an athlete named bob already exists');
      await expect(opened.athletes.add('no spaces')).rejects.toThrow(/invalid athlete name "no spaces"/);

      const aAcc = await alice.saveAccount({ kind: 'files', label: 'alice files', settings: { path: '/a' } });
      const bAcc = await bob.saveAccount({ kind: 'files', label: 'bob files', settings: { path: '/b' } });
      // The same workout (same fingerprint) recorded by both: e.g. a run together.
      const run = makeWorkout('run-1', '2030-03-01T07:00:00.000Z');
      const a = await alice.saveWorkout(aAcc.id, run);
      const b = await bob.saveWorkout(bAcc.id, run);
      await alice.ensureRecord(a.id, 'strava', `bandsync-${a.id}`);
      await bob.ensureRecord(b.id, 'strava', `bandsync-${b.id}`);

      expect((await alice.listAccounts()).map((x) => x.id)).toEqual([aAcc.id]);
      expect((await alice.findWorkoutsByFingerprint(run.fingerprint)).map((x) => x.id)).toEqual([a.id]);
      expect((await bob.findWorkoutsByFingerprint(run.fingerprint)).map((x) => x.id)).toEqual([b.id]);
      expect((await alice.listRecords({ destination: 'strava' })).map((r) => r.workoutId)).toEqual([a.id]);
      expect(await alice.countRecords({})).toBe(1);
      expect(await alice.getWorkout(b.id)).toBeNull();
      expect(await alice.findWorkoutBySourceId(bAcc.id, 'run-1')).toBeNull();
      await expect(alice.saveWorkout(bAcc.id, run)).rejects.toThrow(`no account with id ${bAcc.id}`);
      await expect(alice.ensureRecord(b.id, 'strava', 'x')).rejects.toThrow(`no workout with id ${b.id}`);
      await expect(
        alice.saveAccount({ id: bAcc.id, kind: 'files', label: 'taken', settings: { path: '/t' } }),
      ).rejects.toThrow(/no account with that id/);
      await expect(
        alice.appendLedger({
          workoutId: b.id,
          accountId: null,
          event: 'note',
          fromState: null,
          toState: null,
          reason: 'x',
          data: null,
        }),
      ).rejects.toThrow(/another athlete/);
      expect((await alice.listLedger({})).every((e) => e.workoutId !== b.id)).toBe(true);
      expect((await bob.listLedger({})).map((e) => e.workoutId)).toEqual([b.id]);

      await alice.setSetting('mapping', { rules: [], overrides: {}, deviceName: 'Alice band' });
      expect(await bob.getSetting('mapping')).toBeNull();
      expect(await alice.getSetting('mapping')).toEqual({ rules: [], overrides: {}, deviceName: 'Alice band' });
      // Sport changes waiting for Strava are each athlete's: bob's runs neither see nor drop alice's.
      await alice.setSetting('strava-activity-updates', { [a.id]: { since: 'x', notBefore: null, lastError: null } });
      expect(await bob.getSetting('strava-activity-updates')).toBeNull();

      // Exactly one Strava connection per athlete.
      await alice.saveAccount({ kind: 'strava', label: 'Strava 1', settings: {} });
      await expect(alice.saveAccount({ kind: 'strava', label: 'Strava 2', settings: {} })).rejects.toThrow();

      // Removing alice removes all of hers, none of bob's.
      const aliceId = (await opened.athletes.byName('alice'))!.id;
      await opened.athletes.remove(aliceId);
      expect((await opened.athletes.list()).map((x) => x.name)).toEqual(['me', 'bob']);
      const left = await opened.db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM accounts WHERE athlete_id = $1) + (SELECT count(*) FROM workouts WHERE athlete_id = $1)
           + (SELECT count(*) FROM ledger WHERE athlete_id = $1) + (SELECT count(*) FROM settings WHERE key LIKE 'athlete:' || $1 || ':%') AS n`,
        [aliceId],
      );
      expect(Number(left[0]!.n)).toBe(0);
      expect(await bob.getRecord(b.id, 'strava')).not.toBeNull();
    });
  });
});
