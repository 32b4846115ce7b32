// The dashboard in a real headless Chromium against a real store: the map and
// charts are drawn (asserted on rendered elements), backfill progress arrives
// live over server-sent events, actions work through the forms, and a strict
// CSP page runs without a single violation. Screenshots go to test-results/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHarness, type Harness } from '../server/harness.js';
import { seedAccounts, seedWorkouts } from '../server/seed.js';
import { hasChromium, launch, shot, SKIP_REASON, watchErrors } from './chromium.js';

interface Sized {
  width: number;
  height: number;
}

// Runs in the page (the test's TS config has no DOM types): the colour of the
// heart-rate canvas inside the 300–360 s pause and at 150 s, at the plot's top.
const PIXELS_AT_PAUSE_AND_PLAIN = new Function(
  'el',
  `
  const canvas = el.querySelector('canvas');
  const over = el.querySelector('.u-over');
  const dpr = window.devicePixelRatio || 1;
  const left = over.offsetLeft * dpr, width = over.clientWidth * dpr, top = over.offsetTop * dpr + 5;
  const ctx = canvas.getContext('2d');
  const at = (sec) => Array.from(ctx.getImageData(Math.round(left + width * (sec / 600)), top, 1, 1).data);
  return [at(330), at(150)];
`,
) as (el: unknown) => [number[], number[]];

