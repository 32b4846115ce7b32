// Issue 16 item 5: the guided first run, as a new user meets it. The real
// daemon (composed App, embedded database in an empty data dir) with the
// Strava and Zepp simulators on loopback, in headless Chromium: the overview
// is a checklist (no rate budget, no backfill to start), each step is done
// through the page — Strava by OAuth, a missing folder refused with the reason
// and the form kept, Zepp by e-mail and password, the dry run, the backfill —
// and the checklist gives way to the overview. Without STRAVA_CLIENT_ID the
// step says what to set, and "Connect with Strava" never reaches Strava's 400.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import { startZeppSimulator, type RunningZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { Client } from '../server/harness.js';
import { axeViolations, widths } from './audit.js';
import { hasChromium, launch, shot, SKIP_REASON, watchErrors } from './chromium.js';

const WORKOUTS = 8;

interface Cell {
  getAttribute(name: string): string | null;
}

const stepsDone = (page: Page) =>
  page
    .locator('#first-run li[data-step]')
    .evaluateAll((els) =>
      (els as unknown as Cell[]).map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-done')}`),
    );

/** Fits a phone and a desktop, passes axe; photographed at both sizes. */
async function audit(page: Page, name: string): Promise<void> {
  for (const size of [
    { width: 390, height: 844 },
    { width: 1400, height: 1000 },
  ]) {
    await page.setViewportSize(size);
    const w = await widths(page);
    expect(w.document, `${name} at ${size.width}: widest ${w.widest}`).toBeLessThanOrEqual(w.viewport);
    expect(await axeViolations(page), `${name} at ${size.width}`).toEqual([]);
    await shot(page, `first-run/${name}-${size.width}`);
  }
  await page.setViewportSize({ width: 1200, height: 900 });
}

