// doctor on broken set-ups: every check fed by real parts where the failure
// can be produced here (lock files, PostgreSQL, HTTP Date headers, statfs).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatDoctor,
  fetchServerDate,
  probeDaemon,
  runDoctor,
  type CheckResult,
  type DatabaseProbe,
  type DoctorDeps,
} from '../../src/observability/doctor.js';
import { openStore, readLockHolder } from '../../src/store/index.js';
import { acquireDataDirLock } from '../../src/store/lock-file.js';
import { BandsyncError } from '../../src/sync/failures.js';
import type { Account, RateBudgetSnapshot } from '../../src/sync/ports.js';
import { TEST_DATABASE_URL, dropSchema, tempDir, uniqueSchema } from '../store/helpers.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});
const now = () => new Date('2026-03-01T10:00:00Z');

function account(kind: Account['kind'], settings: Record<string, unknown> = {}, extra: Partial<Account> = {}): Account {
  return {
    id: `${kind}-1`,
    kind,
    label: `${kind} acct`,
    settings,
    status: 'ok',
    problem: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-02-01T00:00:00Z',
    ...extra,
  };
}
const budget: RateBudgetSnapshot = {
  overall: { limit15: 200, usage15: 20, limitDay: 2000, usageDay: 300 },
  read: { limit15: 100, usage15: 4, limitDay: 1000, usageDay: 40 },
  windowEndsAt: '2026-03-01T10:15:00Z',
  dayEndsAt: '2026-03-02T00:00:00Z',
  blockedUntil: null,
  updatedAt: '2026-03-01T09:59:00Z',
};

function base(dataDir: string, over: Partial<DoctorDeps> = {}): DoctorDeps {
  return {
    dataDir,
    now,
    readLockHolder,
    database: async () => ({ kind: 'pglite', where: dataDir, applied: [1], available: [1] }),
    accounts: async () => [
      account('zepp-cloud', { connectedAt: '2026-02-20T10:00:00Z' }),
      account('strava', { scopes: ['read', 'activity:write', 'activity:read_all'] }),
    ],
    rateBudget: async () => budget,
    ...over,
  };
}
const byId = (rs: CheckResult[], id: string) => rs.find((r) => r.id === id || r.id.startsWith(id + ':'))!;

async function listen(app: Hono): Promise<string> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
    cleanups.push(() => new Promise((r) => server.close(r)));
  });
}

