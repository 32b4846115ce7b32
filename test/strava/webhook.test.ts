// Issue 18 item 7: Strava's deauthorization of one athlete puts only that
// athlete into needs_user, and Strava's webhook tells bandsync at once.
// Real parts: the Strava simulator and the dashboard (bandsync serve, in this
// process) on loopback, the embedded database, the real CLI subscribing
// through the running dashboard's local API, Strava's validation GET and
// event POSTs over HTTP. Events are not signed: one is acted on only when
// Strava, asked with the athlete's own token, refuses it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { silentLogger } from '../../src/observability/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { stravaWebhookReceiver, webhookVerifyToken, type StravaWebhookEvent } from '../../src/app/strava-webhook.js';
import { syncNow } from '../../src/app/sync.js';
import type { AppContext } from '../../src/app/context.js';
import { jsonOf, runCli } from '../helpers/cli.js';
import { waitFor } from '../store/helpers.js';
import { seedReady } from '../helpers/athletes.js';

const ANN = 3001;
const BOB = 3002;

/** A files account connected before `start`, with one workout ready to upload (as discovery leaves it). */
describe("Strava's webhook: one athlete's deauthorization", () => {
  let strava: Awaited<ReturnType<typeof startStravaSimulator>>;
  let dataDir: string;
  let env: Record<string, string>;
  let app: App;
  let daemon: RunningDaemon;
  let callback: string;
  const ctx: Record<number, AppContext> = {};

  const stravaAccount = async (id: number) => (await ctx[id]!.store.listAccounts()).find((a) => a.kind === 'strava')!;
  const post = (body: unknown) =>
    fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const deauthorization = (athleteId: number, subscriptionId: number) => ({
    aspect_type: 'update',
    event_time: 1516126040,
    object_id: athleteId,
    object_type: 'athlete',
    owner_id: athleteId,
    subscription_id: subscriptionId,
    updates: { authorized: 'false' },
  });

  beforeAll(async () => {
    strava = await startStravaSimulator({});
    dataDir = mkdtempSync(join(tmpdir(), 'bandsync-webhook-'));
    env = {
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    };
    app = await openApp({ env, logger: silentLogger });
    for (const [name, stravaId] of [
      ['ann', ANN],
      ['bob', BOB],
    ] as const) {
      const own = await app.forAthlete(await app.athletes.add(name));
      await own.accounts.connectStravaWithRefreshToken({
        refreshToken: strava.control.issueRefreshToken(undefined, stravaId),
      });
      ctx[stravaId] = own;
    }
    // The dashboard only (bandsync serve): it serves /strava/webhook and the local API the CLI uses.
    daemon = await startDaemon(app, { port: 0, host: '127.0.0.1', work: false });
    callback = new URL('/strava/webhook', daemon.url!).toString();
  }, 120_000);

  afterAll(async () => {
    await daemon?.close();
    await app?.close();
    await strava?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a validation GET with a wrong verify token, and echoes the challenge for ours', async () => {
    const ask = (token: string) =>
      fetch(
        `${callback}?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.challenge': 'c-15f7d1a9', 'hub.verify_token': token })}`,
      );
    const wrong = await ask('not-the-token');
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('c-15f7d1a9');
    const right = await ask(webhookVerifyToken(strava.credentials.clientSecret));
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ 'hub.challenge': 'c-15f7d1a9' });
    // No session, no cookie: Strava is not a browser.
    expect(right.headers.get('set-cookie')).toBeNull();
  });

  it('subscribes through the CLI: Strava validates the callback, the subscription is kept', async () => {
    // An address nothing answers at: Strava cannot validate it, and the message says what it needs.
    const unreachable = await runCli(
      ['strava', 'webhook', 'subscribe', '--url', 'http://127.0.0.1:9/strava/webhook'],
      env,
    );
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toMatch(/not verifiable.*daemon or serve must be running/);
    expect(strava.control.subscription()).toBeNull();

    const subscribed = await runCli(['strava', 'webhook', 'subscribe', '--url', callback, '--json'], env);
    expect(subscribed.code, subscribed.stderr).toBe(0);
    const { subscription } = jsonOf(subscribed) as { subscription: { id: string; callbackUrl: string } };
    expect(strava.control.subscription()).toMatchObject({ id: Number(subscription.id), callbackUrl: callback });
    // The secret went in the form body, never in a URL.
    for (const r of strava.control.requests()) expect(r.url).not.toContain(strava.credentials.clientSecret);
    expect(subscribed.stdout + subscribed.stderr).not.toContain(strava.credentials.clientSecret);

    const status = jsonOf(await runCli(['strava', 'webhook', 'status', '--json'], env)) as {
      subscription: { id: string } | null;
    };
    expect(status.subscription?.id).toBe(subscription.id);
    // One per application: a second is refused with the way out.
    const again = await runCli(['strava', 'webhook', 'subscribe', '--url', callback], env);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already subscribed.*unsubscribe/);
  }, 120_000);

  it("ignores forged and foreign events; acts on bob's confirmed deauthorization only; ann keeps syncing", async () => {
    const subscriptionId = strava.control.subscription()!.id;
    const ledgerBefore = { ann: await ctx[ANN]!.store.countLedger({}), bob: await ctx[BOB]!.store.countLedger({}) };

    // Bob revokes bandsync at Strava; the events below are not Strava's.
    strava.control.deauthorizeAthlete(BOB);
    // Another subscription's event for bob, and one for a Strava athlete nobody here is: acknowledged, ignored.
    expect((await post(deauthorization(BOB, subscriptionId + 1))).status).toBe(200);
    expect((await post(deauthorization(4242, subscriptionId))).status).toBe(200);
    // A forged deauthorization of ann: bandsync asks Strava with ann's token, which still works.
    const mark = strava.control.requests().length;
    expect((await post(deauthorization(ANN, subscriptionId))).status).toBe(200);
    await waitFor(() =>
      strava.control
        .requests()
        .slice(mark)
        .some((r) => r.url === '/api/v3/athlete' && r.status === 200),
    );
    // Activity events are acknowledged too.
    const activity = await post({
      aspect_type: 'update',
      event_time: 1516126040,
      object_id: 1360128428,
      object_type: 'activity',
      owner_id: ANN,
      subscription_id: subscriptionId,
      updates: { title: 'Messy' },
    });
    expect(activity.status).toBe(200);
    // Not an event at all: refused, and nothing is done.
    expect((await post({ object_type: 'athlete', object_id: 'x' })).status).toBe(400);

    expect(await stravaAccount(ANN)).toMatchObject({ status: 'ok', problem: null });
    expect(await stravaAccount(BOB)).toMatchObject({ status: 'ok', problem: null });
    expect(await ctx[ANN]!.store.countLedger({})).toBe(ledgerBefore.ann);
    expect(await ctx[BOB]!.store.countLedger({})).toBe(ledgerBefore.bob);

    // Strava's own event for bob: confirmed (his token is refused), his connection needs him.
    // (Bob presses "Revoke Access" on Strava's My Apps page: the simulator's page does what Strava does.)
    const revoked = await fetch(`${strava.url}/settings/apps/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ athlete_id: String(BOB) }),
    });
    expect(await revoked.text()).toContain('data-event-status="200"');
    await waitFor(async () => (await stravaAccount(BOB)).status === 'needs_user');
    expect(await stravaAccount(BOB)).toMatchObject({ status: 'needs_user', problem: 'strava_auth_revoked' });
    const entry = (await ctx[BOB]!.store.listLedger({ limit: 5 })).find((e) => e.event === 'needs_user');
    expect(entry?.reason).toMatch(/deauthorization event.*bandsync connect strava/);
    expect(await stravaAccount(ANN)).toMatchObject({ status: 'ok', problem: null });

    // What bob sees: the connection needing him, with the fix.
    const bobStatus = jsonOf(await runCli(['--athlete', 'bob', 'status', '--json'], env)) as {
      accounts: { kind: string; status: string; fix: string | null }[];
    };
    expect(bobStatus.accounts.find((a) => a.kind === 'strava')).toMatchObject({ status: 'needs_user' });
    expect(bobStatus.accounts.find((a) => a.kind === 'strava')?.fix).toContain('bandsync connect strava');

    // Ann keeps syncing: her new workout goes up to her Strava athlete; bob's waits for him.
    const annWorkout = (await seedReady(ctx[ANN]!.store, 'ann-new', ['2026-06-20T07:00:00.000Z']))[0]!;
    const bobWorkout = (await seedReady(ctx[BOB]!.store, 'bob-new', ['2026-06-20T07:00:00.000Z']))[0]!;
    const wait = (until: Date) => app.clock.wait(until);
    const annRun = await syncNow(ctx[ANN]!, { skipDiscovery: true, wait });
    expect(annRun.uploaded).toBe(1);
    expect(strava.control.uploads().filter((u) => u.athleteId === ANN)).toHaveLength(1);
    expect((await ctx[ANN]!.store.getRecord(annWorkout, 'strava'))?.state).toMatch(/^(processing|synced)$/);
    const bobRun = await syncNow(ctx[BOB]!, { skipDiscovery: true, wait });
    expect(bobRun.uploaded).toBe(0);
    expect((await ctx[BOB]!.store.getRecord(bobWorkout, 'strava'))?.state).not.toBe('synced');
    expect(strava.control.uploads().filter((u) => u.athleteId === BOB)).toHaveLength(0);
  }, 180_000);

  it("asks Strava once about an athlete whose token it just accepted, however many events come: each check is a read of the application's budget", async () => {
    const receiver = stravaWebhookReceiver(app);
    const event = deauthorization(ANN, strava.control.subscription()!.id) as StravaWebhookEvent;
    const reads = () => strava.control.requests().filter((r) => r.url === '/api/v3/athlete').length;
    const before = reads();
    receiver.receive(event);
    await receiver.settled();
    expect(reads()).toBe(before + 1);
    for (let i = 0; i < 5; i++) receiver.receive(event);
    await receiver.settled();
    expect(reads()).toBe(before + 1);
    expect(await stravaAccount(ANN)).toMatchObject({ status: 'ok', problem: null });
  });

  it('unsubscribes through the CLI', async () => {
    const removed = await runCli(['strava', 'webhook', 'unsubscribe', '--json'], env);
    expect(removed.code, removed.stderr).toBe(0);
    expect(jsonOf(removed)).toMatchObject({ removed: { strava: 'deleted' } });
    expect(strava.control.subscription()).toBeNull();
    const status = jsonOf(await runCli(['strava', 'webhook', 'status', '--json'], env)) as { subscription: unknown };
    expect(status.subscription).toBeNull();
  }, 120_000);
});
