// Dashboard with 10,000 stored workouts (real store, PGlite): server time of
// the workouts list (first page, deep page, filters), a workout page and its
// chart data, and page weight (HTML alone and with every asset it loads).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createApp } from '../src/server/app.js';
import { openStore } from '../src/store/index.js';
import { StoreEngine } from '../test/server/engine.js';
import { gpsRun, strength } from '../test/server/workouts.js';

const WORKOUTS = 10_000;
const RUNS = 30;

export async function run(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bandsync-bench-server-'));
  const opened = await openStore({ dataDir: dir, secretKey: randomBytes(32).toString('base64') });
  try {
    const store = opened.store;
    const account = await store.saveAccount({ kind: 'zepp-cloud', label: 'bench', settings: {} });
    const seedStart = performance.now();
    let bigId = '';
    for (let i = 0; i < WORKOUTS; i++) {
      const start = new Date(Date.UTC(2026, 9, 31, 7) - i * 6 * 3600_000).toISOString();
      // Light samples keep seeding quick; one full 1-hour GPS run is the page under test.
      const w =
        i === 0
          ? gpsRun(i, start, { seconds: 3600 })
          : i % 5 === 4
            ? strength(i, start)
            : gpsRun(i, start, { seconds: 30 });
      const { id } = await store.saveWorkout(account.id, w);
      await store.ensureRecord(id, 'strava', `bandsync-${w.fingerprint}`);
      if (i === 0) bigId = id;
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const app = createApp({
      store,
      budget: opened.budget,
      engine: new StoreEngine(store),
      now: () => new Date(),
      security: { remote: false },
    });
    // One session for every request, as a browser would have.
    const first = await app.request('http://127.0.0.1/');
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const get = (p: string) => app.request(`http://127.0.0.1${p}`, { headers: { cookie } });

    const time = async (p: string) => {
      const ms: number[] = [];
      let bytes = 0;
      let body = '';
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const res = await get(p);
        body = await res.text();
        ms.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
        bytes = Buffer.byteLength(body);
      }
      ms.sort((a, b) => a - b);
      return {
        body,
        figures: {
          medianMs: +ms[Math.floor(ms.length / 2)]!.toFixed(1),
          p95Ms: +ms[Math.floor(ms.length * 0.95)]!.toFixed(1),
          htmlBytes: bytes,
          htmlGzipBytes: gzipSync(body).length,
        },
      };
    };
    const withAssets = async (html: string) => {
      const urls = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
      let total = Buffer.byteLength(html);
      let gz = gzipSync(html).length;
      for (const u of urls) {
        const buf = Buffer.from(await (await get(u)).arrayBuffer());
        total += buf.length;
        gz += gzipSync(buf).length;
      }
      return { assetCount: urls.length, firstVisitBytes: total, firstVisitGzipBytes: gz };
    };

    const list = await time('/workouts');
    const workout = await time(`/workouts/${bigId}`);
    const data = await time(`/workouts/${bigId}/data.json`);
    return {
      workouts: WORKOUTS,
      seedSeconds: +seedSeconds.toFixed(1),
      listFirstPage: { ...list.figures, ...(await withAssets(list.body)) },
      listDeepPage: (await time('/workouts?page=150')).figures,
      listSportFilter: (await time('/workouts?sport=strength')).figures,
      listTextFilter: (await time('/workouts?q=run+12')).figures,
      listDateFilter: (await time('/workouts?from=2025-01-01&to=2025-03-31')).figures,
      workoutPage: { ...workout.figures, ...(await withAssets(workout.body)) },
      workoutChartData: data.figures,
      overview: (await time('/')).figures,
    };
  } finally {
    await opened.close();
    await rm(dir, { recursive: true, force: true });
  }
}
