// The daemon and the CLI with several athletes (issue 18), on PGlite data dirs
// and the Strava simulator:
// - `daemon --all` approves every athlete's history, each in their own rows;
// - `--athlete` on daemon / worker / serve is refused with the reason;
// - one Strava account cannot be connected to a second athlete, and the
//   refusal names the athlete it belongs to and leaves their connection working;
// - `sync --all` for several athletes uploads every athlete's new workouts
//   before anyone's history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon } from '../../src/daemon.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { historyApproval } from '../../src/sync/approval.js';
import { syncEveryAthlete } from '../../src/app/athletes.js';
import type { Store } from '../../src/sync/ports.js';
import { runCli } from '../helpers/cli.js';
import { addAthleteWithStrava, seedReady } from '../helpers/athletes.js';

describe('the daemon and the CLI with several athletes', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bandsync-daemon-athletes-'));
    dirs.push(dir);
    return dir;
  };
  const open = (env: Record<string, string> = {}): Promise<App> =>
    openApp({ env: { BANDSYNC_DATA_DIR: tempDir(), ...env }, logger: silentLogger });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("daemon --all approves every athlete's history in their own rows", async () => {
    const app = await open();
    try {
      const stores: Store[] = [];
      for (const name of ['ann', 'bob']) {
        const store = app.athletes.scoped((await app.athletes.add(name)).id);
        await seedReady(store, name, ['2025-06-01T07:00:00.000Z']);
        stores.push(store);
      }
      const daemon = await startDaemon(app, { dashboard: false, all: true });
      await daemon.close();
      for (const store of stores) {
        const [account] = await store.listAccounts();
        expect(await historyApproval(store, account!.id)).toMatchObject({ since: null, by: 'daemon --all' });
        expect((await store.listLedger({ limit: 50 })).map((e) => e.event)).toContain('history_approved');
      }
    } finally {
      await app.close();
    }
  }, 60_000);

  it('refuses --athlete on daemon, worker and serve, saying why', async () => {
    const dataDir = tempDir();
    const env = { BANDSYNC_DATA_DIR: dataDir };
    expect((await runCli(['athlete', 'add', 'ann'], env)).code).toBe(0);
    for (const command of ['daemon', 'worker', 'serve']) {
      const r = await runCli(['--athlete', 'ann', command], env, { timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`bandsync ${command} serves every athlete`);
    }
  }, 120_000);

  it('refuses to connect a Strava account to a second athlete, naming the first', async () => {
    const strava = await startStravaSimulator({});
    const app = await open({
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    });
    try {
      const ann = await app.forAthlete(await app.athletes.add('ann'));
      const bob = await app.forAthlete(await app.athletes.add('bob'));
      await ann.accounts.connectStravaWithRefreshToken({
        refreshToken: strava.control.issueRefreshToken(undefined, 4001),
      });
      await expect(
        bob.accounts.connectStravaWithRefreshToken({ refreshToken: strava.control.issueRefreshToken(undefined, 4001) }),
      ).rejects.toThrow('Strava athlete 4001 is already connected to athlete ann');
      expect((await bob.store.listAccounts()).filter((a) => a.kind === 'strava')).toEqual([]);
      // Ann's connection still works: her client reads her activities.
      const client = await ann.deps.destination();
      await expect(client.listActivities({ after: '2020-01-01T00:00:00.000Z' })).resolves.toBeDefined();
    } finally {
      await app.close();
      await strava.close();
    }
  }, 60_000);

  it("sync --all for several athletes uploads every athlete's new workouts before any history", async () => {
    const strava = await startStravaSimulator({});
    const app = await open({
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
      // Processing pauses pass at once.
      BANDSYNC_TEST_CLOCK: 'simulated',
    });
    try {
      const news: string[] = [];
      const history: string[] = [];
      for (const [name, stravaId] of [
        ['ann', 5001],
        ['bob', 5002],
        ['cat', 5003],
      ] as const) {
        const own = await addAthleteWithStrava(app, strava, name, stravaId);
        history.push(
          ...(await seedReady(own.store, `${name}-old`, ['2025-03-01T07:00:00.000Z', '2025-03-02T07:00:00.000Z'])),
        );
        news.push(...(await seedReady(own.store, `${name}-new`, ['2026-03-01T07:00:00.000Z'])));
      }
      const runs = await syncEveryAthlete(app, {
        all: true,
        skipDiscovery: true,
        wait: (until) => app.clock.wait(until),
      });
      expect(runs.reduce((n, r) => n + r.uploaded, 0)).toBe(9);
      const order = strava.control.uploads().map((u) => u.externalId?.replace(/^bandsync-|\.fit$/g, ''));
      expect(order.slice(0, 3).sort()).toEqual([...news].sort());
      expect(order.slice(3).sort()).toEqual([...history].sort());
    } finally {
      await app.close();
      await strava.close();
    }
  }, 120_000);
});
