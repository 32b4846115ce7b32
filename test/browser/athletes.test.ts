// Issue 18 in the browser: the administrator of a dashboard with two athletes
// (the real daemon on the composed App, embedded database) switches between
// them with the switcher in the header and sees each one's workouts only;
// from a workout's own page the switch lands on the other athlete's list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { silentLogger } from '../../src/observability/index.js';
import { makeWorkout } from '../store/helpers.js';
import { hasChromium, launch, shot, SKIP_REASON, watchErrors } from './chromium.js';

describe.skipIf(!hasChromium)(
  `the athlete switcher in Chromium (${hasChromium ? 'chromium found' : SKIP_REASON})`,
  () => {
    let app: App;
    let daemon: RunningDaemon;
    let browser: Browser;
    let page: Page;
    let errors: string[];
    let base: string;
    const dir = mkdtempSync(join(tmpdir(), 'bandsync-browser-athletes-'));

    beforeAll(async () => {
      app = await openApp({ env: { BANDSYNC_DATA_DIR: join(dir, 'data') }, logger: silentLogger });
      for (const [name, count] of [
        ['ann', 2],
        ['bob', 3],
      ] as const) {
        const own = await app.forAthlete(await app.athletes.add(name));
        const files = await own.store.saveAccount({
          kind: 'files',
          label: `${name}-folder`,
          settings: { path: `/srv/${name}` },
        });
        for (let i = 0; i < count; i++) {
          const w = await own.store.saveWorkout(
            files.id,
            makeWorkout(`${name}-${i}`, `2026-03-0${i + 1}T07:00:00.000Z`),
          );
          await own.store.ensureRecord(w.id, 'strava', `bandsync-${w.id}`);
        }
      }
      daemon = await startDaemon(app, { port: 0, host: '127.0.0.1', work: false });
      base = daemon.url!.replace(/\/$/, '');
      browser = await launch();
      page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
      errors = watchErrors(page);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await daemon?.close();
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const titles = async () => (await page.locator('#workout-list td.lead a').allTextContents()).sort();
    const switchTo = async (name: string) => {
      await page.selectOption('#athlete-select', { label: name });
      await Promise.all([page.waitForNavigation(), page.click('#athlete-switch button')]);
    };

    it("shows the administrator's own athlete first, then each athlete's workouts only", async () => {
      await page.goto(`${base}/workouts`);
      expect(await page.locator('#athlete-select option:checked').textContent()).toBe('ann');
      expect(await titles()).toEqual(['Run ann-0', 'Run ann-1']);

      await switchTo('bob');
      expect(new URL(page.url()).pathname).toBe('/workouts');
      expect(await page.locator('.flash-ok').textContent()).toBe('Showing bob.');
      expect(await page.locator('#athlete-select option:checked').textContent()).toBe('bob');
      expect(await titles()).toEqual(['Run bob-0', 'Run bob-1', 'Run bob-2']);
      await shot(page, 'athletes-bob-workouts');
    });

    it("switches from a workout's page to the other athlete's list, and stays there on every page", async () => {
      await Promise.all([page.waitForNavigation(), page.click('#workout-list td.lead a >> nth=0')]);
      expect(await page.locator('h1').textContent()).toMatch(/^Run bob-/);
      await switchTo('ann');
      expect(new URL(page.url()).pathname).toBe('/workouts');
      expect(await titles()).toEqual(['Run ann-0', 'Run ann-1']);
      await page.goto(`${base}/log`);
      expect(await page.locator('#log-filters select[name="account"]').textContent()).not.toContain('bob-folder');
      expect(await page.locator('#athlete-select option:checked').textContent()).toBe('ann');
      expect(errors).toEqual([]);
    });
  },
);
