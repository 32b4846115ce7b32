// Every page of the dashboard in Chromium on a phone (390×844) and a desktop
// (1400×1000): nothing wider than the screen, no serious or critical axe
// violation, a screenshot of each (test-results/screenshots/pages/), and the
// workout page's header in the units of each sport, its splits matching the
// laps, and its start in the workout's own clock time. One browser and one
// server for the whole file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHarness, type Harness } from '../server/harness.js';
import { seedAccounts, seedWorkouts } from '../server/seed.js';
import { poolSwim, steady, strength } from '../server/workouts.js';
import type { Workout } from '../../src/core/index.js';
import { axeViolations, widths } from './audit.js';
import { hasChromium, launch, shot, SKIP_REASON, watchErrors } from './chromium.js';

/** The little of the DOM the page functions below use (the test's TS config has no DOM types). */
interface Cell {
  textContent: string | null;
  querySelectorAll(selector: string): ArrayLike<Cell>;
}

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1400, height: 1000 },
] as const;

// 05:30 UTC recorded at UTC+2: the person ran at 07:30.
const RUN_START = '2026-06-14T05:30:00.000Z';

describe.skipIf(!hasChromium)(`every page on a phone and a desktop (${hasChromium ? 'chromium' : SKIP_REASON})`, () => {
  let h: Harness;
  let browser: Browser;
  const ids: Record<string, string> = {};
  let accountId = '';

  async function add(key: string, accountId: string, w: Workout): Promise<string> {
    const { id } = await h.opened.store.saveWorkout(accountId, w);
    await h.opened.store.ensureRecord(id, 'strava', `bandsync-${w.fingerprint}`);
    ids[key] = id;
    return id;
  }

  beforeAll(async () => {
    h = await startHarness();
    const { zepp } = await seedAccounts(h.opened.store);
    accountId = zepp.id;
    await seedWorkouts(h.opened.store, zepp.id, 6);
    await add(
      'run',
      zepp.id,
      steady({
        sport: 'running',
        sourceId: 'run-utc2',
        startTime: RUN_START,
        utcOffsetSeconds: 7200,
        seconds: 3000,
        meters: 10_000,
        lapMeters: 1000,
        cadence: 84,
        gps: true,
      }),
    );
    await add(
      'ride',
      zepp.id,
      steady({
        sport: 'cycling',
        sourceId: 'ride',
        startTime: '2026-06-13T15:00:00.000Z',
        seconds: 3600,
        meters: 30_000,
        cadence: 85,
        gps: true,
      }),
    );
    await add(
      'treadmill',
      zepp.id,
      steady({
        sport: 'treadmill',
        sourceId: 'tm',
        startTime: '2026-06-12T17:00:00.000Z',
        seconds: 1800,
        meters: 5000,
        cadence: 80,
        indoor: true,
      }),
    );
    await add('strength', zepp.id, strength(99, '2026-06-11T18:00:00.000Z'));
    await add('pool', zepp.id, poolSwim('pool', '2026-06-10T06:00:00.000Z'));
    const store = h.opened.store;
    await store.transition({
      workoutId: ids.run!,
      destination: 'strava',
      from: ['discovered'],
      to: 'synced',
      reason: 'test',
      patch: { activityId: '4242' },
    });
    await store.transition({
      workoutId: ids.ride!,
      destination: 'strava',
      from: ['discovered'],
      to: 'failed',
      reason: 'test',
      patch: {
        code: 'strava_upload_rejected',
        lastError: 'Strava: a very long message that must wrap inside its card rather than widen the page at all',
      },
    });
    await store.transition({
      workoutId: ids.treadmill!,
      destination: 'strava',
      from: ['discovered'],
      to: 'duplicate',
      reason: 'test',
      patch: { activityId: '777', code: 'matched_existing' },
    });
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const pages = () => [
    { name: 'overview', path: '/' },
    { name: 'workouts', path: '/workouts' },
    { name: 'workouts-search', path: '/workouts?q=rejected' },
    { name: 'workout-run', path: `/workouts/${ids.run}`, ready: '#charts[data-drawn]' },
    { name: 'workout-ride', path: `/workouts/${ids.ride}`, ready: '#charts[data-drawn]' },
    { name: 'workout-treadmill', path: `/workouts/${ids.treadmill}`, ready: '#charts[data-drawn]' },
    { name: 'workout-strength', path: `/workouts/${ids.strength}`, ready: '#charts[data-drawn]' },
    { name: 'workout-pool', path: `/workouts/${ids.pool}`, ready: '#charts[data-drawn]' },
    { name: 'backfill', path: '/backfill' },
    { name: 'log', path: '/log' },
    { name: 'connect', path: '/connect' },
    { name: 'disconnect', path: `/connect/${accountId}/disconnect` },
    { name: 'settings', path: '/settings' },
    { name: 'not-found', path: '/no/such/page', status: 404 },
  ];

  for (const size of SIZES) {
    it(`fits ${size.width} px, passes axe and is photographed (${size.name})`, async () => {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      const page = await context.newPage();
      const errors = watchErrors(page);
      try {
        for (const p of pages()) {
          // The 404 page logs its own (expected) failed load: check the others before it.
          if (p.status === 404) expect(errors).toEqual([]);
          const res = await page.goto(h.url + p.path);
          expect(res?.status(), p.path).toBe(p.status ?? 200);
          if (p.ready) await page.waitForSelector(p.ready);
          const w = await widths(page);
          expect(w.document, `${p.name} at ${size.width}: widest ${w.widest}`).toBeLessThanOrEqual(w.viewport);
          expect(await axeViolations(page), `${p.name} at ${size.width}`).toEqual([]);
          await shot(page, `pages/${p.name}-${size.width}`);
        }
        if (size.name === 'phone') await checkMenu(page);
      } finally {
        await context.close();
      }
    }, 120_000);
  }

  async function checkMenu(page: Page): Promise<void> {
    await page.goto(`${h.url}/workouts`);
    const nav = page.locator('#site-nav');
    expect(await nav.isVisible()).toBe(false);
    await page.click('.menu-toggle');
    expect(await page.locator('.menu-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(await nav.isVisible()).toBe(true);
    await page.click('#site-nav a[href="/settings"]');
    await page.waitForURL(/\/settings$/);
  }

  const stat = (page: Page, key: string) => page.locator(`[data-stat="${key}"] dd`).textContent();

  for (const size of SIZES) {
    it(`shows each sport in its own units, the laps as splits and the local clock (${size.name})`, async () => {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      const page = await context.newPage();
      try {
        await page.goto(`${h.url}/workouts/${ids.run}`);
        expect(await page.locator('h1').textContent()).toBe('Morning Run');
        expect(await page.locator('#workout-start').textContent()).toBe('Sun 14 Jun 2026, 07:30');
        expect(await stat(page, 'distance')).toBe('10.00 km');
        expect(await stat(page, 'pace')).toBe('5:00 /km');
        expect(await stat(page, 'cadence')).toBe('168 spm');
        expect(await stat(page, 'avgHeartRate')).toBe('150 bpm');
        const splits = await page
          .locator('#splits-table tbody tr')
          .evaluateAll((rows) =>
            (rows as unknown as Cell[]).map((r) =>
              Array.from(r.querySelectorAll('th, td')).map((c) => c.textContent?.trim()),
            ),
          );
        expect(splits).toEqual(
          Array.from({ length: 10 }, (_, i) => [String(i + 1), '1.00 km', '5:00', '5:00 /km', '150']),
        );
        // Charts: pace on an inverted axis, one shared cursor.
        await page.waitForSelector('#charts[data-drawn]');
        expect(
          await page.locator('#charts .chart').evaluateAll((els) => els.map((e) => e.getAttribute('data-series'))),
        ).toEqual(['heartRate', 'pace', 'altitude', 'cadence']);
        const plot = page.locator('#charts .chart[data-series="heartRate"] .u-over');
        await plot.scrollIntoViewIfNeeded();
        const box = (await plot.boundingBox())!;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        // Hovering one chart moves the cursor on all: every readout shows the same moment.
        const readouts = await page.locator('#charts .readout').allTextContents();
        expect(readouts).toHaveLength(4);
        const moments = new Set(readouts.map((r) => r.split(' · ')[0]));
        expect(moments.size).toBe(1);
        expect(readouts[1]).toMatch(/ · 5:00 \/km$/);

        await page.goto(`${h.url}/workouts/${ids.ride}`);
        expect(await stat(page, 'pace')).toBe('30.0 km/h');
        expect(await stat(page, 'cadence')).toBe('85 rpm');
        expect(await page.locator('#summary .reason').textContent()).toContain('Strava refused');

        await page.goto(`${h.url}/workouts/${ids.treadmill}`);
        expect(await stat(page, 'pace')).toBe('6:00 /km');
        expect(await stat(page, 'cadence')).toBe('160 spm');
        expect(await page.locator('[data-stat="elevation"]').count()).toBe(0);
        expect(await page.locator('#sync-state').textContent()).toContain('Already on Strava');

        await page.goto(`${h.url}/workouts/${ids.strength}`);
        expect(await page.locator('[data-stat="distance"], [data-stat="pace"]').count()).toBe(0);
        expect(await stat(page, 'moving')).toBe('30:00');

        await page.goto(`${h.url}/workouts/${ids.pool}`);
        expect(await stat(page, 'lengths')).toBe('40 × 25 m');
        expect(await stat(page, 'distance')).toBe('1,000 m');
        expect(await stat(page, 'pace')).toBe('2:00 /100 m');
        expect(await stat(page, 'swolf')).toBe('45');
        expect(await page.locator('#splits h2').textContent()).toBe('Lengths');
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
