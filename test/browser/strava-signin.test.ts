// Issue 18 in the browser: an athlete invited by the administrator opens the
// one-time link, signs in with Strava (the simulator's consent page, as that
// athlete) and sees only their own workouts; the link then no longer works.
// The real daemon with a dashboard password on the composed App, embedded
// database, Strava simulator on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import { makeWorkout } from '../store/helpers.js';
import { quickPasswordHash } from '../server/harness.js';
import { hasChromium, launch, shot, SKIP_REASON, watchErrors } from './chromium.js';

const PASSWORD = 'correct horse battery';

describe.skipIf(!hasChromium)(
  `Sign in with Strava through an invite, in Chromium (${hasChromium ? 'chromium found' : SKIP_REASON})`,
  () => {
    let app: App;
    let strava: RunningStravaSimulator;
    let daemon: RunningDaemon;
    let browser: Browser;
    let base: string;
    let inviteLink: string;
    const dir = mkdtempSync(join(tmpdir(), 'bandsync-browser-signin-'));

    beforeAll(async () => {
      strava = await startStravaSimulator({});
      app = await openApp({
        flags: {
          dataDir: join(dir, 'data'),
          stravaUrl: strava.url,
          stravaClientId: strava.credentials.clientId,
          stravaClientSecret: strava.credentials.clientSecret,
        },
        logger: silentLogger,
      });
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
      daemon = await startDaemon(app, {
        port: 0,
        host: '127.0.0.1',
        work: false,
        password: quickPasswordHash(PASSWORD),
      });
      base = daemon.url!.replace(/\/$/, '');
      browser = await launch();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await daemon?.close();
      await app?.close();
      await strava?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the administrator invites bob by name and gets a one-time link', async () => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${base}/login`);
      await page.fill('input[name="password"]', PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('#login-form button')]);
      await page.goto(`${base}/athletes`);
      await page.fill('#invites input[name="name"]', 'bob');
      await Promise.all([page.waitForNavigation(), page.click('#invite-athlete')]);
      inviteLink = await page.inputValue('#invite-link');
      expect(inviteLink).toMatch(new RegExp(`^${base}/invite/[A-Za-z0-9_-]{32}$`));
      await shot(page, 'signin-invite-link');
      await page.context().close();
    });

    it('bob opens the link, signs in with Strava and sees only his own workouts; the link then no longer works', async () => {
      const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
      const errors = watchErrors(page);
      strava.control.signInAs(3002); // bob is signed in to strava.com in this browser
      await page.goto(inviteLink);
      expect(await page.locator('h1').textContent()).toBe('Welcome, bob');
      await page.click('#sign-in-strava');
      // Strava → the callback → the same-site step that finishes → the overview.
      await page.waitForURL(`${base}/`);
      expect(await page.locator('.flash-ok').textContent()).toBe('Signed in as bob.');
      expect((await app.athletes.byName('bob'))?.stravaAthleteId).toBe('3002');

      await page.goto(`${base}/workouts`);
      const titles = (await page.locator('#workout-list td.lead a').allTextContents()).sort();
      expect(titles).toEqual(['Run bob-0', 'Run bob-1', 'Run bob-2']);
      expect(await page.locator('#athlete-select').count()).toBe(0); // no switcher for an athlete
      await shot(page, 'signin-athlete-workouts');
      const athletesPage = await page.goto(`${base}/athletes`);
      expect(athletesPage?.status()).toBe(403);

      // A second use of the link, in another browser: refused.
      const other = await (await browser.newContext()).newPage();
      const again = await other.goto(inviteLink);
      expect(again?.status()).toBe(404);
      expect(await other.locator('.flash-error').textContent()).toContain(
        'This invite link has been used or has expired',
      );
      // Only the refused Athletes page, asked for on purpose.
      expect(errors.filter((e) => !/403/.test(e))).toEqual([]);
    });
  },
);
