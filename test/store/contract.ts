// The store contract: the SAME tests for every engine (DESIGN §5). Each engine's
// test file calls describeStoreContract with a factory for a fresh store.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../../src/store/index.js';
import { makeWorkout, waitFor } from './helpers.js';

const rid = (): string => randomBytes(4).toString('hex');

export function describeStoreContract(engine: string, open: () => Promise<OpenedStore>): void {
  describe(`store contract on ${engine}`, () => {
    let opened: OpenedStore;
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(async () => {
      await opened?.close();
    });

    describe('accounts and sealed secrets', () => {
      it('round-trips settings and secrets, and the stored column is not the plaintext', async () => {
        const { store, db } = opened;
        const token = `refresh-${rid()}-secret`;
        const account = await store.saveAccount({
          kind: 'strava',
          label: 'me',
          settings: { athleteId: 42, scopes: ['a', 'b'] },
          secrets: { refreshToken: token },
        });
        expect(account).toMatchObject({
          kind: 'strava',
          label: 'me',
          status: 'ok',
          problem: null,
          settings: { athleteId: 42, scopes: ['a', 'b'] },
        });
        expect(await store.getSecrets(account.id)).toEqual({ refreshToken: token });

        const raw = await db.query<{ secrets: string }>('SELECT secrets FROM accounts WHERE id = $1', [account.id]);
        expect(raw[0]!.secrets).not.toContain(token);
        expect(raw[0]!.secrets).not.toContain('refreshToken');
        // Same plaintext sealed twice gives different ciphertexts (random IV).
        await store.setSecrets(account.id, { refreshToken: token });
        const raw2 = await db.query<{ secrets: string }>('SELECT secrets FROM accounts WHERE id = $1', [account.id]);
        expect(raw2[0]!.secrets).not.toBe(raw[0]!.secrets);
        expect(await store.getSecrets(account.id)).toEqual({ refreshToken: token });
      });

      it('saves again under the same id keeping creation time and secrets, tracks status, deletes', async () => {
        const { store } = opened;
        const id = `acc-${rid()}`;
        const first = await store.saveAccount({
          id,
          kind: 'zepp-cloud',
          label: 'band',
          settings: { region: 'eu' },
          secrets: { appToken: 't1' },
        });
        await store.setAccountStatus(id, 'needs_user', 'zepp_token_expired');
        expect(await store.getAccount(id)).toMatchObject({ status: 'needs_user', problem: 'zepp_token_expired' });
        const second = await store.saveAccount({ id, kind: 'zepp-cloud', label: 'band 2', settings: { region: 'us' } });
        expect(second).toMatchObject({
          id,
          label: 'band 2',
          settings: { region: 'us' },
          status: 'ok',
          problem: null,
          createdAt: first.createdAt,
        });
        expect(await store.getSecrets(id)).toEqual({ appToken: 't1' });
        expect((await store.listAccounts()).map((a) => a.id)).toContain(id);
        await store.deleteAccount(id);
        expect(await store.getAccount(id)).toBeNull();
        await expect(store.getSecrets(id)).rejects.toThrow(/no account/);
        await expect(store.setAccountStatus(id, 'ok', null)).rejects.toThrow(/no account/);
      });
    });

    describe('workouts', () => {
      it('upserts by source id: created, unchanged, changed by content, changed by revision', async () => {
        const { store } = opened;
        const account = await store.saveAccount({ kind: 'zepp-cloud', label: 'w', settings: {} });
        const w = makeWorkout(`src-${rid()}`, '2024-03-01T07:00:00Z');
        const a = await store.saveWorkout(account.id, w, 'r1');
        expect(a).toMatchObject({ created: true, changed: false });
        expect(await store.saveWorkout(account.id, w, 'r1')).toEqual({ id: a.id, created: false, changed: false });
        expect(await store.saveWorkout(account.id, w)).toEqual({ id: a.id, created: false, changed: false });
        const edited = makeWorkout(w.source.id, w.startTime, { elapsedSeconds: 1900 });
        expect(await store.saveWorkout(account.id, edited, 'r1')).toEqual({ id: a.id, created: false, changed: true });
        expect(await store.saveWorkout(account.id, edited, 'r2')).toEqual({ id: a.id, created: false, changed: true });

        const stored = await store.getWorkout(a.id);
        expect(stored).toMatchObject({ id: a.id, accountId: account.id, revision: 'r2' });
        expect(stored!.workout).toEqual(edited);
        expect((await store.findWorkoutBySourceId(account.id, w.source.id))?.id).toBe(a.id);
        expect(await store.findWorkoutBySourceId(account.id, 'nope')).toBeNull();
        expect(await store.getWorkout('nope')).toBeNull();
      });

      it('finds by fingerprint across accounts and knows the newest start per account', async () => {
        const { store } = opened;
        const one = await store.saveAccount({ kind: 'zepp-cloud', label: 'one', settings: {} });
        const two = await store.saveAccount({ kind: 'files', label: 'two', settings: {} });
        expect(await store.newestWorkoutStart(one.id)).toBeNull();
        const start = `2031-0${1 + (randomBytes(1)[0]! % 9)}-11T06:3${randomBytes(1)[0]! % 10}:00Z`;
        const x = await store.saveWorkout(one.id, makeWorkout(`a-${rid()}`, start));
        const y = await store.saveWorkout(
          two.id,
          makeWorkout(`b-${rid()}`, start, { source: { kind: 'files', id: 'f' } }),
        );
        await store.saveWorkout(one.id, makeWorkout(`c-${rid()}`, '2020-01-01T00:00:00Z'));
        const fp = makeWorkout('any', start).fingerprint;
        expect((await store.findWorkoutsByFingerprint(fp)).map((s) => s.id).sort()).toEqual([x.id, y.id].sort());
        expect((await store.findWorkoutsByFingerprint(fp, x.id)).map((s) => s.id)).toEqual([y.id]);
        expect(await store.newestWorkoutStart(one.id)).toBe(new Date(start).toISOString());
      });
    });

    describe('sync records, transitions and the ledger', () => {
      async function seed(n: number, dest: string) {
        const { store } = opened;
        const account = await store.saveAccount({ kind: 'zepp-cloud', label: 'r', settings: {} });
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          const w = makeWorkout(`s${i}-${rid()}`, new Date(Date.UTC(2024, 0, 1 + i, 8)).toISOString(), {
            sport: i % 2 ? 'cycling' : 'running',
            name: i === 3 ? 'Evening Parkrun' : `Workout ${i}`,
          });
          const saved = await store.saveWorkout(account.id, w);
          await store.ensureRecord(saved.id, dest, `bandsync-${saved.id}`);
          ids.push(saved.id);
        }
        return { account, ids };
      }

      it('creates a record once, in discovered, and logs it', async () => {
        const { store } = opened;
        const dest = `d-${rid()}`;
        const { ids } = await seed(1, dest);
        const again = await store.ensureRecord(ids[0]!, dest, 'other-external-id');
        expect(again).toMatchObject({
          workoutId: ids[0],
          destination: dest,
          state: 'discovered',
          externalId: `bandsync-${ids[0]}`,
          attempts: 0,
          uploadId: null,
        });
        const ledger = await store.listLedger({ workoutId: ids[0]! });
        expect(ledger).toHaveLength(1);
        expect(ledger[0]).toMatchObject({ event: 'transition', fromState: null, toState: 'discovered' });
        await expect(store.ensureRecord('no-such-workout', dest, 'x')).rejects.toThrow();
      });

      it('applies a transition with its patch and ledger row only from the expected states', async () => {
        const { store } = opened;
        const dest = `d-${rid()}`;
        const { ids, account } = await seed(1, dest);
        const id = ids[0]!;
        const next = '2024-05-05T10:15:00.000Z';
        const r1 = await store.transition({
          workoutId: id,
          destination: dest,
          from: ['discovered'],
          to: 'uploading',
          patch: { attempts: 1, uploadId: 'u-1', nextAttemptAt: next },
          reason: 'plan: upload',
          data: { bytes: 1234 },
        });
        expect(r1).toMatchObject({ state: 'uploading', attempts: 1, uploadId: 'u-1', nextAttemptAt: next, code: null });

        // Wrong `from`: nothing changes, nothing is logged.
        const before = await store.listLedger({ workoutId: id });
        expect(
          await store.transition({
            workoutId: id,
            destination: dest,
            from: ['discovered'],
            to: 'skipped',
            reason: 'x',
          }),
        ).toBeNull();
        expect(
          await store.transition({
            workoutId: 'missing',
            destination: dest,
            from: ['discovered'],
            to: 'skipped',
            reason: 'x',
          }),
        ).toBeNull();
        expect((await store.getRecord(id, dest))!.state).toBe('uploading');
        expect(await store.listLedger({ workoutId: id })).toEqual(before);

        // Fields not in the patch keep their values; explicit nulls clear them.
        const r2 = await store.transition({
          workoutId: id,
          destination: dest,
          from: ['uploading', 'processing'],
          to: 'synced',
          patch: { activityId: 'a-9', nextAttemptAt: null },
          reason: 'listing matched',
        });
        expect(r2).toMatchObject({
          state: 'synced',
          uploadId: 'u-1',
          activityId: 'a-9',
          attempts: 1,
          nextAttemptAt: null,
        });

        const ledger = await store.listLedger({ workoutId: id });
        expect(ledger.map((e) => [e.fromState, e.toState, e.reason])).toEqual([
          [null, 'discovered', 'workout discovered'],
          ['discovered', 'uploading', 'plan: upload'],
          ['uploading', 'synced', 'listing matched'],
        ]);
        expect(ledger[1]).toMatchObject({ accountId: account.id, data: { bytes: 1234 } });
        expect(ledger[0]!.id).toBeLessThan(ledger[1]!.id);
        expect((await store.listLedger({ workoutId: id, limit: 2 })).map((e) => e.toState)).toEqual([
          'uploading',
          'synced',
        ]);
      });

      it('lets exactly one of several racing workers win a transition', async () => {
        const { store } = opened;
        const dest = `d-${rid()}`;
        const { ids } = await seed(1, dest);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.transition({
              workoutId: ids[0]!,
              destination: dest,
              from: ['discovered'],
              to: 'uploading',
              patch: { uploadId: `u${i}` },
              reason: `worker ${i}`,
            }),
          ),
        );
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        const ledger = await store.listLedger({ workoutId: ids[0]! });
        expect(ledger.filter((e) => e.toState === 'uploading')).toHaveLength(1);
        expect((await store.getRecord(ids[0]!, dest))!.uploadId).toBe(winners[0]!.uploadId);
      });

      it('lists records with filters and paging, newest first, and counts by state', async () => {
        const { store } = opened;
        const dest = `d-${rid()}`;
        const { ids, account } = await seed(6, dest);
        await store.transition({
          workoutId: ids[1]!,
          destination: dest,
          from: ['discovered'],
          to: 'synced',
          reason: 't',
        });
        await store.transition({
          workoutId: ids[2]!,
          destination: dest,
          from: ['discovered'],
          to: 'failed',
          patch: { code: 'strava_unavailable' },
          reason: 't',
        });
        await store.transition({
          workoutId: ids[4]!,
          destination: dest,
          from: ['discovered'],
          to: 'synced',
          reason: 't',
        });

        const all = await store.listRecords({ destination: dest });
        expect(all.map((r) => r.workoutId)).toEqual([...ids].reverse());
        expect(all[0]).toMatchObject({
          accountId: account.id,
          sport: 'cycling',
          name: 'Workout 5',
          startTime: '2024-01-06T08:00:00.000Z',
        });
        expect((await store.listRecords({ destination: dest, state: 'synced' })).map((r) => r.workoutId)).toEqual([
          ids[4],
          ids[1],
        ]);
        expect(
          (await store.listRecords({ destination: dest, states: ['synced', 'failed'] })).map((r) => r.workoutId),
        ).toEqual([ids[4], ids[2], ids[1]]);
        expect((await store.listRecords({ destination: dest, sport: 'running' })).map((r) => r.workoutId)).toEqual([
          ids[4],
          ids[2],
          ids[0],
        ]);
        expect(
          (
            await store.listRecords({ destination: dest, since: '2024-01-02T08:00:00Z', until: '2024-01-04T08:00:00Z' })
          ).map((r) => r.workoutId),
        ).toEqual([ids[2], ids[1]]);
        expect((await store.listRecords({ destination: dest, text: 'parkrun' })).map((r) => r.workoutId)).toEqual([
          ids[3],
        ]);
        expect(await store.listRecords({ destination: dest, text: '100%' })).toEqual([]);
        expect((await store.listRecords({ destination: dest, limit: 2, offset: 1 })).map((r) => r.workoutId)).toEqual([
          ids[4],
          ids[3],
        ]);
        expect(await store.listRecords({ destination: dest, accountId: 'other' })).toEqual([]);
        expect(await store.listRecords({ destination: dest, limit: 1_000_000 })).toHaveLength(6);
        expect(await store.listRecords({ destination: dest, limit: 0 })).toEqual([]);
        expect(await store.countByState(dest)).toEqual({ discovered: 3, synced: 2, failed: 1 });

        // A job's window by its workouts' ids; a backfill's count per state without reading the rows.
        expect(
          (await store.listRecords({ destination: dest, workoutIds: [ids[0]!, ids[4]!, 'nope'] })).map(
            (r) => r.workoutId,
          ),
        ).toEqual([ids[4], ids[0]]);
        expect(
          (await store.listRecords({ destination: dest, exceptWorkoutIds: [ids[5]!, ids[1]!] })).map(
            (r) => r.workoutId,
          ),
        ).toEqual([ids[4], ids[3], ids[2], ids[0]]);
        expect(await store.countRecordStates({ destination: dest })).toEqual({ discovered: 3, synced: 2, failed: 1 });
        expect(
          await store.countRecordStates({
            destination: dest,
            since: '2024-01-02T08:00:00Z',
            exceptWorkoutIds: [ids[4]!],
          }),
        ).toEqual({ discovered: 2, synced: 1, failed: 1 });
        expect(await store.countRecordStates({ destination: dest, accountId: 'other' })).toEqual({});
      });

      it('keeps a list summary with each workout, refreshed when missing, and counts what it lists', async () => {
        const { store, db } = opened;
        const dest = `d-${rid()}`;
        const { ids, account } = await seed(3, dest);
        const [newest] = await store.listRecords({ destination: dest, limit: 1 });
        // makeWorkout: 5000 m declared, 1800 s with a 60 s pause, heart rate 120 and 121, at UTC+1.
        expect(newest!.summary).toEqual({
          utcOffsetSeconds: 3600,
          elapsedSeconds: 1800,
          movingSeconds: 1740,
          distanceMeters: expect.any(Number),
          avgHeartRate: 121,
          lengths: 0,
        });
        const before = newest!.summary;
        // A row stored before summaries existed (or by an older version) is filled when listed.
        await db.query('UPDATE workouts SET list_summary = NULL WHERE id = $1', [ids[2]]);
        const [refilled] = await store.listRecords({ destination: dest, limit: 1 });
        expect(refilled!.summary).toEqual(before);
        const kept = await db.query<{ list_summary: unknown }>('SELECT list_summary FROM workouts WHERE id = $1', [
          ids[2],
        ]);
        expect(kept[0]!.list_summary).not.toBeNull();

        expect(await store.countRecords({ destination: dest })).toBe(3);
        expect(await store.countRecords({ destination: dest, sport: 'cycling' })).toBe(1);
        expect(await store.countRecords({ destination: dest, accountId: account.id, limit: 1, offset: 2 })).toBe(3);
      });

      it('finds workouts by their failure: code, last error, or codes given with the text', async () => {
        const { store } = opened;
        const dest = `d-${rid()}`;
        const { ids } = await seed(3, dest);
        await store.transition({
          workoutId: ids[0]!,
          destination: dest,
          from: ['discovered'],
          to: 'failed',
          patch: { code: 'strava_upload_rejected', lastError: 'Strava: the file has no data points' },
          reason: 't',
        });
        await store.transition({
          workoutId: ids[1]!,
          destination: dest,
          from: ['discovered'],
          to: 'needs_user',
          patch: { code: 'zepp_token_expired' },
          reason: 't',
        });
        const found = async (filter: { text: string; textCodes?: string[] }) =>
          (await store.listRecords({ destination: dest, ...filter })).map((r) => r.workoutId);
        expect(await found({ text: 'no data points' })).toEqual([ids[0]]);
        expect(await found({ text: 'upload_rejected' })).toEqual([ids[0]]);
        expect(await found({ text: 'login has expired', textCodes: ['zepp_token_expired'] })).toEqual([ids[1]]);
        expect(await found({ text: 'login has expired' })).toEqual([]);
        expect(await store.countRecords({ destination: dest, text: 'no data points' })).toBe(1);
      });

      it('lists the ledger newest first, filtered by account and event, paged and counted', async () => {
        const { store } = opened;
        const accountId = `acc-${rid()}`;
        for (let i = 0; i < 5; i++)
          await store.appendLedger({
            workoutId: null,
            accountId,
            event: i % 2 ? 'issue' : 'decision',
            fromState: null,
            toState: null,
            reason: `entry ${i}`,
            data: null,
          });
        const reasons = (entries: { reason: string }[]) => entries.map((e) => e.reason);
        expect(reasons(await store.listLedger({ accountId, newestFirst: true }))).toEqual([
          'entry 4',
          'entry 3',
          'entry 2',
          'entry 1',
          'entry 0',
        ]);
        expect(reasons(await store.listLedger({ accountId, newestFirst: true, limit: 2, offset: 2 }))).toEqual([
          'entry 2',
          'entry 1',
        ]);
        expect(reasons(await store.listLedger({ accountId, event: 'issue', newestFirst: true }))).toEqual([
          'entry 3',
          'entry 1',
        ]);
        // Without newestFirst: the newest `limit`, told oldest first (the workout page's story).
        expect(reasons(await store.listLedger({ accountId, limit: 2 }))).toEqual(['entry 3', 'entry 4']);
        expect(await store.countLedger({ accountId })).toBe(5);
        expect(await store.countLedger({ accountId, event: 'decision' })).toBe(3);
        expect(await store.ledgerEvents()).toEqual(expect.arrayContaining(['decision', 'issue']));
      });

      it('appends free ledger entries', async () => {
        const { store } = opened;
        const workoutId = `w-${rid()}`;
        await store.appendLedger({
          workoutId,
          accountId: null,
          event: 'decision',
          fromState: null,
          toState: null,
          reason: 'duplicate of 123',
          data: { activityId: '123' },
        });
        const entries = await store.listLedger({ workoutId });
        expect(entries).toEqual([
          expect.objectContaining({ event: 'decision', reason: 'duplicate of 123', data: { activityId: '123' } }),
        ]);
        expect(Date.parse(entries[0]!.at)).not.toBeNaN();
      });
    });

    describe('settings and locks', () => {
      it('stores JSON settings', async () => {
        const { store } = opened;
        const key = `k-${rid()}`;
        expect(await store.getSetting(key)).toBeNull();
        await store.setSetting(key, { a: [1, 'two'], b: null });
        expect(await store.getSetting(key)).toEqual({ a: [1, 'two'], b: null });
        await store.setSetting(key, [3]);
        expect(await store.getSetting<number[]>(key)).toEqual([3]);
      });

      it('withLock runs one holder at a time and releases after a throw', async () => {
        const { store } = opened;
        let inside = 0;
        let maxInside = 0;
        const order: number[] = [];
        await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            store.withLock('refresh-strava', async () => {
              inside++;
              maxInside = Math.max(maxInside, inside);
              await new Promise((r) => setTimeout(r, 15));
              order.push(i);
              inside--;
            }),
          ),
        );
        expect(maxInside).toBe(1);
        expect(order).toHaveLength(6);
        await expect(
          store.withLock('refresh-strava', async () => {
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.withLock('refresh-strava', async () => 'free again')).toBe('free again');
      });
    });

    describe('rate budget', () => {
      // Each test runs on its own UTC day, so windows start empty.
      let dayIndex = 0;
      async function freshDay(): Promise<(hhmmss: string) => Date> {
        dayIndex++;
        const day = new Date(Date.UTC(2030, 0, 1) + dayIndex * 86_400_000).toISOString().slice(0, 10);
        const at = (hhmmss: string): Date => new Date(`${day}T${hhmmss}Z`);
        await opened.budget.record({ overall: [200, 2000, 0, 0], read: [100, 1000, 0, 0] }, at('10:07:00'));
        return at;
      }

      it('reserves uploads until the 15-minute window is spent, then points at :15; the next window is fresh', async () => {
        const at = await freshDay();
        const { budget } = opened;
        for (let i = 0; i < 200; i++) expect(await budget.tryReserve('upload', at('10:07:00'), 0)).toBeNull();
        expect(await budget.tryReserve('upload', at('10:14:59'), 0)).toBe(at('10:15:00').toISOString());
        const snap = await budget.snapshot(at('10:14:59'));
        expect(snap).toMatchObject({
          overall: { usage15: 200, usageDay: 200, limit15: 200 },
          read: { usage15: 0 },
          windowEndsAt: at('10:15:00').toISOString(),
          blockedUntil: null,
        });
        expect(snap.dayEndsAt).toBe(new Date(at('00:00:00').getTime() + 86_400_000).toISOString());
        expect(await budget.tryReserve('upload', at('10:15:00'), 0)).toBeNull();
        expect(await budget.snapshot(at('10:15:01'))).toMatchObject({
          overall: { usage15: 1, usageDay: 201 },
          windowEndsAt: at('10:30:00').toISOString(),
        });
      });

      it('stops at the daily limit until midnight UTC', async () => {
        const at = await freshDay();
        const { budget } = opened;
        await budget.record({ overall: [200, 2000, 5, 1999] }, at('22:50:00'));
        expect(await budget.tryReserve('upload', at('22:50:00'), 0)).toBeNull();
        const midnight = new Date(at('00:00:00').getTime() + 86_400_000).toISOString();
        expect(await budget.tryReserve('upload', at('22:50:01'), 0)).toBe(midnight);
        expect(await budget.tryReserve('read', at('23:59:59'), 0)).toBe(midnight);
        expect(await budget.tryReserve('upload', new Date(midnight), 0)).toBeNull();
      });

      it('keeps reads away from the share reserved for uploads, and within the read limit', async () => {
        const at = await freshDay();
        const { budget } = opened;
        let reads = 0;
        while ((await budget.tryReserve('read', at('10:01:00'), 150)) === null) reads++;
        expect(reads).toBe(50); // 200 - 150
        expect(await budget.tryReserve('read', at('10:01:00'), 150)).toBe(at('10:15:00').toISOString());
        let uploads = 0;
        while ((await budget.tryReserve('upload', at('10:02:00'), 150)) === null) uploads++;
        expect(uploads).toBe(150);

        const at2 = await freshDay();
        let reads2 = 0;
        while ((await budget.tryReserve('read', at2('10:01:00'), 0)) === null) reads2++;
        expect(reads2).toBe(100); // the read limit binds first
        expect(await budget.tryReserve('upload', at2('10:01:00'), 0)).toBeNull();
        expect(await budget.snapshot(at2('10:01:00'))).toMatchObject({
          overall: { usage15: 101 },
          read: { usage15: 100, usageDay: 100 },
        });
      });

      it('takes limits (below the configured ones) and usage from headers, never lowering usage inside a window', async () => {
        const at = await freshDay();
        const { budget } = opened;
        await budget.tryReserve('upload', at('10:01:00'), 0);
        await budget.record({ overall: [150, 1500, 37, 900], read: [80, 800, 12, 300] }, at('10:02:00'));
        expect(await budget.snapshot(at('10:02:00'))).toMatchObject({
          overall: { limit15: 150, usage15: 37, limitDay: 1500, usageDay: 900 },
          read: { limit15: 80, usage15: 12, limitDay: 800, usageDay: 300 },
        });
        await budget.record({ overall: [150, 1500, 3, 10] }, at('10:03:00')); // a stale, lower count
        expect((await budget.snapshot(at('10:03:00'))).overall).toMatchObject({ usage15: 37, usageDay: 900 });
        await budget.record({ overall: [150, 1500, 2, 905] }, at('10:16:00')); // new window: its own count
        expect((await budget.snapshot(at('10:16:00'))).overall).toMatchObject({ usage15: 2, usageDay: 905 });
      });

      it('blocks everything until the given time after a 429', async () => {
        const at = await freshDay();
        const { budget } = opened;
        await budget.block(at('10:30:00').toISOString());
        expect(await budget.tryReserve('upload', at('10:20:00'), 0)).toBe(at('10:30:00').toISOString());
        expect(await budget.tryReserve('read', at('10:20:00'), 0)).toBe(at('10:30:00').toISOString());
        expect((await budget.snapshot(at('10:20:00'))).blockedUntil).toBe(at('10:30:00').toISOString());
        expect(await budget.tryReserve('upload', at('10:30:00'), 0)).toBeNull();
        expect((await budget.snapshot(at('10:30:00'))).blockedUntil).toBeNull();
      });

      it('never hands out more than the limit to concurrent callers', async () => {
        const at = await freshDay();
        const { budget } = opened;
        const results = await Promise.all(
          Array.from({ length: 260 }, () => budget.tryReserve('upload', at('10:05:00'), 0)),
        );
        expect(results.filter((r) => r === null)).toHaveLength(200);
        expect(results.filter((r) => r === at('10:15:00').toISOString())).toHaveLength(60);
        expect((await budget.snapshot(at('10:05:00'))).overall.usage15).toBe(200);
      });
    });

    describe('queue', () => {
      it('delivers every job to workers with a job id and a signal, and drains to depth 0', async () => {
        const { queue } = opened;
        const name = `q_${rid()}`;
        const seen: { n: number; jobId: string; aborted: boolean }[] = [];
        for (let n = 0; n < 5; n++) expect(await queue.send(name, { n })).toMatch(/[0-9a-f-]{36}/);
        expect((await queue.depth())[name]).toBe(5);
        await queue.work(
          name,
          async (payload, ctx) => {
            seen.push({ n: (payload as { n: number }).n, jobId: ctx.jobId, aborted: ctx.signal.aborted });
          },
          { concurrency: 2 },
        );
        await waitFor(() => seen.length === 5);
        expect(seen.map((s) => s.n).sort()).toEqual([0, 1, 2, 3, 4]);
        expect(new Set(seen.map((s) => s.jobId)).size).toBe(5);
        expect(seen.every((s) => !s.aborted)).toBe(true);
        await waitFor(async () => (await queue.depth())[name] === 0);
      });

      it('holds a job until startAfter', async () => {
        const { queue } = opened;
        const name = `q_${rid()}`;
        const startAfter = new Date(Date.now() + 1500);
        let handledAt = 0;
        await queue.work(name, async () => {
          handledAt = Date.now();
        });
        await queue.send(name, {}, { startAfter });
        await waitFor(() => handledAt > 0);
        expect(handledAt).toBeGreaterThanOrEqual(startAfter.getTime());
      });

      it('keeps one waiting job per singletonKey', async () => {
        const { queue } = opened;
        const name = `q_${rid()}`;
        const later = new Date(Date.now() + 60_000);
        expect(await queue.send(name, { a: 1 }, { singletonKey: 'poll:acc1', startAfter: later })).not.toBeNull();
        expect(await queue.send(name, { a: 2 }, { singletonKey: 'poll:acc1' })).toBeNull();
        expect(await queue.send(name, { a: 3 }, { singletonKey: 'poll:acc2' })).not.toBeNull();
        expect(await queue.send(name, { a: 4 })).not.toBeNull();
        expect(await queue.send(name, { a: 5 })).not.toBeNull();
        expect((await queue.depth())[name]).toBe(4);
      });

      it('retries a failing handler up to retryLimit', async () => {
        const { queue } = opened;
        const name = `q_${rid()}`;
        let calls = 0;
        await queue.work(name, async () => {
          calls++;
          throw new Error('transient');
        });
        await queue.send(name, {}, { retryLimit: 1 });
        await waitFor(() => calls === 2);
        await waitFor(async () => (await queue.depth())[name] === 0);
        await new Promise((r) => setTimeout(r, 1200)); // would a third attempt come?
        expect(calls).toBe(2);
      });
    });
  });
}
