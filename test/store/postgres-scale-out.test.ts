// Scale-out on PostgreSQL (DESIGN §2, §4.2): several store instances — each its
// own pool, as separate worker processes would be — share one schema. The
// budget, locks, transitions and queue must hold across them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, SecretKeyMismatchError, type OpenedStore } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import {
  dropSchema,
  makeWorkout,
  migrationFileVersions,
  tempDir,
  TEST_DATABASE_URL,
  uniqueSchema,
  waitFor,
} from './helpers.js';

describe('PostgreSQL shared by several processes', () => {
  const dir = tempDir();
  const schema = uniqueSchema('scale');
  const secretKey = randomBytes(32).toString('base64');
  let peers: OpenedStore[] = [];

  beforeAll(async () => {
    // Opened at once: migrations and pg-boss set-up race and must serialize.
    peers = await Promise.all(
      Array.from({ length: 4 }, () =>
        openStore({
          dataDir: dir.path,
          databaseUrl: TEST_DATABASE_URL,
          schema,
          secretKey,
          queue: { pollIntervalMs: 200 },
        }),
      ),
    );
  });
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
    await dropSchema(schema);
    dir.remove();
  });

  it('applied each migration once', async () => {
    expect(peers.every((p) => p.kind === 'postgres')).toBe(true);
    const rows = await peers[0]!.db.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(rows.map((r) => r.version).sort((a, b) => a - b)).toEqual(migrationFileVersions());
    expect(await migrate(peers[1]!.db)).toEqual([]);
  });

  it('never lets the processes together exceed the 15-minute limit', async () => {
    const now = new Date('2031-05-05T12:03:00Z');
    const results = await Promise.all(
      peers.flatMap((p) => Array.from({ length: 70 }, () => p.budget.tryReserve('upload', now, 0))),
    );
    expect(results.filter((r) => r === null)).toHaveLength(200);
    expect(new Set(results.filter((r) => r !== null))).toEqual(new Set(['2031-05-05T12:15:00.000Z']));
    expect((await peers[3]!.budget.snapshot(now)).overall).toMatchObject({ usage15: 200, usageDay: 200 });
  });

  it('keeps reads off the uploads share across processes', async () => {
    const now = new Date('2031-05-06T12:03:00Z');
    const results = await Promise.all(
      peers.flatMap((p) => Array.from({ length: 30 }, () => p.budget.tryReserve('read', now, 180))),
    );
    expect(results.filter((r) => r === null)).toHaveLength(20);
  });

  it('holds withLock across pools: the second waits until the first releases', async () => {
    const [a, b] = peers;
    let releaseA!: () => void;
    const aHolds = new Promise<void>((r) => {
      releaseA = r;
    });
    let aEntered = false;
    const events: string[] = [];
    const first = a!.store.withLock('strava-refresh', async () => {
      aEntered = true;
      events.push('a in');
      await aHolds;
      events.push('a out');
    });
    await waitFor(() => aEntered);
    const second = b!.store.withLock('strava-refresh', async () => {
      events.push('b in');
    });
    const other = b!.store.withLock('another-lock', async () => {
      events.push('other');
    });
    await other;
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual(['a in', 'other']);
    releaseA();
    await Promise.all([first, second]);
    expect(events).toEqual(['a in', 'other', 'a out', 'b in']);
  });

  it('lets one process win a racing transition', async () => {
    const account = await peers[0]!.store.saveAccount({ kind: 'zepp-cloud', label: 'race', settings: {} });
    const saved = await peers[0]!.store.saveWorkout(account.id, makeWorkout('race-1', '2024-02-02T08:00:00Z'));
    await Promise.all(peers.map((p) => p.store.ensureRecord(saved.id, 'strava', 'ext-race')));
    const results = await Promise.all(
      peers.map((p, i) =>
        p.store.transition({
          workoutId: saved.id,
          destination: 'strava',
          from: ['discovered'],
          to: 'uploading',
          reason: `worker ${i}`,
        }),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect((await peers[2]!.store.listLedger({ workoutId: saved.id })).map((e) => e.toState)).toEqual([
      'discovered',
      'uploading',
    ]);
  });

  it('delivers each job to exactly one process', async () => {
    const name = `shared_${randomBytes(3).toString('hex')}`;
    const seen: { n: number; peer: number }[] = [];
    await Promise.all(
      peers.map((p, peer) =>
        p.queue.work(
          name,
          async (payload) => {
            await new Promise((r) => setTimeout(r, 20));
            seen.push({ n: (payload as { n: number }).n, peer });
          },
          { concurrency: 2 },
        ),
      ),
    );
    for (let n = 0; n < 40; n++) await peers[n % 4]!.queue.send(name, { n });
    await waitFor(() => seen.length >= 40);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.map((s) => s.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(new Set(seen.map((s) => s.peer)).size).toBeGreaterThan(1);
  });

  it('shares sealed secrets between processes with the same key, and refuses another key clearly', async () => {
    const account = await peers[0]!.store.saveAccount({
      kind: 'strava',
      label: 's',
      settings: {},
      secrets: { refreshToken: 'rt-shared' },
    });
    expect(await peers[3]!.store.getSecrets(account.id)).toEqual({ refreshToken: 'rt-shared' });
    const stranger = await openStore({
      dataDir: dir.path,
      databaseUrl: TEST_DATABASE_URL,
      schema,
      secretKey: randomBytes(32).toString('base64'),
    });
    try {
      await expect(stranger.store.getSecrets(account.id)).rejects.toBeInstanceOf(SecretKeyMismatchError);
    } finally {
      await stranger.close();
    }
  });

  it('reports an unreachable server without its password', async () => {
    const failure = openStore({ dataDir: dir.path, databaseUrl: 'postgres://bob:hunter2@127.0.0.1:1/nowhere', schema });
    await expect(failure).rejects.toThrow(/cannot open PostgreSQL database/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});
