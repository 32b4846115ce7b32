// Retry of a workout its source could not give (only a placeholder is stored):
// it is read again from the source, never uploaded as the placeholder. While
// the source still cannot give it, retry refuses with the source's reason;
// once the file is whole, retry stores the real workout and it goes up with
// the numbers the third-party tools measured (expected.json). The planner
// never uploads a placeholder, however it reached `fetched`.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { simulatedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { retryWorkout } from '../../src/app/workout-actions.js';
import { isUnreadableStub } from '../../src/sync/refetch.js';

const corpus = join(__dirname, '../fixtures/corpus');
const expected = JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8')).files['garmin-fenix-5-run.fit']
  .expected.fitparse as { records: number; sessions: { start_time: string; total_distance: number }[] };

describe('retry of a workout the source could not read', () => {
  let strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  let app: App;
  let dataDir: string;
  let folder: string;
  const clock = simulatedClock(new Date(Date.UTC(2026, 10, 2, 9, 1, 0)));
  const run = () => syncAll(app.deps, { all: true, wait: (u) => clock.wait(u) });
  const only = async () => {
    const [r] = await app.store.listRecords({ destination: 'strava', limit: 10 });
    return r!;
  };

  beforeAll(async () => {
    strava = await startStravaSimulator({ now: () => clock.now() });
    dataDir = mkdtempSync(join(tmpdir(), 'bandsync-retry-stub-'));
    folder = join(dataDir, 'watch');
    mkdirSync(folder);
    app = await openApp({
      clock,
      logger: silentLogger,
      env: {},
      flags: {
        dataDir: join(dataDir, 'data'),
        stravaUrl: strava.url,
        stravaClientId: strava.credentials.clientId,
        stravaClientSecret: strava.credentials.clientSecret,
      },
    });
    await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
    await app.accounts.connectPath('files', folder);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await strava?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores a placeholder, and retry refuses with the reason while the source still cannot give it', async () => {
    writeFileSync(join(folder, 'run.fit'), 'this is not a FIT file at all, only text');
    const summary = await run();
    expect(summary.failed).toBe(1);
    const record = await only();
    expect(record).toMatchObject({ state: 'failed', code: 'source_file_invalid' });
    expect(isUnreadableStub((await app.store.getWorkout(record.workoutId))!.workout)).toBe(true);

    await expect(retryWorkout(app.deps, record.workoutId)).rejects.toThrow(/still cannot be read from .*run\.fit/);
    expect((await only()).state).toBe('failed');
    const ledger = await app.store.listLedger({ workoutId: record.workoutId, limit: 50 });
    expect(ledger.some((e) => e.reason.startsWith('retry refused:'))).toBe(true);
    await run();
    expect(strava.control.uploads()).toHaveLength(0);
  }, 120_000);

  it('never uploads the placeholder, even when it reached fetched', async () => {
    const record = await only();
    await app.store.transition({
      workoutId: record.workoutId,
      destination: 'strava',
      from: ['failed'],
      to: 'fetched',
      reason: 'as an older retry left it',
      patch: { code: null, lastError: null },
    });
    await run();
    expect(strava.control.uploads()).toHaveLength(0);
    expect(await only()).toMatchObject({ state: 'failed', code: 'source_file_invalid' });
  }, 120_000);

  it('reads the whole file again on retry, and the real workout goes up', async () => {
    const record = await only();
    copyFileSync(join(corpus, 'garmin-fenix-5-run.fit'), join(folder, 'run.fit'));
    const moved = await retryWorkout(app.deps, record.workoutId);
    expect(moved.state).toBe('fetched');
    const { workout } = (await app.store.getWorkout(record.workoutId))!;
    expect(isUnreadableStub(workout)).toBe(false);
    expect(Date.parse(workout.startTime)).toBe(Date.parse(expected.sessions[0]!.start_time));
    expect(workout.samples.t).toHaveLength(expected.records);
    expect(
      (await app.store.listLedger({ workoutId: record.workoutId, limit: 50 })).map((e) => e.reason).join('\n'),
    ).toContain('read again from the source');

    await run();
    expect(strava.control.uploads()).toHaveLength(1);
    const [activity] = strava.control.activities();
    expect(activity!.startMs).toBe(Date.parse(expected.sessions[0]!.start_time));
    expect(activity!.distanceMeters).toBeCloseTo(expected.sessions[0]!.total_distance, 0);
    expect((await only()).state).toBe('synced');
  }, 120_000);
});