describe('doctor', () => {
  it('a healthy set-up is all ok, one line per check', async () => {
    const dir = tempDir('bandsync-doctor-');
    cleanups.push(dir.remove);
    const rs = await runDoctor(base(dir.path));
    expect(rs.filter((r) => r.status === 'fail')).toEqual([]);
    expect(byId(rs, 'zepp').summary).toContain('token 9 days old');
    expect(byId(rs, 'strava').status).toBe('ok');
    expect(byId(rs, 'rate-budget').summary).toContain('180/200 requests left this 15 min, 1700/2000 today');
    const text = formatDoctor(rs);
    expect(text.split('\n').filter((l) => /^[✓!✗-] /.test(l))).toHaveLength(rs.length);
  });

  it('data dir privacy: ok when owner-only; fails when group or others can reach it, or could until the store opened', async () => {
    const dir = tempDir('bandsync-doctor-private-');
    cleanups.push(dir.remove);
    writeFileSync(join(dir.path, 'secret.key'), 'k', { mode: 0o600 });
    const quiet = { database: undefined, accounts: undefined, rateBudget: undefined };
    expect(byId(await runDoctor(base(dir.path, quiet)), 'data-dir-private')).toMatchObject({ status: 'ok' });
    chmodSync(dir.path, 0o750);
    const open = byId(await runDoctor(base(dir.path, quiet)), 'data-dir-private');
    expect(open).toMatchObject({ status: 'fail' });
    expect(open.summary).toContain('1 entry, e.g. .; the data dir is 0750');
    expect(open.fix).toContain(`chmod -R go= ${dir.path}`);
    chmodSync(dir.path, 0o700);
    const exposureAtStart = { mode: 0o755, count: 2, examples: ['.', 'db/PG_VERSION'] };
    const was = byId(await runDoctor(base(dir.path, { ...quiet, exposureAtStart })), 'data-dir-private');
    expect(was).toMatchObject({ status: 'fail' });
    expect(was.summary).toContain(
      'until this check opened it (2 entries, e.g. ., db/PG_VERSION; the data dir is 0755)',
    );
  });

  it('data dir: not writable, locked by a live process, stale lock', async () => {
    const dir = tempDir('bandsync-doctor-lock-');
    cleanups.push(dir.remove);
    const file = join(dir.path, 'a-file');
    writeFileSync(file, '');
    const notDir = await runDoctor(
      base(join(file, 'data'), { database: undefined, accounts: undefined, rateBudget: undefined }),
    );
    expect(byId(notDir, 'data-dir')).toMatchObject({ status: 'fail' });
    expect(byId(notDir, 'data-dir').fix).toMatch(/mkdir -p/);

    // The store's own lock (what openStore takes) is held: doctor names the holder.
    const lock = acquireDataDirLock(dir.path, 'bandsync daemon');
    try {
      const rs = await runDoctor(base(dir.path));
      expect(byId(rs, 'data-dir').status).toBe('ok');
      expect(byId(rs, 'data-dir').summary).toContain(`locked by pid ${process.pid} (bandsync daemon)`);
    } finally {
      lock.release();
    }
    // A lock left by a process that is gone.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(
      join(dir.path, 'bandsync.lock'),
      JSON.stringify({ pid: Number(dead), command: 'bandsync daemon', startedAt: '2026-02-28T00:00:00Z' }),
    );
    const stale = await runDoctor(base(dir.path));
    expect(byId(stale, 'data-dir')).toMatchObject({ status: 'warn' });
    expect(byId(stale, 'data-dir').summary).toContain(`stale lock from pid ${dead}`);
  }, 120_000);

  it('database: unreachable PostgreSQL fails with a fix and no password', async () => {
    const url = 'postgres://bandsync:sup3rs3cret@127.0.0.1:1/nope';
    const dir = tempDir('bandsync-doctor-db-');
    cleanups.push(dir.remove);
    const rs = await runDoctor(
      base(dir.path, {
        databaseUrl: url,
        database: async () => {
          const s = await openStore({
            dataDir: dir.path,
            databaseUrl: url,
            secretKey: randomBytes(32).toString('base64'),
          });
          await s.close();
          throw new Error('unreachable expected');
        },
        accounts: async () => {
          throw new Error('no db');
        },
      }),
    );
    expect(byId(rs, 'database')).toMatchObject({ status: 'fail' });
    expect(byId(rs, 'database').summary).toMatch(/cannot open the database: .*ECONNREFUSED/);
    expect(byId(rs, 'database').fix).toMatch(/pg_isready/);
    expect(JSON.stringify(rs)).not.toContain('sup3rs3cret');
    expect(byId(rs, 'strava').status).toBe('skip');
  }, 60_000);

  it('database: migrations from a newer version fail, pending ones warn (real PostgreSQL)', async () => {
    const schema = uniqueSchema('doctor');
    cleanups.push(() => dropSchema(schema));
    const dir = tempDir('bandsync-doctor-pg-');
    cleanups.push(dir.remove);
    const opened = await openStore({
      dataDir: dir.path,
      databaseUrl: TEST_DATABASE_URL,
      schema,
      secretKey: randomBytes(32).toString('base64'),
    });
    try {
      const shipped = (
        await opened.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      ).map((r) => Number(r.version));
      const probe = async (): Promise<DatabaseProbe> => ({
        kind: 'postgres',
        where: '127.0.0.1/test',
        available: shipped,
        applied: (
          await opened.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
        ).map((r) => Number(r.version)),
      });
      expect(byId(await runDoctor(base(dir.path, { database: probe })), 'database').status).toBe('ok');
      await opened.db.query(`INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')`);
      const newer = byId(await runDoctor(base(dir.path, { database: probe })), 'database');
      expect(newer).toMatchObject({ status: 'fail' });
      expect(newer.summary).toContain('9999');
      await opened.db.query(`DELETE FROM schema_migrations WHERE version IN (9999, $1)`, [shipped[shipped.length - 1]]);
      expect(byId(await runDoctor(base(dir.path, { database: probe })), 'database').status).toBe('warn');
    } finally {
      await opened.close();
    }
  }, 60_000);

  it('strava: missing account, missing scopes, revoked token', async () => {
    const dir = tempDir('bandsync-doctor-strava-');
    cleanups.push(dir.remove);
    const none = byId(await runDoctor(base(dir.path, { accounts: async () => [] })), 'strava');
    expect(none).toMatchObject({ status: 'fail', fix: expect.stringContaining('bandsync connect strava') });

    const scopes = byId(
      await runDoctor(
        base(dir.path, { accounts: async () => [account('strava', { scopes: ['read', 'activity:read'] })] }),
      ),
      'strava',
    );
    expect(scopes.status).toBe('fail');
    expect(scopes.summary).toContain('activity:write and activity:read_all not granted');
    expect(scopes.fix).toMatch(/tick both boxes/);

    const probed = byId(
      await runDoctor(base(dir.path, { probeStrava: async () => ({ scopes: ['activity:write'] }) })),
      'strava',
    );
    expect(probed.summary).toContain('activity:read_all not granted');

    const revoked = byId(
      await runDoctor(
        base(dir.path, {
          probeStrava: async () => {
            throw new BandsyncError('strava_auth_revoked', 'refresh answered 400 for refresh_token=abcdef123456');
          },
        }),
      ),
      'strava',
    );
    expect(revoked.status).toBe('fail');
    expect(revoked.summary).not.toContain('abcdef123456');
    expect(revoked.fix).toMatch(/bandsync connect strava/);
  });

  it('strava: unknown scopes (refresh-token connection) are probed with one listing: a warning, or a failure', async () => {
    const dir = tempDir('bandsync-doctor-scopes-');
    cleanups.push(dir.remove);
    const noScopes = {
      accounts: async () => [account('strava', { clientId: '1' })],
      probeStrava: async () => ({ scopes: null }),
    };
    let listed = 0;
    const reading = await runDoctor(
      base(dir.path, {
        ...noScopes,
        probeStravaListing: async () => {
          listed++;
        },
      }),
    );
    expect(byId(reading, 'strava')).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('scopes unknown; reading works; writing is checked by the first upload'),
    });
    expect(listed).toBe(1);
    expect(reading.filter((r) => r.status === 'fail')).toEqual([]);

    const refused = byId(
      await runDoctor(
        base(dir.path, {
          ...noScopes,
          probeStravaListing: async () => {
            throw new BandsyncError('strava_scope_missing', 'Strava activity listing: HTTP 401 Authorization Error');
          },
        }),
      ),
      'strava',
    );
    expect(refused).toMatchObject({ status: 'fail', fix: expect.stringMatching(/tick both boxes/) });

    // Not contacted at all: still only a warning, saying so.
    const offline = byId(await runDoctor(base(dir.path, { accounts: noScopes.accounts })), 'strava');
    expect(offline.status).toBe('warn');
    expect(offline.summary).toContain('not contacted');
  });

  it('zepp: expired token reported with its age and the fix', async () => {
    const dir = tempDir('bandsync-doctor-zepp-');
    cleanups.push(dir.remove);
    const rs = await runDoctor(
      base(dir.path, {
        probeSource: async () => {
          throw new BandsyncError('zepp_token_expired', 'Zepp answered 401');
        },
      }),
    );
    expect(byId(rs, 'zepp')).toMatchObject({ status: 'fail', fix: expect.stringContaining('bandsync connect zepp') });
    expect(byId(rs, 'zepp').summary).toContain('token 9 days old');
  });

  it('clock skew from a real server Date header', async () => {
    const skewSeconds = 400;
    const url = await listen(
      new Hono().all('*', (c) => c.body(null, 200, { date: new Date(Date.now() - skewSeconds * 1000).toUTCString() })),
    );
    const dir = tempDir('bandsync-doctor-clock-');
    cleanups.push(dir.remove);
    const rs = await runDoctor(base(dir.path, { now: () => new Date(), serverDate: () => fetchServerDate(url) }));
    const clock = byId(rs, 'clock');
    expect(clock.status).toBe('fail');
    const reported = Number(/(\d+) s ahead/.exec(clock.summary)![1]);
    expect(Math.abs(reported - skewSeconds)).toBeLessThanOrEqual(2);
    expect(clock.fix).toMatch(/timedatectl/);
  });

  it('daemon running or not, over real HTTP', async () => {
    const url = await listen(new Hono().get('/healthz', (c) => c.json({ ok: true })));
    expect(await probeDaemon(url)).toMatchObject({ running: true });
    const closed = await probeDaemon('http://127.0.0.1:1');
    expect(closed.running).toBe(false);
    const dir = tempDir('bandsync-doctor-daemon-');
    cleanups.push(dir.remove);
    const rs = await runDoctor(base(dir.path, { daemon: () => probeDaemon('http://127.0.0.1:1') }));
    expect(byId(rs, 'daemon')).toMatchObject({ status: 'warn', fix: expect.stringContaining('systemctl --user') });
  });

  it('disk space agrees with df, and low space fails', async () => {
    const dir = tempDir('bandsync-doctor-disk-');
    cleanups.push(dir.remove);
    mkdirSync(join(dir.path, 'x'));
    const df = Number(execFileSync('df', ['-B1', '--output=avail', dir.path]).toString().trim().split('\n')[1]);
    const disk = byId(await runDoctor(base(dir.path)), 'disk');
    const m = /([\d.]+) (GB|MB) free/.exec(disk.summary)!;
    const reported = Number(m[1]) * (m[2] === 'GB' ? 1024 ** 3 : 1024 ** 2);
    expect(Math.abs(reported - df) / df).toBeLessThan(0.05);
    const low = byId(await runDoctor(base(dir.path, { freeBytes: async () => 50 * 1024 ** 2 })), 'disk');
    expect(low.status).toBe('fail');
  });

  it('rate budget: blocked after a 429 warns', async () => {
    const dir = tempDir('bandsync-doctor-budget-');
    cleanups.push(dir.remove);
    const r = byId(
      await runDoctor(
        base(dir.path, { rateBudget: async () => ({ ...budget, blockedUntil: '2026-03-01T10:15:00Z' }) }),
      ),
      'rate-budget',
    );
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('waiting until 2026-03-01T10:15:00Z');
  });
});
