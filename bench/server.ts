// Dashboard with 10,000 stored workouts (real store, PGlite): server time of
// the workouts list (first page, deep page, filters), a workout page and its
// chart data, the log, and page weight (HTML alone and with every asset it
// loads); then, in Chromium when it is installed, the render time of the list
// and the workout page as a browser sees it (first contentful paint, load,
// charts and map drawn), first visit and with assets cached.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createApp } from '../src/server/app.js';
import { openStore } from '../src/store/index.js';
import { StoreEngine } from '../test/server/engine.js';
import { serveApp } from '../src/server/serve.js';
import { hasChromium, launch } from '../test/browser/chromium.js';
import { gpsRun, strength } from '../test/server/workouts.js';

const WORKOUTS = 10_000;
const RUNS = 30;
const BROWSER_RUNS = 5;

/** null when no run gave the figure (a paint timing Chromium did not report). */
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? +sorted[Math.floor(sorted.length / 2)]!.toFixed(1) : null;
};

/** What the page's own timing says (ms from navigation start), plus when `ready` appeared. */
const PAGE_TIMING = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
  return {
    responseEndMs: nav.responseEnd,
    domContentLoadedMs: nav.domContentLoadedEventEnd,
    loadMs: nav.loadEventEnd,
    firstContentfulPaintMs: fcp ? fcp.startTime : null,
    transferBytes: performance.getEntriesByType('resource').reduce((n, r) => n + (r.transferSize || 0), nav.transferSize || 0),
  };
})()`;

type Timing = Record<string, number | null>;

/** Render time in Chromium: BROWSER_RUNS first visits (fresh profile) and as many repeat visits (assets cached). */
async function browserTimes(base: string, paths: Record<string, { path: string; ready?: string[] }>) {
  const browser = await launch();
  try {
    const out: Record<string, unknown> = {};
    for (const [name, { path: p, ready = [] }] of Object.entries(paths)) {
      const first: Timing[] = [];
      const repeat: Timing[] = [];
      for (let i = 0; i < BROWSER_RUNS; i++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
        const page = await context.newPage();
        for (const into of [first, repeat]) {
          await page.goto(base + p, { waitUntil: 'load' });
          for (const sel of ready) await page.waitForSelector(sel, { timeout: 60_000 });
          const t = (await page.evaluate(PAGE_TIMING)) as Timing;
          if (ready.length) t.drawnMs = (await page.evaluate('performance.now()')) as number;
          into.push(t);
        }
        await context.close();
      }
      const summary = (runs: Timing[]) =>
        Object.fromEntries(
          Object.keys(runs[0]!).map((k) => [k, median(runs.map((r) => r[k] ?? NaN).filter(Number.isFinite))]),
        );
      out[name] = { firstVisit: summary(first), repeatVisit: summary(repeat) };
    }
    return out;
  } finally {
    await browser.close();
  }
}

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
      // Figures from a shared machine: the load says how much other work they include.
      loadAverage: os.loadavg().map((x) => +x.toFixed(1)),
      seedSeconds: +seedSeconds.toFixed(1),
      listFirstPage: { ...list.figures, ...(await withAssets(list.body)) },
      listDeepPage: (await time('/workouts?page=150')).figures,
      listSportFilter: (await time('/workouts?sport=strength')).figures,
      listTextFilter: (await time('/workouts?q=run+12')).figures,
      listDateFilter: (await time('/workouts?from=2025-01-01&to=2025-03-31')).figures,
      workoutPage: { ...workout.figures, ...(await withAssets(workout.body)) },
      workoutChartData: data.figures,
      overview: (await time('/')).figures,
      log: (await time('/log')).figures,
      logDeepPage: (await time('/log?page=50')).figures,
      browser: hasChromium
        ? await (async () => {
            const served = await serveApp(app, { port: 0, host: '127.0.0.1', passwordConfigured: false });
            try {
              return await browserTimes(served.url.replace(/\/$/, ''), {
                list: { path: '/workouts' },
                workoutPage: { path: `/workouts/${bigId}`, ready: ['#charts[data-drawn]', '#map[data-drawn="1"]'] },
              });
            } finally {
              await served.close();
            }
          })()
        : 'skipped: no /usr/bin/chromium',
    };
  } finally {
    await opened.close();
    await rm(dir, { recursive: true, force: true });
  }
}
