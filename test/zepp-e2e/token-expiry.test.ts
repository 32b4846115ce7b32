// Issue 4 / F14: the Zepp token expires in the middle of a backfill. The
// sync must stop cleanly, mark the account needs_user(zepp_token_expired),
// `bandsync status` (the real CLI) must say so with the command that fixes
// it, and after reconnecting (the CLI's e-mail login; later a pasted renewed
// token) the backfill resumes: every band workout on Strava exactly once.
// The engine runs in-process on a simulated clock (so Strava's processing
// pauses pass at once) and is closed whenever the CLI needs the data dir; the
// token is expired by the Zepp server itself once it has answered a set
// number of detail requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Decoder, Stream } from '@garmin/fitsdk';
import { openApp, type App } from '../../src/compose.js';
import { simulatedClock } from '../../src/clock.js';
import { silentLogger } from '../../src/observability/index.js';
import { syncAll, type SyncSummary } from '../../src/sync/sync-all.js';
import { createZeppSimulator, type ZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { jsonOf, runCli } from '../helpers/cli.js';

const WORKOUTS = 26;
const EXPIRE_AFTER_DETAILS = 9;

interface StatusJson {
  accounts: { kind: string; status: string; problem: string | null; fix: string | null }[];
  workouts: Record<string, number>;
}

/** Serves the simulator; once it has answered `after` detail requests, every token it issued stops working. */
async function serveExpiringZepp(
  sim: ZeppSimulator,
  after: number,
): Promise<{ url: string; details: () => number; close: () => Promise<void> }> {
  let details = 0;
  const fetchAndExpire = async (req: Request): Promise<Response> => {
    const res = await sim.app.fetch(req);
    if (new URL(req.url).pathname.endsWith('/detail.json') && res.status === 200 && ++details === after)
      sim.control.expireTokens();
    return res;
  };
  return new Promise((resolve) => {
    const server = serve({ fetch: fetchAndExpire, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        details: () => details,
        close: () =>
          new Promise<void>((done) => {
            const s = server as unknown as { close(cb: () => void): void; closeAllConnections?: () => void };
            s.close(() => done());
            s.closeAllConnections?.();
          }),
      }),
    );
  });
}

const zeppProblem = (s: SyncSummary): string | null | undefined =>
  s.accounts.find((a) => a.kind === 'zepp-cloud')?.problem;

