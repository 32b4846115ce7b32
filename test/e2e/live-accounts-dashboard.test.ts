// Issue 12 item 4 through the daemon's own process (what the dashboard's
// connect and disconnect do): a source removed while the daemon runs stops
// being polled, and one connected is polled within seconds, no restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { startWorld, type World } from '../helpers/world.js';
import { until } from '../helpers/until.js';

describe('accounts changed while the daemon runs', () => {
  let world: World;
  let daemon: RunningDaemon;
  beforeAll(async () => {
    world = await startWorld({ zepp: { seed: 12, workouts: 2, years: 1 }, start: new Date() });
    daemon = await startDaemon(world.app, { port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(async () => {
    await daemon?.close();
    await world?.close();
  });

  it('a disconnected source is dropped and a newly connected one polled at once', async () => {
    const { app } = world;
    const counts = async () => (await app.store.countByState('strava')).fetched ?? 0;
    await until('the first poll', async () => (await counts()) === 2);
    const old = (await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
    await app.store.deleteAccount(old.id);
    expect(await counts()).toBe(0);

    const fresh = await app.accounts.connectZepp({
      appToken: world.zepp.credentials.appToken,
      userId: world.zepp.credentials.userId,
    });
    expect(fresh.id).not.toBe(old.id);
    // Its first poll comes from the daemon's next look for accounts (seconds), not from a restart.
    await until('the new account polled', async () => (await counts()) === 2, 60_000);
    const polled = await app.store.listLedger({ accountId: fresh.id });
    expect(polled.some((e) => e.toState === 'fetched')).toBe(true);
  }, 300_000);
});