describe.skipIf(!hasChromium)(`dashboard in Chromium (${hasChromium ? 'chromium found' : SKIP_REASON})`, () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let seeded: { id: string; sport: string }[];

  beforeAll(async () => {
    h = await startHarness();
    const { zepp } = await seedAccounts(h.opened.store);
    seeded = await seedWorkouts(h.opened.store, zepp.id, 12);
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    errors = watchErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('draws the GPS track with Leaflet and the charts with uPlot', async () => {
    const gps = seeded[0]!;
    await page.goto(`${h.url}/workouts/${gps.id}`);
    await page.waitForSelector('#map[data-drawn="1"]');
    await page.waitForSelector('#charts[data-drawn]');
    const path = page.locator('#map path.track');
    await expect.poll(() => path.count()).toBe(1);
    const d = await path.getAttribute('d');
    expect((d ?? '').split(/[ML]/).length).toBeGreaterThan(20); // a real polyline (Leaflet simplifies it)
    const box = await path.boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    // The seeded track is a circle: on the (Mercator) map it must look round.
    expect(box!.width / box!.height).toBeGreaterThan(0.85);
    expect(box!.width / box!.height).toBeLessThan(1.15);
    const tiles = page.locator('#map img.leaflet-tile-loaded');
    await expect.poll(() => tiles.count()).toBeGreaterThan(0);
    const charts = await page
      .locator('#charts .chart')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-series')));
    expect(charts).toEqual(['heartRate', 'pace', 'altitude', 'cadence']);
    const sizes = await page
      .locator('#charts canvas')
      .evaluateAll((els) => els.map((e) => [(e as unknown as Sized).width, (e as unknown as Sized).height]));
    expect(sizes.length).toBe(4);
    for (const [w, hgt] of sizes) {
      expect(w).toBeGreaterThan(250);
      expect(hgt).toBeGreaterThan(100);
    }
    // Pauses are shaded: a pixel inside the 300–360 s pause differs from the plain background.
    const shaded = await page.locator('#charts .chart').first().evaluate(PIXELS_AT_PAUSE_AND_PLAIN);
    expect(shaded[0]).not.toEqual(shaded[1]);
    await shot(page, 'workout-gps');
  });

  it('shows no map for an indoor workout, but its heart-rate chart', async () => {
    const indoor = seeded.find((s) => s.sport === 'strength')!;
    await page.goto(`${h.url}/workouts/${indoor.id}`);
    await page.waitForSelector('#charts[data-drawn="1"]');
    expect(await page.locator('#map').count()).toBe(0);
    expect(await page.locator('#no-map').isVisible()).toBe(true);
    expect(await page.locator('#charts .chart[data-series="heartRate"] canvas').count()).toBe(1);
    await shot(page, 'workout-indoor');
  });

  it('runs a dry-run, confirms, and watches the backfill reach 100 % live', async () => {
    await page.goto(`${h.url}/`);
    await shot(page, 'overview-before');
    const overview = await context.newPage();
    await overview.goto(`${h.url}/`);
    await page.goto(`${h.url}/backfill`);
    await page.click('#range-form button');
    await page.waitForSelector('#plan');
    expect(await page.locator('#plan tr.decision-upload').count()).toBe(12);
    await shot(page, 'backfill-plan');
    await page.click('#confirm-backfill');
    await page.waitForSelector('.flash-ok');
    // The other tab, opened before the run, was updated by server-sent events.
    await overview.waitForSelector('#backfill[data-percent="100"]');
    expect(await overview.locator('#backfill [data-field="done"]').textContent()).toBe('12 of 12 done');
    expect(await overview.locator('#backfill [data-count="uploaded"]').textContent()).toBe('12 on Strava');
    // The counts per state follow too, without a reload.
    await overview.waitForSelector('#count-rows .state-synced');
    expect(await overview.locator('#count-rows tr:has(.state-synced) td').textContent()).toBe('12');
    await shot(overview, 'overview-backfill-done');
    await overview.close();
    const states = await h.opened.store.countByState('strava');
    expect(states.synced).toBe(12);
  });

  it('retries a failed workout from its page', async () => {
    const w = seeded[3]!;
    await h.opened.store.transition({
      workoutId: w.id,
      destination: 'strava',
      from: ['synced'],
      to: 'failed',
      reason: 'test',
      patch: { code: 'strava_upload_rejected', lastError: 'file rejected' },
    });
    await page.goto(`${h.url}/workouts/${w.id}`);
    expect(await page.locator('.state-failed').count()).toBeGreaterThan(0);
    await page.click('button[value="retry"]');
    await page.waitForSelector('.flash-ok');
    expect(await page.locator('.flash-ok').textContent()).toContain('Retry started');
    expect((await h.opened.store.getRecord(w.id, 'strava'))?.state).toBe('discovered');
    await shot(page, 'workout-retried');
  });

  it('edits a sport rule with a preview, then saves it', async () => {
    await page.goto(`${h.url}/settings`);
    await page.fill('input[name="rule-0-raw"]', '1');
    await page.selectOption('select[name="rule-0-type"]', 'TrailRun');
    await page.click('#preview-rules');
    await page.waitForSelector('#rule-preview');
    expect(await page.locator('#rule-preview h3').textContent()).toMatch(/^\d+ workouts would change$/);
    await shot(page, 'settings-preview');
    await page.click('#save-settings');
    await page.waitForSelector('.flash-ok');
    expect((await h.engine.getSettings()).sportRules).toEqual([{ rawSport: '1', sportType: 'TrailRun' }]);
  });

  it('lists, filters and pages workouts; disconnects with a confirmation', async () => {
    await page.goto(`${h.url}/workouts`);
    await page.selectOption('select[name="sport"]', 'strength');
    await page.click('#filters button');
    await page.waitForURL(/sport=strength/);
    expect(await page.locator('#workout-list tr[data-workout]').count()).toBe(
      seeded.filter((s) => s.sport === 'strength').length,
    );
    await shot(page, 'workouts-filtered');
    await page.goto(`${h.url}/connect`);
    await shot(page, 'connect');
    await page.click('tr:has-text("Ana on Strava") a.danger');
    await page.click('#confirm-disconnect');
    await page.waitForSelector('.flash-ok');
    expect(await page.locator('#accounts').textContent()).not.toContain('Ana on Strava');
  });

  it('raised no CSP violation or script error on any page', () => {
    expect(errors).toEqual([]);
  });
});
