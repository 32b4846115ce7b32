// The dashboard's Mi Fitness form in headless Chromium, on the real daemon:
// Xiaomi answers the password login with a captcha, the page offers the
// browser sign-in; the person signs in on Xiaomi's (simulated) page in a new
// tab, copies the address it ends on, pastes it, and the account connects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { startMiFitnessSimulator, type RunningMiFitnessSimulator } from '../../src/simulators/mi-fitness/index.js';
import { hasChromium, launch, shot, SKIP_REASON, watchErrors } from './chromium.js';

describe.skipIf(!hasChromium)(
  `Mi Fitness connect in Chromium (${hasChromium ? 'chromium found' : SKIP_REASON})`,
  () => {
    let mi: RunningMiFitnessSimulator;
    let app: App;
    let daemon: RunningDaemon;
    let browser: Browser;
    let page: Page;
    let errors: string[];
    let base: string;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'bandsync-browser-mi-'));
      mi = await startMiFitnessSimulator({ seed: 4, workouts: 2 });
      mi.control.setLoginChallenge('captcha');
      app = await openApp({ flags: { dataDir, miFitnessUrl: mi.url } });
      daemon = await startDaemon(app, { port: 0, host: '127.0.0.1' });
      base = daemon.url!.replace(/\/$/, '');
      browser = await launch();
      page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
      errors = watchErrors(page);
    });

    afterAll(async () => {
      await browser?.close();
      await daemon?.close();
      await app?.close();
      await mi?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('captcha → the browser sign-in page → paste the final address → connected', async () => {
      await page.goto(`${base}/connect`);
      await page.fill('#mi-fitness input[name="email"]', mi.credentials.email);
      await page.fill('#mi-fitness input[name="password"]', mi.credentials.password);
      await page.fill('#mi-fitness input[name="country"]', 'DE');
      await page.click('#mi-fitness button');
      await page.waitForSelector('#mi-login-link');
      expect(await page.locator('#mi-reason').textContent()).toContain('captcha');
      await shot(page, 'mi-fitness-browser-login');

      // Xiaomi's sign-in opens in a new tab; the person signs in there.
      const [xiaomi] = await Promise.all([page.context().waitForEvent('page'), page.click('#mi-login-link')]);
      await xiaomi.waitForLoadState();
      await xiaomi.fill('input[name="user"]', mi.credentials.email);
      await xiaomi.fill('input[name="password"]', mi.credentials.password);
      await Promise.all([xiaomi.waitForURL(/\/sts\/healthapp\/sts\?/), xiaomi.click('button')]);
      const finalAddress = xiaomi.url();
      await xiaomi.close();

      await page.fill('input[name="callbackUrl"]', finalAddress);
      await page.click('form:has(input[name="callbackUrl"]) button');
      await page.waitForSelector('.flash-ok');
      expect(await page.locator('.flash-ok').textContent()).toContain('Mi Fitness connected');
      const account = (await app.store.listAccounts()).find((a) => a.kind === 'mi-fitness');
      expect(account).toMatchObject({
        status: 'ok',
        settings: { country: 'DE', region: 'de', email: mi.credentials.email },
      });
      expect(await page.content()).not.toContain(mi.credentials.password);
      expect(errors).toEqual([]);
    });
  },
);
