// Issue 7's end-to-end proof: the real daemon (startDaemon on the composed
// App, embedded database) with both simulators on loopback, driven in
// headless Chromium: connect Strava through the OAuth redirect, connect Zepp,
// dry-run, backfill to 100 %, open a GPS workout (map and charts drawn), retry
// a failed upload, re-map a synced workout and change a sport rule and see
// the simulated Strava activities change, disconnect.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { startStravaSimulator, type RunningStravaSimulator } from '../../src/simulators/strava/index.js';
import { startZeppSimulator, type RunningZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { hasChromium, launch, shot, SKIP_REASON, watchErrors } from './chromium.js';

const WORKOUTS = 10;

describe.skipIf(!hasChromium)(
  `daemon + simulators in Chromium (${hasChromium ? 'chromium found' : SKIP_REASON})`,
  () => {
    let zepp: RunningZeppSimulator;
    let strava: RunningStravaSimulator;
    let app: App;
    let daemon: RunningDaemon;
    let browser: Browser;
    let page: Page;
    let errors: string[];
    let base: string;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'bandsync-browser-e2e-'));
      zepp = await startZeppSimulator({ seed: 11, workouts: WORKOUTS, years: 1 });
      strava = await startStravaSimulator({});
      app = await openApp({
        flags: {
          dataDir,
          zeppUrl: zepp.url,
          stravaUrl: strava.url,
          stravaClientId: strava.credentials.clientId,
          stravaClientSecret: strava.credentials.clientSecret,
        },
      });
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
      await Promise.all([zepp?.close(), strava?.close()]);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('connects Strava through the OAuth redirect and Zepp with e-mail and password', async () => {
      await page.goto(`${base}/connect`);
      // Strava (simulated) approves and sends the browser back to the dashboard's callback.
      const callback = page.waitForResponse((r) => r.url().startsWith(`${base}/connect/strava/callback?`));
      await page.click('#connect-strava');
      const answer = await callback;
      expect(answer.status()).toBe(200);
      expect(await answer.text()).toContain('Strava connected');
      await page.waitForURL(`${base}/connect`); // the refresh continues with the session cookie
      await page.waitForSelector('#accounts td:text-is("strava")');
      await page.fill('#zepp input[name="email"]', zepp.credentials.email);
      await page.fill('#zepp input[name="password"]', zepp.credentials.password);
      await page.click('#zepp form:has(input[name="email"]) button');
      await page.waitForSelector('.flash-ok');
      expect(await page.locator('.flash-ok').textContent()).toContain('Zepp connected');
      const kinds = (await app.store.listAccounts()).map((a) => a.kind).sort();
      expect(kinds).toEqual(['strava', 'zepp-cloud']);
      await shot(page, 'e2e-connect');
    });

    it('dry-runs the whole history, then backfills it to 100 % while the page watches', async () => {
      // One upload is refused by Strava, so there is a failed workout to retry later.
      strava.control.fault({ kind: 'server_error', method: 'POST', path: '/api/v3/uploads', status: 400, times: 1 });
      await page.goto(`${base}/backfill`);
      await page.click('#range-form button');
      await page.waitForSelector('#plan', { timeout: 60_000 });
      const planned = await page.locator('#plan tbody tr').count();
      expect(planned).toBe(WORKOUTS);
      expect(await page.locator('#plan tr.decision-upload').count()).toBe(WORKOUTS);
      expect(strava.control.uploads()).toHaveLength(0); // a dry run uploads nothing
      await shot(page, 'e2e-backfill-plan');
      await page.click('#confirm-backfill');
      await page.waitForSelector('#backfill[data-percent="100"]', { timeout: 120_000 }).catch(async (err: Error) => {
        // Say where each workout stands, so a slow run on a loaded machine can be told from a stuck one.
        const records = await app.store.listRecords({ destination: 'strava', limit: 100 });
        const states = records.map((r) => `${r.state}${r.code ? ` (${r.code}: ${r.lastError ?? ''})` : ''}`);
        throw new Error(
          `${err.message}\nrecords: ${states.join('; ')}\nshown: ${await page.locator('#backfill').innerText()}`,
        );
      });
      await page.waitForSelector('#backfill h2:text-is("Backfill finished")', { timeout: 120_000 });
      await shot(page, 'e2e-backfill-done');
      expect(strava.control.uploads()).toHaveLength(WORKOUTS - 1);
      const counts = await app.store.countByState('strava');
      expect(counts.failed).toBe(1);
      expect((counts.synced ?? 0) + (counts.duplicate ?? 0)).toBe(WORKOUTS - 1);
      // The waits above allow a loaded machine 60 + 120 + 120 s; the test's own limit must not cut them short.
    }, 300_000);

    it('opens a GPS workout: track on the map and charts drawn', async () => {
      const rows = await app.store.listRecords({ destination: 'strava', states: ['synced'], limit: 100 });
      let gpsId: string | null = null;
      for (const r of rows) {
        const w = (await app.store.getWorkout(r.workoutId))!.workout;
        if ((w.samples.lat?.filter((v) => v != null).length ?? 0) > 10) {
          gpsId = r.workoutId;
          break;
        }
      }
      expect(gpsId, 'the generated history has GPS workouts').not.toBeNull();
      await page.goto(`${base}/workouts/${gpsId}`);
      await page.waitForSelector('#map[data-drawn="1"]');
      await page.waitForSelector('#charts[data-drawn]');
      const track = await page.locator('#map path.track').boundingBox();
      expect(track!.width + track!.height).toBeGreaterThan(80);
      const canvases = await page.locator('#charts canvas').count();
      expect(canvases).toBeGreaterThan(0);
      expect(await page.locator('#strava-link').count()).toBe(1);
      // Already on Strava: "Upload now", Retry and Skip would do nothing, so they are not offered.
      const offered = await page.locator('#actions button').evaluateAll((bs) => bs.map((b) => b.getAttribute('value')));
      expect(offered).toEqual(['remap']);
      // Strava's own numbers beside the band's, elevation gain included, as the
      // simulator derived them from the uploaded FIT with Garmin's SDK.
      const activityId = (await app.store.getRecord(gpsId!, 'strava'))!.activityId;
      const activity = strava.control.activities().find((a) => String(a.id) === activityId)!;
      expect(activity.elevationGainMeters).toBeGreaterThan(0);
      const stravaCell = (metric: string) =>
        page.locator(`#compare tr[data-metric="${metric}"] td`).nth(1).textContent();
      expect(await stravaCell('elevationGainMeters')).toContain(`${activity.elevationGainMeters} m`);
      expect(await stravaCell('distanceMeters')).toContain((activity.distanceMeters / 1000).toFixed(2));
      // Calories are only in the activity's detail: one GET the first time, none when the page is shown again.
      const detailGets = () =>
        strava.control
          .requests()
          .filter((q) => q.method === 'GET' && q.url.startsWith(`/api/v3/activities/${activityId}`)).length;
      expect(activity.calories).toBeGreaterThan(0);
      expect(await stravaCell('calories')).toContain(`${activity.calories} kcal`);
      expect(detailGets()).toBe(1);
      await page.reload();
      await page.waitForSelector('#compare');
      expect(await stravaCell('calories')).toContain(`${activity.calories} kcal`);
      expect(detailGets()).toBe(1);
      await shot(page, 'e2e-workout-gps');
    });

    it('retries the failed workout and it reaches Strava', async () => {
      const [failed] = await app.store.listRecords({ destination: 'strava', states: ['failed'], limit: 1 });
      expect(failed?.code).toBe('strava_upload_rejected');
      await page.goto(`${base}/workouts/${failed!.workoutId}`);
      await page.click('button[value="retry"]');
      await page.waitForSelector('.flash-ok');
      await expect
        .poll(async () => (await app.store.getRecord(failed!.workoutId, 'strava'))?.state, {
          timeout: 60_000,
          interval: 500,
        })
        .toBe('synced');
      expect(strava.control.uploads()).toHaveLength(WORKOUTS);
      await page.reload();
      expect(await page.locator('#ledger').textContent()).toMatch(/retry/i);
      await shot(page, 'e2e-workout-retried');
    });

    it('re-maps a synced workout: the simulated Strava activity gets the new sport_type, and the page says so', async () => {
      const synced = await app.store.listRecords({ destination: 'strava', states: ['synced'], limit: 100 });
      const one = synced.find((r) => r.sport !== 'running')!;
      const activity = () => strava.control.activities().find((a) => String(a.id) === one.activityId)!;
      const target = activity().sportType === 'Yoga' ? 'Pilates' : 'Yoga';
      const puts = () => strava.control.requests().filter((q) => q.method === 'PUT').length;
      const before = puts();
      await page.goto(`${base}/workouts/${one.workoutId}`);
      expect(await page.locator('button[value="upload"]').count()).toBe(0); // already on Strava: no "Upload now"
      await page.selectOption('select[name="sportType"]', target);
      await page.click('button[value="remap"]');
      await page.waitForSelector('.flash-ok');
      expect(await page.locator('.flash-ok').textContent()).toContain(`the Strava activity now shows ${target}`);
      expect(activity().sportType).toBe(target);
      expect(puts()).toBe(before + 1);
      expect(await page.locator('#ledger').textContent()).toContain(`Strava activity ${one.activityId} updated`);
      await shot(page, 'e2e-workout-remapped');
    });

    it('changes a sport rule: the preview lists the affected workouts, and the rule is applied', async () => {
      const running = (await app.store.listRecords({ destination: 'strava', limit: 100 })).filter(
        (r) => r.sport === 'running',
      );
      expect(running.length).toBeGreaterThan(0);
      await page.goto(`${base}/settings`);
      await page.selectOption('select[name="rule-0-sport"]', 'running');
      await page.selectOption('select[name="rule-0-type"]', 'TrailRun');
      await page.click('#preview-rules');
      await page.waitForSelector('#rule-preview');
      expect(await page.locator('#rule-preview tbody tr').count()).toBe(running.length);
      await shot(page, 'e2e-settings-preview');
      // The running workouts are on Strava: the page counts them before anything is saved.
      expect(await page.locator('#rule-preview').getAttribute('data-on-strava')).toBe(String(running.length));
      await page.click('#save-settings');
      await page.waitForSelector('#confirm-rule-updates');
      expect(app.mapping.rules).toEqual([]); // not saved yet
      expect(await page.locator('#confirm-rule-updates').textContent()).toContain(
        `Save and update ${running.length} Strava activit`,
      );
      await page.click('#confirm-rule-updates');
      await page.waitForSelector('.flash-ok');
      expect(await page.locator('.flash-ok').textContent()).toContain(`${running.length} Strava activit`);
      const w = (await app.store.getWorkout(running[0]!.workoutId))!.workout;
      expect(app.sportForWith(app.mapping.rules)(w).sportType).toBe('TrailRun');
      // Each running workout's activity on the simulated Strava now says TrailRun.
      for (const r of running) {
        const id = (await app.store.getRecord(r.workoutId, 'strava'))!.activityId;
        expect(strava.control.activities().find((a) => String(a.id) === id)?.sportType).toBe('TrailRun');
      }
    });

    it('renders no token, password or client secret on any page', async () => {
      const secrets = [
        ...strava.control.issuedTokens(),
        strava.credentials.clientSecret,
        zepp.credentials.password,
        zepp.credentials.appToken,
      ];
      for (const a of await app.store.listAccounts()) secrets.push(...Object.values(await app.store.getSecrets(a.id)));
      expect(secrets.length).toBeGreaterThan(4);
      const [one] = await app.store.listRecords({ destination: 'strava', limit: 1 });
      const pages = [
        '/',
        '/connect',
        '/workouts',
        '/backfill',
        '/settings',
        `/workouts/${one!.workoutId}`,
        `/workouts/${one!.workoutId}/data.json`,
      ];
      for (const p of pages) {
        await page.goto(base + p);
        const html = await page.content();
        for (const s of secrets) expect(html.includes(s), `${p} contains a secret`).toBe(false);
      }
    });

    it('disconnects Strava after a confirmation, revoking access', async () => {
      await page.goto(`${base}/connect`);
      await page.click('tr:has(td:text-is("strava")) a.danger');
      await page.click('#confirm-disconnect');
      await page.waitForSelector('.flash-ok');
      expect((await app.store.listAccounts()).map((a) => a.kind)).toEqual(['zepp-cloud']);
      expect(strava.control.requests().some((r) => r.url.startsWith('/oauth/deauthorize'))).toBe(true);
      await shot(page, 'e2e-disconnected');
    });

    it('re-maps a synced workout while Strava is disconnected: not told done, the update is kept and shown', async () => {
      const [one] = await app.store.listRecords({ destination: 'strava', states: ['synced'], limit: 1 });
      const activity = strava.control.activities().find((a) => String(a.id) === one!.activityId)!;
      const before = activity.sportType;
      const target = before === 'Golf' ? 'Sail' : 'Golf';
      await page.goto(`${base}/workouts/${one!.workoutId}`);
      await page.selectOption('select[name="sportType"]', target);
      await page.click('button[value="remap"]');
      await page.waitForSelector('.flash-error');
      expect(await page.locator('.flash-ok').count()).toBe(0);
      const said = await page.locator('.flash-error').textContent();
      expect(said).toContain('the Strava activity is not updated yet (strava_not_connected');
      expect(said).toContain('kept and sent by the next sync or poll');
      expect(await page.locator('#strava-update-pending').count()).toBe(1);
      expect(strava.control.activities().find((a) => a.id === activity.id)!.sportType).toBe(before);
      await shot(page, 'e2e-workout-remap-pending');
    });

    it('raised no CSP violation, script error or failed request', () => {
      expect(errors).toEqual([]);
    });
  },
);
