// One Strava application shared fairly by several athletes (issue 18 item 3),
// on the real queue (pg-boss on PGlite) and the Strava simulator:
// - the dispatcher puts every athlete's new workouts before anyone's backfill,
//   and backfills take turns window by window (the order a worker takes the
//   jobs is pg-boss's, recorded here, not computed);
// - each window job runs on its own athlete's engine: the uploads of two
//   athletes land on their own Strava athletes, once each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import type { Store } from '../../src/sync/ports.js';
import { dispatch, JOBS, registerTasks } from '../../src/sync/tasks.js';
import { addAthleteWithStrava, days, seedReady } from '../helpers/athletes.js';
import { waitFor } from '../store/helpers.js';

describe('several athletes on one Strava application', () => {
  const dirs: string[] = [];
  const open = async (env: Record<string, string> = {}): Promise<App> => {
    const dir = mkdtempSync(join(tmpdir(), 'bandsync-fair-'));
    dirs.push(dir);
    return openApp({ env: { BANDSYNC_DATA_DIR: dir, ...env }, logger: silentLogger });
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("serves every athlete's new workouts first, then the backfills in turns", async () => {
    const app = await open();
    try {
      const [ann, bob, cat] = [
        await app.athletes.add('ann'),
        await app.athletes.add('bob'),
        await app.athletes.add('cat'),
      ];
      // ann: a 2-year-style backfill (15 old workouts, 3 windows of 5); cat: 10 old (2 windows); bob: one new workout.
      const annIds = await seedReady(app.athletes.scoped(ann.id), 'ann', days(15, '2024-01-01T07:00:00.000Z'), true);
      const catIds = await seedReady(app.athletes.scoped(cat.id), 'cat', days(10, '2024-06-01T07:00:00.000Z'), true);
      const bobIds = await seedReady(app.athletes.scoped(bob.id), 'bob', ['2026-06-02T07:00:00.000Z']);

      const jobs = await dispatch(app.deps, app.queue, { windowSize: 5 });
      expect(jobs).toBe(6);
      const taken: { athlete: string; ids: string[] }[] = [];
      const owner = (id: string) =>
        annIds.includes(id) ? 'ann' : catIds.includes(id) ? 'cat' : bobIds.includes(id) ? 'bob' : '?';
      await app.queue.work(JOBS.window, async (payload) => {
        const ids = (payload as { workoutIds: string[] }).workoutIds;
        taken.push({ athlete: owner(ids[0]!), ids });
      });
      await waitFor(() => taken.length === 6, 60_000);
      expect(taken.map((t) => t.athlete)).toEqual(['bob', 'ann', 'cat', 'ann', 'cat', 'ann']);
      // Within one athlete's backfill, oldest first.
      expect(taken.filter((t) => t.athlete === 'ann').flatMap((t) => t.ids)).toEqual(annIds);
    } finally {
      await app.close();
    }
  }, 120_000);

  it("uploads each athlete's workouts to their own Strava athlete, once; one athlete's revoked access stops only theirs", async () => {
    const strava = await startStravaSimulator({});
    const app = await open({
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    });
    try {
      const seeded: Record<number, string[]> = {};
      const stores: Record<number, Store> = {};
      for (const [name, stravaId] of [
        ['eve', 3001],
        ['fay', 3002],
      ] as const) {
        const own = await addAthleteWithStrava(app, strava, name, stravaId);
        stores[stravaId] = own.store;
        // The same three starts for both: the same run recorded by two people is two activities.
        seeded[stravaId] = await seedReady(own.store, name, days(3, '2026-06-03T07:00:00.000Z'));
      }
      await registerTasks(app.deps, app.queue, { pollIntervalSeconds: 3600 });
      expect(await dispatch(app.deps, app.queue, { pollIntervalSeconds: 3600 })).toBe(2);
      await waitFor(async () => ((await app.store.countByState('strava')).synced ?? 0) === 6, 90_000);

      expect(strava.control.count429()).toBe(0);
      expect(strava.control.uploads()).toHaveLength(6);
      for (const [stravaId, ids] of Object.entries(seeded)) {
        const theirs = strava.control.activities().filter((a) => a.athleteId === Number(stravaId));
        expect(theirs.map((a) => a.externalId?.replace(/\.fit$/, '')).sort()).toEqual(
          ids.map((id) => `bandsync-${id}`).sort(),
        );
      }

      // Eve revokes the application at Strava: her next upload puts her Strava connection in needs_user; Fay's goes on.
      strava.control.deauthorizeAthlete(3001);
      const eveNext = await seedReady(stores[3001]!, 'eve-2', ['2026-06-20T07:00:00.000Z']);
      const fayNext = await seedReady(stores[3002]!, 'fay-2', ['2026-06-20T07:00:00.000Z']);
      expect(await dispatch(app.deps, app.queue, { pollIntervalSeconds: 3600 })).toBe(2);
      const stravaOf = async (id: number) => (await stores[id]!.listAccounts()).find((a) => a.kind === 'strava')!;
      await waitFor(async () => (await stravaOf(3001)).status === 'needs_user', 60_000);
      await waitFor(async () => (await stores[3002]!.getRecord(fayNext[0]!, 'strava'))?.state === 'synced', 90_000);
      expect(await stravaOf(3001)).toMatchObject({ status: 'needs_user', problem: 'strava_auth_revoked' });
      expect(await stravaOf(3002)).toMatchObject({ status: 'ok' });
      expect((await stores[3001]!.getRecord(eveNext[0]!, 'strava'))?.state).not.toBe('synced');
      expect(strava.control.activities().filter((a) => a.athleteId === 3001)).toHaveLength(3);
      expect(strava.control.activities().filter((a) => a.athleteId === 3002)).toHaveLength(4);
    } finally {
      await app.close();
      await strava.close();
    }
  }, 180_000);
});