describe('Zepp token expiry in the middle of a backfill (engine in-process, real CLI for status and reconnect)', () => {
  const clock = simulatedClock(new Date(Date.UTC(2026, 10, 2, 9, 1, 0)));
  let sim: ZeppSimulator;
  let zepp: Awaited<ReturnType<typeof serveExpiringZepp>>;
  let strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  let env: Record<string, string>;
  let dataDir: string;

  /** Opens the app on the data dir for one step and closes it, so the CLI can open the dir next. */
  async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
    const app = await openApp({
      clock,
      logger: silentLogger,
      env: {},
      flags: {
        dataDir,
        zeppUrl: zepp.url,
        stravaUrl: strava.url,
        stravaClientId: strava.credentials.clientId,
        stravaClientSecret: strava.credentials.clientSecret,
      },
    });
    try {
      return await fn(app);
    } finally {
      await app.close();
    }
  }
  const syncIn = (app: App, options: { all?: boolean } = { all: true }) =>
    syncAll(app.deps, { ...options, wait: (u) => clock.wait(u) });
  const status = async (): Promise<StatusJson> => {
    const r = await runCli(['status', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return jsonOf(r) as unknown as StatusJson;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bandsync-zepp-expiry-'));
    // Small pages, so the history is paged by the cursor as with a long real history.
    sim = createZeppSimulator({ seed: 41, workouts: WORKOUTS, years: 1, pageSize: 8, now: () => clock.now() });
    zepp = await serveExpiringZepp(sim, EXPIRE_AFTER_DETAILS);
    strava = await startStravaSimulator({ now: () => clock.now() });
    env = {
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_ZEPP_URL: zepp.url,
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    };
    await withApp(async (app) => {
      await app.accounts.connectZepp({ appToken: sim.credentials.appToken, userId: sim.credentials.userId });
      await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.credentials.refreshToken });
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([zepp?.close(), strava?.close()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops cleanly when the token expires and marks the account needs_user(zepp_token_expired)', async () => {
    expect(sim.truth()).toHaveLength(WORKOUTS);
    const [summary, again] = await withApp(async (app) => [await syncIn(app), await syncIn(app)]);
    expect(zeppProblem(summary)).toBe('zepp_token_expired');
    expect(zepp.details()).toBe(EXPIRE_AFTER_DETAILS);
    // What was fetched before the expiry may go out, nothing else, and nothing twice.
    const uploads = strava.control.uploads();
    expect(uploads.length).toBeLessThanOrEqual(EXPIRE_AFTER_DETAILS);
    expect(new Set(uploads.map((u) => u.externalId)).size).toBe(uploads.length);
    // The workouts not yet fetched were not turned into failures.
    expect(summary.failed).toBe(0);

    // The second sync, while the login is still expired, changed nothing and kept the mark.
    expect(zeppProblem(again)).toBe('zepp_token_expired');
    expect(strava.control.uploads()).toHaveLength(uploads.length);
  }, 120_000);

  it('status (CLI, JSON and text) shows the expired login with the command that fixes it', async () => {
    const s = await status();
    const account = s.accounts.find((a) => a.kind === 'zepp-cloud')!;
    expect(account).toMatchObject({ status: 'needs_user', problem: 'zepp_token_expired' });
    expect(account.fix).toMatch(/bandsync connect zepp/);
    expect(s.workouts.failed ?? 0).toBe(0);

    const text = await runCli(['status'], env);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const line = lines.findIndex((l) => l.includes('zepp-cloud'));
    expect(line, text.stdout).toBeGreaterThanOrEqual(0);
    expect(lines[line]).toMatch(/^\s*! /);
    expect(lines[line + 1]).toMatch(/zepp_token_expired: .*expired.*Fix: bandsync connect zepp/);
  }, 120_000);

  it('reconnecting with the CLI (e-mail login) clears needs_user on the same account', async () => {
    const r = await runCli(['connect', 'zepp', '--email', sim.credentials.email], {
      ...env,
      BANDSYNC_ZEPP_PASSWORD: sim.credentials.password,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(sim.credentials.password);
    const zeppAccounts = (await status()).accounts.filter((a) => a.kind === 'zepp-cloud');
    expect(zeppAccounts).toHaveLength(1);
    expect(zeppAccounts[0]).toMatchObject({ status: 'ok', problem: null });
  }, 120_000);

  it('the backfill resumes: every band workout on Strava exactly once, nothing lost, nothing duplicated', async () => {
    const [summary, counts] = await withApp(
      async (app) => [await syncIn(app), await app.store.countByState('strava')] as const,
    );
    expect(zeppProblem(summary)).toBeNull();
    expect(summary).toMatchObject({ failed: 0, pending: 0, stoppedBy: null });

    // It resumed where it stopped: each workout's detail was fetched exactly once over both runs.
    expect(zepp.details()).toBe(WORKOUTS);
    const truth = sim.truth();
    const uploads = strava.control.uploads();
    expect(uploads).toHaveLength(WORKOUTS);
    expect(new Set(uploads.map((u) => u.externalId)).size).toBe(WORKOUTS);
    const starts = uploads.map((u) => {
      const { messages } = new Decoder(Stream.fromByteArray(Array.from(u.bytes))).read({
        convertDateTimesToDates: true,
      });
      return (messages.sessionMesgs![0]!.startTime as Date).getTime();
    });
    expect(starts.sort((a, b) => a - b)).toEqual(truth.map((t) => Date.parse(t.startTime)).sort((a, b) => a - b));
    const activities = strava.control.activities();
    expect(activities).toHaveLength(WORKOUTS);
    expect(new Set(activities.map((a) => a.startMs)).size).toBe(WORKOUTS);
    expect(counts).toEqual({ synced: WORKOUTS });
  }, 120_000);

  it('after a second expiry, a pasted renewed app token works too; nothing is uploaded twice', async () => {
    sim.control.expireTokens();
    await withApp(async (app) => {
      expect(zeppProblem(await syncIn(app, {}))).toBe('zepp_token_expired');
      const token = sim.control.renewToken();
      await app.accounts.connectZepp({ appToken: token, userId: sim.credentials.userId });
      const again = await syncIn(app);
      expect(zeppProblem(again)).toBeNull();
      expect(again).toMatchObject({ uploaded: 0, failed: 0 });
      expect((await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')?.status).toBe('ok');
    });
    expect(strava.control.uploads()).toHaveLength(WORKOUTS);
  }, 120_000);
});
