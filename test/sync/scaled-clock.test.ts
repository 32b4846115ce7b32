// The scaled test clock (BANDSYNC_TEST_CLOCK=scaled:…, a test/bench hook in
// clock.ts) that several processes share: the same parameters give the same
// time in every process, and a job the engine schedules on it runs when that
// time comes, though pg-boss compares startAfter with the database's real clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clockFromEnv, scaledClock, scaledClockEnv, simulatedClock, systemClock } from '../../src/clock.js';
import { openApp } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { waitFor } from '../store/helpers.js';

describe('the scaled test clock', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is the same clock in every process given the same BANDSYNC_TEST_CLOCK, and maps its times to the wall clock', () => {
    const options = { scale: 30, simEpoch: new Date('2031-05-01T10:00:00.000Z'), realEpochMs: Date.now() - 2_000 };
    const here = scaledClock(options);
    const there = clockFromEnv(scaledClockEnv(options));
    const [a, b] = [here.now().getTime(), there.now().getTime()];
    expect(Math.abs(a - b)).toBeLessThan(30 * 50);
    // Two real seconds since the real epoch are a simulated minute.
    expect(a - options.simEpoch.getTime()).toBeGreaterThanOrEqual(60_000);
    // A simulated quarter hour after the sim epoch is 30 real seconds after the real epoch.
    expect(here.toReal!(new Date(options.simEpoch.getTime() + 900_000)).getTime()).toBe(options.realEpochMs + 30_000);
  });

  it('a frozen simulated clock (benches) moves only when told, whatever real time passes', async () => {
    const start = new Date('2027-01-04T06:00:00.000Z');
    const frozen = simulatedClock(start, { frozen: true });
    const running = simulatedClock(start);
    await new Promise((r) => setTimeout(r, 30));
    expect(frozen.now().toISOString()).toBe(start.toISOString());
    expect(running.now().getTime()).toBeGreaterThan(start.getTime());
    frozen.advance(900_000);
    await frozen.wait(new Date(start.getTime() + 960_000));
    expect(frozen.now().getTime() - start.getTime()).toBe(960_000);
    expect(frozen.skippedMs()).toBe(960_000);
  });

  it('is never on unless asked for, and a value it does not know is an error, not the real clock', () => {
    expect(clockFromEnv(undefined)).toBe(systemClock);
    expect(clockFromEnv('')).toBe(systemClock);
    expect(clockFromEnv('simulated').simulated).toBe(true);
    expect(() => clockFromEnv('scaled:fast')).toThrow(/BANDSYNC_TEST_CLOCK/);
  });

  it("runs a job scheduled on the scaled clock when that clock's time comes (startAfter on the wall clock)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bandsync-scaled-'));
    dirs.push(dir);
    // Five years ahead of the wall clock: a startAfter passed to pg-boss as is would never come.
    const options = { scale: 100, simEpoch: new Date('2031-05-01T10:00:00.000Z'), realEpochMs: Date.now() };
    const app = await openApp({
      env: { BANDSYNC_DATA_DIR: dir, BANDSYNC_TEST_CLOCK: scaledClockEnv(options) },
      logger: silentLogger,
    });
    try {
      const ran: number[] = [];
      await app.queue.work('scaled-clock-test', async () => void ran.push(app.clock.now().getTime()));
      // Two simulated minutes from now: 1.2 s of real time.
      const at = new Date(app.clock.now().getTime() + 120_000);
      expect(await app.queue.send('scaled-clock-test', {}, { startAfter: at })).toBeTruthy();
      await waitFor(() => ran.length === 1, 30_000);
      expect(ran[0]).toBeGreaterThanOrEqual(at.getTime());
    } finally {
      await app.close();
    }
  }, 60_000);
});
