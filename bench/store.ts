// Store figures on both engines: open time (fresh PGlite with/without the
// initdb template, reopen), budget reservations, transitions, queue jobs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withFingerprint } from '../src/core/index.js';
import { openStore, type OpenedStore } from '../src/store/index.js';

const DATABASE_URL = process.env.BANDSYNC_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, +(performance.now() - t).toFixed(0)];
}

async function workload(opened: OpenedStore): Promise<Record<string, number>> {
  const { store, budget, queue } = opened;
  const day = new Date(Date.UTC(2032, 0, 1 + Math.floor(Math.random() * 300), 10, 1));
  const [, reserveMs] = await timed(async () => {
    for (let i = 0; i < 200; i++) await budget.tryReserve('upload', day, 0);
  });
  const account = await store.saveAccount({ kind: 'zepp-cloud', label: 'bench', settings: {} });
  const n = 200;
  const ids: string[] = [];
  const [, saveMs] = await timed(async () => {
    for (let i = 0; i < n; i++) {
      const t = Array.from({ length: 1800 }, (_, k) => k);
      const w = withFingerprint({
        sport: 'running',
        startTime: new Date(Date.UTC(2023, 0, 1) + i * 86_400_000).toISOString(),
        utcOffsetSeconds: 0,
        elapsedSeconds: 1800,
        samples: {
          t,
          heartRate: t.map((k) => 120 + (k % 40)),
          lat: t.map((k) => 52 + k * 1e-5),
          lon: t.map((k) => 4 + k * 1e-5),
        },
        pauses: [],
        laps: [],
        lengths: [],
        indoor: false,
        device: { manufacturer: 339, product: 1, name: 'bench' },
        totals: {},
        source: { kind: 'zepp-cloud', id: `b${i}-${randomBytes(3).toString('hex')}` },
      });
      const saved = await store.saveWorkout(account.id, w);
      await store.ensureRecord(saved.id, 'strava', `x${saved.id}`);
      ids.push(saved.id);
    }
  });
  const [, transitionMs] = await timed(async () => {
    for (const id of ids)
      await store.transition({
        workoutId: id,
        destination: 'strava',
        from: ['discovered'],
        to: 'fetched',
        reason: 'bench',
      });
  });
  const [, listMs] = await timed(() => store.listRecords({ destination: 'strava' }));
  const name = `bench_${randomBytes(3).toString('hex')}`;
  let done = 0;
  for (let i = 0; i < 100; i++) await queue.send(name, { i });
  const [, queueMs] = await timed(async () => {
    await queue.work(
      name,
      async () => {
        done++;
      },
      { concurrency: 4 },
    );
    while (done < 100) await new Promise((r) => setTimeout(r, 20));
  });
  return {
    reservationsPerSecond: Math.round(200 / (reserveMs / 1000)),
    workoutSavesPerSecond1800Samples: Math.round(n / (saveMs / 1000)),
    transitionsPerSecond: Math.round(n / (transitionMs / 1000)),
    listRecordsMs: listMs,
    queueJobsPerSecond: Math.round(100 / (queueMs / 1000)),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const cache = mkdtempSync(join(tmpdir(), 'bandsync-bench-cache-'));
  const dirs: string[] = [];
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'bandsync-bench-'));
    dirs.push(d);
    return d;
  };
  const previousCache = process.env.BANDSYNC_CACHE_DIR;
  process.env.BANDSYNC_CACHE_DIR = cache;
  try {
    const first = dir();
    const [a, freshNoTemplateMs] = await timed(() => openStore({ dataDir: first }));
    await a.close();
    const [b, reopenMs] = await timed(() => openStore({ dataDir: first }));
    await b.close();
    const [lite, freshFromTemplateMs] = await timed(() => openStore({ dataDir: dir() }));
    out.pglite = { freshNoTemplateMs, freshFromTemplateMs, reopenMs, ...(await workload(lite)) };
    await lite.close();

    const schema = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    try {
      const [server, openMs] = await timed(() =>
        openStore({ dataDir: dir(), databaseUrl: DATABASE_URL, schema, secretKey: randomBytes(32).toString('base64') }),
      );
      out.postgres = { openMs, ...(await workload(server)) };
      await server.close();
    } catch (error) {
      out.postgres = { error: (error as Error).message };
    } finally {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client
        .connect()
        .then(() => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))
        .catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  } finally {
    if (previousCache === undefined) delete process.env.BANDSYNC_CACHE_DIR;
    else process.env.BANDSYNC_CACHE_DIR = previousCache;
    for (const d of [cache, ...dirs]) rmSync(d, { recursive: true, force: true });
  }
  return out;
}
