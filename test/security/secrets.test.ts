// DESIGN §4.5 / issue 5: secrets never in a URL, log line or error message.
// A realistic run — connect both accounts through the CLI (Zepp by e-mail and
// password) and in-process, wrong credentials, a sync through 429s, server
// errors, a hang, a lost upload answer, a token expiry and rotation, the
// athlete revoking access, reconnecting, the dashboard pages, status and log —
// while everything bandsync says is captured: every log line (an injected
// logger's stream, and the CLI's stdout/stderr), every error message, every
// page served, every request URL both simulators received. None may contain
// any secret in play: the Strava client secret, every access and refresh
// token issued (old and new), the wrong ones we tried, the Zepp app token and
// password, the database secret key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openApp, type App } from '../../src/compose.js';
import { simulatedClock } from '../../src/clock.js';
import { startDaemon } from '../../src/daemon.js';
import { readDaemonFile } from '../../src/local-api/discovery.js';
import { createLogger } from '../../src/observability/logger.js';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const WORKOUTS = 8;

describe('no secret in any log line, error message, page or URL during a realistic run', () => {
  const said: { where: string; text: string }[] = [];
  const wrongSecrets = [
    `wrong-refresh-${randomBytes(12).toString('hex')}`,
    `wrong-client-secret-${randomBytes(12).toString('hex')}`,
    `wrong-password-${randomBytes(8).toString('hex')}`,
  ];
  const secretKey = randomBytes(32).toString('base64');
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const clock = simulatedClock(new Date());
  let zepp: Awaited<ReturnType<typeof startZeppSimulator>>;
  let strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  let dataDir: string;
  let env: Record<string, string>;
  let localApiToken = '';

  const cli = async (args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> => {
    const r = await runCli(args, { ...env, ...extraEnv }, { timeoutMs: 240_000 });
    said.push(
      { where: `bandsync ${args[0]} stdout`, text: r.stdout },
      { where: `bandsync ${args[0]} stderr`, text: r.stderr },
    );
    return r;
  };
  const caught = async (where: string, p: Promise<unknown>): Promise<string> => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err, `${where} should fail`).toBeInstanceOf(Error);
    said.push({ where, text: `${(err as Error).message}\n${(err as Error).stack ?? ''}` });
    return (err as Error).message;
  };
  const open = () => openApp({ env, clock, logger: createLogger({ stream: logStream, json: true, level: 'debug' }) });

  beforeAll(async () => {
    zepp = await startZeppSimulator({ seed: 1234, workouts: WORKOUTS, years: 1, shapes: ['run', 'strength'] });
    strava = await startStravaSimulator({ now: () => clock.now() });
    dataDir = mkdtempSync(join(tmpdir(), 'bandsync-secrets-'));
    env = {
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_ZEPP_URL: zepp.url,
      BANDSYNC_STRAVA_URL: strava.url,
      BANDSYNC_SECRET_KEY: secretKey,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
      BANDSYNC_LOG_LEVEL: 'debug',
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all([zepp?.close(), strava?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('connects through the CLI (a wrong token first) and fails a sync while Strava is down', async () => {
    // (Each CLI process costs seconds on a loaded machine: the other wrong credentials are tried in-process below.)
    const badStrava = await cli(['connect', 'strava', '--refresh-token', wrongSecrets[0]!]);
    expect(badStrava.code).not.toBe(0);

    const z = await cli(['connect', 'zepp', '--email', zepp.credentials.email], {
      BANDSYNC_ZEPP_PASSWORD: zepp.credentials.password,
    });
    expect(z.code, z.stderr).toBe(0);
    const s = await cli(['connect', 'strava', '--refresh-token', strava.credentials.refreshToken]);
    expect(s.code, s.stderr).toBe(0);

    // A failing sync (Strava down) prints its error. Run here, before the
    // in-process part moves the simulated clock (and the shared budget) ahead of the real one.
    strava.control.fault({ kind: 'server_error', status: 500, path: '/api/v3/athlete/activities', times: 10 });
    const failing = await cli(['sync', '--all']);
    strava.control.clearFaults();
    expect(failing.code).not.toBe(0);
    expect(failing.stderr).toMatch(/Strava/);
  }, 300_000);

  it('syncs in-process through faults, a token rotation and a revocation, and serves the dashboard', async () => {
    const app: App = await open();
    try {
      // In-process connects as well: the Zepp app token, and a bad Strava token.
      await app.accounts.connectZepp({ appToken: zepp.credentials.appToken, userId: zepp.credentials.userId });
      await caught(
        'connectStravaWithRefreshToken(wrong token)',
        app.accounts.connectStravaWithRefreshToken({ refreshToken: wrongSecrets[0]! }),
      );
      await caught(
        'connectStravaWithRefreshToken(wrong client secret)',
        app.accounts.connectStravaWithRefreshToken({
          refreshToken: strava.control.issueRefreshToken(),
          clientSecret: wrongSecrets[1]!,
        }),
      );
      await caught(
        'connectZepp(wrong password)',
        app.accounts.connectZepp({ email: zepp.credentials.email, password: wrongSecrets[2]! }),
      );

      // Zepp says "too many requests": the account is skipped this run with its reason (the daemon retries
      // later) and the other accounts go on; then it goes through.
      zepp.control.failNext(429, 1, 'history');
      // (A dry run, so the faults below still meet the real uploads.)
      const throttled = await syncAll(app.deps, { all: true, dryRun: true, wait: (u) => clock.wait(u) });
      said.push({ where: 'sync with Zepp 429', text: JSON.stringify(throttled) });
      expect(throttled.accounts.map((a) => a.problem)).toContain('zepp_rate_limited');
      strava.control.fault({ kind: 'rate_limit', method: 'POST', path: '/api/v3/uploads', times: 2 });
      strava.control.fault({ kind: 'server_error', status: 502, method: 'POST', path: '/api/v3/uploads', times: 1 });
      strava.control.fault({ kind: 'hang', hangMs: 500, method: 'POST', path: '/api/v3/uploads', times: 1 });
      strava.control.fault({ kind: 'drop_response', method: 'POST', path: '/api/v3/uploads', times: 1 });
      // Half-way the access token expires (the clock jumps 7 h) and is refreshed, rotating the refresh token.
      let jumped = false;
      const rotations = strava.control.rotations();
      const first = await syncAll(app.deps, {
        all: true,
        wait: (u) => clock.wait(u),
        onProgress: (p) => {
          if (p.phase === 'upload' && p.done === 3 && !jumped) {
            jumped = true;
            clock.advance(7 * 3600_000);
          }
        },
      });
      said.push({ where: 'first sync summary', text: JSON.stringify(first) });
      // (The upload whose answer was dropped is resolved by listing, not counted as uploaded by this run.)
      expect(await app.store.countByState('strava')).toEqual({ synced: WORKOUTS });
      expect(strava.control.rotations()).toBeGreaterThan(rotations);
      expect(strava.control.count429()).toBeGreaterThanOrEqual(2);

      // The athlete revokes access; the next run stops with the fix, and errors are captured.
      strava.control.deauthorizeAthlete();
      clock.advance(7 * 3600_000);
      zepp.control.addWorkout('strength'); // something new to upload, so the run must talk to Strava
      const revoked = await syncAll(app.deps, { all: true, wait: (u) => clock.wait(u) });
      said.push({ where: 'revoked sync summary', text: JSON.stringify(revoked) });
      expect(revoked.stoppedBy).toBe('strava_auth_revoked');
      await caught(
        'listActivities after revocation',
        app.accounts.stravaClient().then((c) => c.listActivities({ after: '2020-01-01T00:00:00Z' })),
      );
      await app.accounts.connectStravaWithRefreshToken({ refreshToken: strava.control.issueRefreshToken() });

      const daemon = await startDaemon(app, { work: false, port: 0, host: '127.0.0.1' });
      try {
        const base = daemon.url!.replace(/\/$/, '');
        const records = await app.store.listRecords({ destination: 'strava', limit: 10 });
        const paths = [
          '/',
          '/backfill',
          '/connect',
          '/settings',
          '/workouts',
          '/metrics',
          '/healthz',
          '/readyz',
          '/events?once=1',
          ...records.slice(0, 3).flatMap((r) => [`/workouts/${r.workoutId}`, `/workouts/${r.workoutId}/data.json`]),
        ];
        for (const path of paths) {
          const controller = new AbortController();
          const res = await fetch(base + path, { signal: controller.signal });
          // Server-sent events never end: read what arrives first, then stop.
          const text = path.startsWith('/events')
            ? await Promise.race([
                res.text(),
                new Promise<string>((r) =>
                  setTimeout(() => {
                    controller.abort();
                    r('');
                  }, 1000),
                ),
              ]).catch(() => '')
            : await res.text();
          if (!path.startsWith('/events')) expect(res.status, path).toBeLessThan(400);
          said.push({ where: `GET ${path}`, text });
        }
        // The CLI through the daemon's local API: its token travels in a header only.
        localApiToken = readDaemonFile(dataDir)!.token;
        expect((await cli(['status', '--json'])).code).toBe(0);
        expect((await cli(['sync'])).stderr).toContain('only serves the dashboard'); // a refusal, with its message
        const unauthorized = await fetch(`${base}/api/local/status`, { headers: { authorization: 'Bearer wrong' } });
        said.push({ where: 'local API refusal', text: await unauthorized.text() });
      } finally {
        await daemon.close();
      }
    } finally {
      await app.close();
    }
  }, 300_000);

  it('status and log through the CLI', async () => {
    const status = await cli(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    // The ledger as text: every reason, the fault ones included.
    const log = await cli(['log', '--limit', '100000']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout.split('\n').length).toBeGreaterThan(WORKOUTS * 3);
    expect(log.stdout).toMatch(/strava_unavailable|resolved by listing/);
  }, 300_000);

  it('finds no secret anywhere', () => {
    const secrets = [
      strava.credentials.clientSecret,
      ...strava.control.issuedTokens(),
      ...wrongSecrets,
      zepp.credentials.appToken,
      zepp.credentials.password,
      secretKey,
      localApiToken,
    ];
    expect(localApiToken.length).toBeGreaterThan(20);
    expect(strava.control.issuedTokens().length).toBeGreaterThanOrEqual(6); // access + refresh, several generations
    const everything = [
      ...said,
      ...logLines.map((text) => ({ where: 'log line', text })),
      ...strava.control.requests().map((r) => ({ where: 'Strava request URL', text: r.url })),
      ...zepp.control.requests().map((url) => ({ where: 'Zepp request URL', text: url })),
    ];
    // The capture really captured: logs, CLI output, pages and both simulators' URLs are all there.
    expect(logLines.length).toBeGreaterThan(0);
    expect(strava.control.requests().length).toBeGreaterThan(WORKOUTS);
    expect(zepp.control.requests().length).toBeGreaterThan(0);
    expect(said.some((s) => s.where === 'GET /workouts' && s.text.length > 0)).toBe(true);
    const leaks: string[] = [];
    for (const { where, text } of everything) {
      for (const secret of secrets)
        if (secret && text.includes(secret))
          leaks.push(
            `${where} contains ${secret.slice(0, 6)}…: ${text.slice(Math.max(0, text.indexOf(secret) - 80), text.indexOf(secret) + 20)}`,
          );
    }
    expect(leaks).toEqual([]);
  });
});
