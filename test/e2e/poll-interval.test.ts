// Issue 12 item 4: the poll interval saved on the settings page applies from
// the next poll of the running daemon, with no restart (it was read once, at
// start). The daemon's queue is read to see when each next poll is due.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { getSettings, setSettings } from '../../src/app/settings.js';
import { startWorld, type World } from '../helpers/world.js';
import { until } from '../helpers/until.js';

describe('the poll interval, changed while the daemon runs', () => {
  let world: World;
  let daemon: RunningDaemon;
  beforeAll(async () => {
    // On the real time line, so the queue's due times are real.
    world = await startWorld({
      zepp: { seed: 8, workouts: 1, years: 1 },
      start: new Date(),
      flags: { pollIntervalSeconds: 60 },
    });
    daemon = await startDaemon(world.app, { port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(async () => {
    await daemon?.close();
    await world?.close();
  });

  /** Seconds from now until the account's next poll, as queued; null while none waits. */
  const nextPollIn = async (): Promise<number | null> => {
    const rows = await world.app.db.query<{ start_after: Date | string }>(
      `SELECT start_after FROM job WHERE name = 'poll-account' AND state = 'created'`,
    );
    return rows[0] ? (new Date(rows[0].start_after).getTime() - Date.now()) / 1000 : null;
  };

  it('applies from the next poll', async () => {
    // The first poll ran at start; the next one is due in about the configured minute (±10 % jitter).
    const first = await until(
      'the poll after the first queued',
      async () => {
        const s = await nextPollIn();
        return s !== null && s > 10 ? s : false;
      },
      120_000,
    );
    expect(first).toBeLessThanOrEqual(66);

    // The settings page saves an hour.
    await setSettings(world.app, { ...(await getSettings(world.app)), pollIntervalSeconds: 3600 });

    // When that poll has run, the one after it is an hour away.
    const later = await until(
      'the poll after the change queued an hour away',
      async () => {
        const s = await nextPollIn();
        return s !== null && s > 120 ? s : false;
      },
      180_000,
    );
    expect(later).toBeGreaterThan(0.9 * 3600 - 120);
    expect(later).toBeLessThanOrEqual(1.1 * 3600);
  }, 400_000);
});
