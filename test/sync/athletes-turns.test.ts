// `bandsync sync --all` in the foreground (issue 18). With several athletes,
// after everyone's new workouts the histories take turns a window at a time
// (as the daemon's job priorities give them), so a long, rate-bound history of
// one athlete does not leave another's waiting until it is done. Real store,
// the Strava simulator on loopback, one simulated clock for both (the rate
// windows bandsync waits for pass at once), limits low enough that ann's
// history waits for Strava's 15-minute windows. Within any run, an account's
// new workouts go before its history (so ones found meanwhile go first in
// their athlete's turn).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/compose.js';
import { simulatedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { syncEveryAthlete } from '../../src/app/athletes.js';
import { syncNow } from '../../src/app/sync.js';
import type { Progress } from '../../src/sync/deps.js';
import { addAthleteWithStrava, days, seedReady, uploadOrder } from '../helpers/athletes.js';

describe('several athletes backfilling in the foreground', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("takes the histories in turns: bob's short history is not left until ann's long one is done", async () => {
    const clock = simulatedClock(new Date('2026-11-02T09:01:00.000Z'));
    const strava = await startStravaSimulator({ now: () => clock.now() });
    const dir = mkdtempSync(join(tmpdir(), 'bandsync-turns-'));
    dirs.push(dir);
    const app = await openApp({
      clock,
      logger: silentLogger,
      env: {
        BANDSYNC_DATA_DIR: dir,
        BANDSYNC_STRAVA_URL: strava.url,
        STRAVA_CLIENT_ID: strava.credentials.clientId,
        STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
        // 20 requests per 15 minutes: ann's 30 old workouts (6 windows of 5, each a listing and 5 uploads) wait for Strava.
        BANDSYNC_STRAVA_LIMIT_15MIN: '20',
      },
    });
    try {
      const ann = await addAthleteWithStrava(app, strava, 'ann', 7001);
      const bob = await addAthleteWithStrava(app, strava, 'bob', 7002);
      const annOld = await seedReady(ann.store, 'ann-old', days(30, '2025-01-01T07:00:00.000Z'));
      const bobOld = await seedReady(bob.store, 'bob-old', days(3, '2025-06-01T07:00:00.000Z'));
      const annNew = await seedReady(ann.store, 'ann-new', ['2026-03-01T07:00:00.000Z']);
      const bobNew = await seedReady(bob.store, 'bob-new', ['2026-03-02T07:00:00.000Z']);

      const progress: Progress[] = [];
      const runs = await syncEveryAthlete(app, {
        all: true,
        skipDiscovery: true,
        windowSize: 5,
        wait: (until) => app.clock.wait(until),
        onProgress: (p) => progress.push(p),
      });

      const order = uploadOrder(strava);
      // Everyone's new workouts first, then the histories a window at a time: ann's first 5, bob's 3, the rest of ann's.
      expect(order.slice(0, 2).sort()).toEqual([...annNew, ...bobNew].sort());
      expect(order.slice(2)).toEqual([...annOld.slice(0, 5), ...bobOld, ...annOld.slice(5)]);
      // Rate-bound: the run waited for Strava's windows (on the simulated clock), and was never refused.
      expect(clock.skippedMs()).toBeGreaterThan(15 * 60_000);
      expect(strava.control.count429()).toBe(0);

      // Each athlete's summary counts their own, and every upload is confirmed.
      expect(runs.map((r) => [r.athlete, r.uploaded, r.pending, r.failed, r.stoppedBy])).toEqual([
        ['ann', 31, 0, 0, null],
        ['bob', 4, 0, 0, null],
      ]);
      expect(runs.every((r) => !('more' in r))).toBe(true);
      expect(await ann.store.countByState('strava')).toEqual({ synced: 31 });
      expect(await bob.store.countByState('strava')).toEqual({ synced: 4 });

      // One upload progress over both athletes' turns: it never goes back, and ends at 35 of 35.
      const uploads = progress.filter((p) => p.phase === 'upload');
      for (let i = 1; i < uploads.length; i++) {
        expect(uploads[i]!.done).toBeGreaterThanOrEqual(uploads[i - 1]!.done);
        expect(uploads[i]!.total).toBeGreaterThanOrEqual(uploads[i - 1]!.total);
      }
      expect(uploads.at(-1)).toMatchObject({ done: 35, total: 35 });
    } finally {
      await app.close();
      await strava.close();
    }
  }, 180_000);

  it("puts an account's new workouts before its history within a run, as the daemon's dispatcher does", async () => {
    const clock = simulatedClock(new Date('2026-11-02T09:01:00.000Z'));
    const strava = await startStravaSimulator({ now: () => clock.now() });
    const dir = mkdtempSync(join(tmpdir(), 'bandsync-turns-'));
    dirs.push(dir);
    const app = await openApp({
      clock,
      logger: silentLogger,
      env: {
        BANDSYNC_DATA_DIR: dir,
        BANDSYNC_STRAVA_URL: strava.url,
        STRAVA_CLIENT_ID: strava.credentials.clientId,
        STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
      },
    });
    try {
      await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
      // One account: four workouts from before it was connected, then one since (the newest, so last by date).
      const ids = await seedReady(app.store, 'band', [
        ...days(4, '2025-01-01T07:00:00.000Z'),
        '2026-03-01T07:00:00.000Z',
      ]);
      const summary = await syncNow(app, {
        all: true,
        skipDiscovery: true,
        windowSize: 2,
        wait: (until) => app.clock.wait(until),
      });
      expect(summary.uploaded).toBe(5);
      expect(uploadOrder(strava)).toEqual([ids[4], ...ids.slice(0, 4)]);
    } finally {
      await app.close();
      await strava.close();
    }
  }, 120_000);
});