describe.skipIf(!hasChromium)(`first run in Chromium (${hasChromium ? 'chromium found' : SKIP_REASON})`, () => {
  let zepp: RunningZeppSimulator;
  let strava: RunningStravaSimulator;
  let browser: Browser;
  const cleanups: (() => Promise<void>)[] = [];

  async function daemonOn(flags: Record<string, unknown>): Promise<{ app: App; base: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-first-run-'));
    const app = await openApp({ env: {}, logger: silentLogger, flags: { dataDir, ...flags } });
    // No workers: the first poll must not read the history behind the test's back; the dashboard's backfill runs in-process.
    const daemon: RunningDaemon = await startDaemon(app, { port: 0, host: '127.0.0.1', work: false });
    cleanups.push(async () => {
      await daemon.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    return { app, base: daemon.url!.replace(/\/$/, '') };
  }

  beforeAll(async () => {
    zepp = await startZeppSimulator({ seed: 16, workouts: WORKOUTS, years: 1 });
    strava = await startStravaSimulator({});
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const c of cleanups.reverse()) await c();
    await Promise.all([zepp?.close(), strava?.close()]);
  });

  it('walks from an empty data dir through the checklist to a finished backfill', async () => {
    const { app, base } = await daemonOn({
      zeppUrl: zepp.url,
      stravaUrl: strava.url,
      stravaClientId: strava.credentials.clientId,
      stravaClientSecret: strava.credentials.clientSecret,
    });
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    const errors = watchErrors(page);

    // 0. Nothing connected: a welcome and the four steps, nothing else.
    await page.goto(`${base}/`);
    expect(await page.locator('h1').textContent()).toBe('Welcome to bandsync');
    expect(await stepsDone(page)).toEqual(['strava:false', 'source:false', 'preview:false', 'backfill:false']);
    expect(await page.locator('#budget, #backfill, #counts').count()).toBe(0);
    expect(await page.locator('#first-run').textContent()).not.toContain('Start one');
    await audit(page, 'welcome');
    await page.goto(`${base}/backfill`);
    expect(await page.locator('#backfill-not-ready').textContent()).toContain('Connect Strava and a source first');
    expect(await page.locator('#range-form').count()).toBe(0);

    // 1. Strava, from the checklist's own button, through the (simulated) consent page and back.
    await page.goto(`${base}/`);
    const callback = page.waitForResponse((r) => r.url().startsWith(`${base}/connect/strava/callback?`));
    await page.click('#setup-connect-strava');
    expect((await callback).status()).toBe(200);
    await page.waitForURL(`${base}/connect`);
    await page.goto(`${base}/`);
    expect(await stepsDone(page)).toEqual(['strava:true', 'source:false', 'preview:false', 'backfill:false']);

    // 2. A source. A folder that does not exist is refused with the reason, the form keeps what was typed.
    await page.click('#setup-connect-source');
    await page.waitForURL(`${base}/connect`);
    await page.selectOption('#local-path select[name="kind"]', 'files');
    const missing = join(tmpdir(), 'bandsync-no-such-folder-16');
    await page.fill('#local-path input[name="path"]', missing);
    await page.click('#local-path button');
    await page.waitForSelector('#local-path .field-error');
    expect(await page.locator('#local-path .field-error').textContent()).toBe(
      `The folder ${missing} does not exist on the machine bandsync runs on.`,
    );
    expect(await page.locator('#local-path input[name="path"]').inputValue()).toBe(missing);
    expect(await page.locator('#local-path input[name="path"]').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#local-path select[name="kind"]').inputValue()).toBe('files');
    await audit(page, 'connect-refused-folder');
    expect((await app.store.listAccounts()).map((a) => a.kind)).toEqual(['strava']);
    // Relative paths are refused too: the daemon's working directory is not the person's.
    await page.fill('#local-path input[name="path"]', 'workouts/fit');
    await page.click('#local-path button');
    await page.waitForSelector('#local-path .field-error');
    expect(await page.locator('#local-path .field-error').textContent()).toContain('is not a full path');

    await page.fill('#zepp input[name="email"]', zepp.credentials.email);
    await page.fill('#zepp input[name="password"]', zepp.credentials.password);
    await page.click('#zepp form:has(input[name="email"]) button');
    await page.waitForSelector('.flash-ok');
    expect((await app.store.listAccounts()).map((a) => a.kind).sort()).toEqual(['strava', 'zepp-cloud']);

    // Both connected: the overview proper, with the rest of the checklist on top.
    await page.goto(`${base}/`);
    expect(await page.locator('h1').textContent()).toBe('Overview');
    expect(await stepsDone(page)).toEqual(['strava:true', 'source:true', 'preview:false', 'backfill:false']);
    expect(await page.locator('#budget').count()).toBe(1);
    await audit(page, 'overview-steps-left');

    // 3. Preview: the dry run reads the history and uploads nothing.
    await page.click('#setup-preview');
    await page.waitForURL(`${base}/backfill`);
    await page.click('#range-form button');
    await page.waitForSelector('#plan', { timeout: 60_000 });
    expect(await page.locator('#plan tr.decision-upload').count()).toBe(WORKOUTS);
    expect(strava.control.uploads()).toHaveLength(0);
    await page.goto(`${base}/`);
    expect(await stepsDone(page)).toEqual(['strava:true', 'source:true', 'preview:true', 'backfill:false']);

    // 4. The backfill, from the checklist to the confirmed plan, watched to the end.
    await page.click('#setup-backfill');
    await page.waitForURL(`${base}/backfill`);
    await page.click('#range-form button');
    await page.waitForSelector('#plan', { timeout: 60_000 });
    await page.click('#confirm-backfill');
    await page.waitForSelector('#backfill h2:text-is("Backfill finished")', { timeout: 120_000 });
    expect(await page.locator('#backfill [data-count="uploaded"] strong').textContent()).toBe(String(WORKOUTS));
    expect(strava.control.activities()).toHaveLength(WORKOUTS);
    await page.goto(`${base}/`);
    expect(await page.locator('#first-run').count()).toBe(0);
    await audit(page, 'overview-after-backfill');
    // The refused form answers 400 on purpose (the browser logs it); nothing else failed.
    expect(errors.filter((e) => !e.includes('/connect/local') && !e.includes('status of 400'))).toEqual([]);
    expect(errors.filter((e) => e.startsWith('HTTP'))).toEqual(['HTTP 400 /connect/local', 'HTTP 400 /connect/local']);
  }, 300_000);

  it('without STRAVA_CLIENT_ID says what to set, and Connect never lands on Strava', async () => {
    const { base } = await daemonOn({ zeppUrl: zepp.url, stravaUrl: strava.url });
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    await page.goto(`${base}/`);
    const needs = await page.locator('#first-run [data-step="strava"] #strava-app-missing').textContent();
    expect(needs).toContain('STRAVA_CLIENT_ID');
    expect(needs).toContain('STRAVA_CLIENT_SECRET');
    expect(needs).toContain('README');
    expect(await page.locator('#setup-connect-strava').count()).toBe(0);
    await audit(page, 'welcome-no-strava-app');
    await page.goto(`${base}/connect`);
    expect(await page.locator('#connect-strava').count()).toBe(0);
    expect(await page.locator('#strava #strava-app-missing').count()).toBe(1);
    // A form posted anyway (an old tab) comes back with the reason, not a redirect to Strava.
    const authorizes = () => strava.control.requests().filter((r) => r.url.startsWith('/oauth/authorize')).length;
    const before = authorizes();
    const client = new Client(base);
    const token = await client.csrf('/connect');
    const res = await client.post('/connect/strava', { _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/connect');
    const after = await (await client.get('/connect')).text();
    expect(after).toContain('set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET');
    expect(authorizes()).toBe(before);
  }, 120_000);
});
