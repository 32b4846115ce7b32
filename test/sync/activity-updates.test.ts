// Issue 12 item 5: a sport change on a workout already on Strava (the user's
// re-map, a new sport rule) updates the activity there with PUT
// /activities/{id}, counted against the rate budget and written in the
// ledger; what Strava's rate limit holds back is kept and sent by a later run,
// never reported done. The privacy setting saved in the dashboard (not only
// the config file's) decides hide_from_home, for uploads and for these updates.
// Checked against the Strava simulator's own activities and the Zepp
// simulator's generated truth, on the simulated clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAll } from '../../src/sync/sync-all.js';
import { applyPendingStravaUpdates, pendingStravaUpdates } from '../../src/sync/activity-updates.js';
import { remapSport } from '../../src/app/sport-mapping.js';
import { getSettings, setSettings, sportRuleChanges } from '../../src/app/settings.js';
import { buildStatusReport } from '../../src/app/status.js';
import { startWorld, type World } from '../helpers/world.js';

const DAY = 86_400_000;
const WORKOUTS = 12;

describe('sport changes reach the Strava activity (simulated Strava, embedded database)', () => {
  let world: World;
  let midpoint: string;
  const remapped = new Set<string>();
  const activityOf = async (workoutId: string) => {
    const id = (await world.app.store.getRecord(workoutId, 'strava'))!.activityId!;
    return world.strava.control.activities().find((a) => String(a.id) === id)!;
  };
  const puts = () => world.strava.control.requests().filter((r) => r.method === 'PUT').length;
  const ledgerOf = async (workoutId: string) =>
    (await world.app.store.listLedger({ workoutId, limit: 100 })).map((e) => e.reason).join('\n');
  const isBackfill = (startTime: string) => world.clock.now().getTime() - Date.parse(startTime) > 30 * DAY;

  beforeAll(async () => {
    // The config file says "hide backfilled history"; the dashboard will say otherwise first.
    world = await startWorld({
      zepp: { seed: 23, workouts: WORKOUTS, years: 1 },
      flags: { hideBackfillFromHome: true },
    });
    const starts = world.zepp
      .truth()
      .map((t) => t.startTime)
      .sort();
    midpoint = starts[Math.floor(starts.length / 2)]!;
  }, 300_000);
  afterAll(async () => world?.close());

  it('uploads as the privacy setting saved in the dashboard says, over the config file', async () => {
    const { app, clock, strava } = world;
    await setSettings(app, { ...(await getSettings(app)), privacy: { hideBackfillFromHome: false } });
    const summary = await syncAll(app.deps, { since: midpoint, wait: (u) => clock.wait(u) });
    expect(summary.failed).toBe(0);
    expect(summary.uploaded).toBeGreaterThan(2);
    // Uploaded history older than 30 days exists, and none of it was hidden.
    const uploaded = strava.control.activities();
    expect(uploaded.filter((a) => isBackfill(new Date(a.startMs).toISOString())).length).toBeGreaterThan(0);
    expect(uploaded.every((a) => a.hideFromHome === false)).toBe(true);
  }, 300_000);

  it('re-maps a synced workout: PUT with the new sport_type (and hide_from_home, as privacy now says), budget and ledger', async () => {
    const { app, clock } = world;
    await setSettings(app, { ...(await getSettings(app)), privacy: { hideBackfillFromHome: true } });
    const [synced] = (await app.store.listRecords({ destination: 'strava', states: ['synced'], limit: 100 })).filter(
      (r) => isBackfill(r.startTime),
    );
    const before = await activityOf(synced!.workoutId);
    expect(before.hideFromHome).toBe(false);
    const target = before.sportType === 'Hike' ? 'Walk' : 'Hike';
    const budget = (await app.budget.snapshot(clock.now())).read.usage15;
    const sent = puts();
    const result = await remapSport(app, synced!.workoutId, target);
    remapped.add(synced!.workoutId);
    expect(result).toEqual({ kind: 'updated', activityId: String(before.id), sportType: target });
    expect(puts()).toBe(sent + 1);
    const after = await activityOf(synced!.workoutId);
    expect(after.sportType).toBe(target);
    expect(after.hideFromHome).toBe(true);
    expect((await app.budget.snapshot(clock.now())).read.usage15).toBe(budget + 1);
    expect(await ledgerOf(synced!.workoutId)).toContain(`Strava activity ${before.id} updated`);
  }, 120_000);

  it('keeps an update the rate limit holds back, says so, and sends it on the next run', async () => {
    const { app, clock, strava } = world;
    const synced = (await app.store.listRecords({ destination: 'strava', states: ['synced'], limit: 100 })).filter(
      (r) => !remapped.has(r.workoutId),
    );
    const one = synced[synced.length - 1]!;
    remapped.add(one.workoutId);
    const before = await activityOf(one.workoutId);
    // Strava's read limit is reached: the next request is answered 429.
    strava.control.setLimits({ read15: strava.control.usage().read15 });
    const first = await remapSport(app, one.workoutId, 'Yoga');
    expect(first.kind).toBe('pending');
    if (first.kind !== 'pending') return;
    expect(first.code).toBe('strava_rate_limited');
    expect(Date.parse(first.retryAt!)).toBeGreaterThan(clock.now().getTime());
    expect((await activityOf(one.workoutId)).sportType).toBe(before.sportType);
    expect(Object.keys(await pendingStravaUpdates(app.deps))).toEqual([one.workoutId]);
    // `bandsync status` lists it, with when it can go.
    const status = await buildStatusReport(
      { store: app.store, budget: app.budget, now: clock.now() },
      { dataDir: '', database: 'pglite' },
    );
    expect(status.pendingStravaUpdates).toEqual([
      { workoutId: one.workoutId, notBefore: first.retryAt, reason: expect.stringContaining('strava_rate_limited') },
    ]);
    // While blocked, a second change sends nothing and stays pending; the newest choice is what goes up.
    const requests = strava.control.requestCount();
    expect((await remapSport(app, one.workoutId, 'Pilates')).kind).toBe('pending');
    expect(strava.control.requestCount()).toBe(requests);
    expect(await ledgerOf(one.workoutId)).toMatch(/strava_rate_limited: the Strava activity update .* is pending/);
    // A run before the reset leaves it pending; after the reset the run sends it.
    strava.control.setLimits({ read15: 100 });
    await syncAll(app.deps, { since: midpoint, skipDiscovery: true, wait: (u) => clock.wait(u) });
    expect((await activityOf(one.workoutId)).sportType).toBe(before.sportType);
    clock.advance(Date.parse(first.retryAt!) - clock.now().getTime() + 1000);
    await syncAll(app.deps, { since: midpoint, skipDiscovery: true, wait: (u) => clock.wait(u) });
    expect((await activityOf(one.workoutId)).sportType).toBe('Pilates');
    expect(await pendingStravaUpdates(app.deps)).toEqual({});
  }, 120_000);

  it('a rule change counts the activities on Strava first, updates them there, and the rest go up with it', async () => {
    const { app, clock, strava, zepp } = world;
    // The sport with workouts on both sides of the midpoint, none re-mapped by hand.
    const records = await app.store.listRecords({ destination: 'strava', limit: 100 });
    const bySport = new Map<string, typeof records>();
    for (const r of records) bySport.set(r.sport, [...(bySport.get(r.sport) ?? []), r]);
    const [sport, group] = [...bySport.entries()].find(
      ([, rs]) => rs.some((r) => r.activityId) && rs.some((r) => !r.activityId),
    )!;
    // A workout re-mapped by hand keeps its own sport: the rule does not change it.
    const onStrava = group.filter((r) => r.activityId !== null);
    const free = onStrava.filter((r) => !remapped.has(r.workoutId));
    const target = 'Crossfit';
    expect(free.length).toBeGreaterThan(0);
    expect(group.some((r) => !r.activityId)).toBe(true);
    const rules = [{ sport, sportType: target }];
    const changes = await sportRuleChanges(app, rules, 200);
    expect(changes.total).toBe(group.filter((r) => !remapped.has(r.workoutId)).length);
    expect(changes.onStrava).toBe(free.length);
    const sent = puts();
    const saved = await setSettings(app, { ...(await getSettings(app)), sportRules: rules });
    expect(saved.stravaUpdates).toEqual({ updated: free.length, pending: 0, refused: 0, retryAt: null });
    expect(puts()).toBe(sent + free.length);
    for (const r of free) expect((await activityOf(r.workoutId)).sportType).toBe(target);
    // The ones not uploaded yet go up with the new sport, hidden from home (backfill, privacy on).
    await syncAll(app.deps, { all: true, wait: (u) => clock.wait(u) });
    const later = group.filter((r) => !r.activityId);
    for (const r of later) {
      const a = await activityOf(r.workoutId);
      expect(a.sportType).toBe(target);
      expect(a.hideFromHome).toBe(isBackfill(r.startTime));
    }
    expect(strava.control.activities()).toHaveLength(zepp.truth().length);
  }, 300_000);

  it('a rule saved by another process (in the database only) applies to the next upload here', async () => {
    const { app, clock, strava, zepp } = world;
    zepp.control.addWorkout('walk');
    await syncAll(app.deps, { dryRun: true, wait: (u) => clock.wait(u) });
    const [fresh] = await app.store.listRecords({ destination: 'strava', states: ['fetched'], limit: 10 });
    expect(fresh).toBeDefined();
    const saved = { ...app.mapping, rules: [{ sport: fresh!.sport, sportType: 'Snowshoe' }] };
    await app.store.setSetting('mapping', saved); // as the dashboard of another process saves it
    expect(app.mapping.rules).not.toEqual(saved.rules);
    await syncAll(app.deps, { all: true, wait: (u) => clock.wait(u) });
    expect((await activityOf(fresh!.workoutId)).sportType).toBe('Snowshoe');
    expect(strava.control.activities()).toHaveLength(zepp.truth().length);
  }, 120_000);

  it('a re-map while the upload is still processing waits for the activity, then updates it', async () => {
    const { app } = world;
    const [one] = (await app.store.listRecords({ destination: 'strava', states: ['synced'], limit: 100 })).filter(
      (r) => !remapped.has(r.workoutId),
    );
    remapped.add(one!.workoutId);
    const activityId = one!.activityId!;
    // As just after the upload: Strava has not said which activity it became.
    await app.store.transition({
      workoutId: one!.workoutId,
      destination: 'strava',
      from: ['synced'],
      to: 'processing',
      reason: 'test: upload still processing',
      patch: { activityId: null },
    });
    const sent = puts();
    const result = await remapSport(app, one!.workoutId, 'Kayaking');
    expect(result).toMatchObject({ kind: 'pending', code: 'upload_in_flight', retryAt: null });
    expect(puts()).toBe(sent);
    await app.store.transition({
      workoutId: one!.workoutId,
      destination: 'strava',
      from: ['processing'],
      to: 'synced',
      reason: 'test: listed on Strava',
      patch: { activityId },
    });
    expect(await applyPendingStravaUpdates(app.deps)).toEqual({ updated: 1, pending: 0 });
    expect((await activityOf(one!.workoutId)).sportType).toBe('Kayaking');
  }, 120_000);
});
