// `bandsync doctor` looks at a Mi Fitness account as it does at Zepp's: one
// live listing through the real source against the simulator, and when Xiaomi
// asks the user to verify again, a failure with the fix instead of "ok".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorProbes } from '../../src/app/doctor.js';
import { runDoctor, type CheckResult } from '../../src/observability/doctor.js';
import { readLockHolder } from '../../src/store/index.js';
import { startMiWorld, type MiWorld } from './world.js';

let world: MiWorld;
beforeAll(async () => {
  world = await startMiWorld({ mi: { workouts: 3, seed: 9 } });
}, 180_000);
afterAll(async () => world?.close());

const miCheck = async (): Promise<CheckResult> => {
  const results = await runDoctor({
    dataDir: world.dataDir,
    now: () => world.clock.now(),
    readLockHolder,
    ...doctorProbes(world.app),
  });
  return results.find((r) => r.id.startsWith('mi-fitness:'))!;
};

describe('doctor with a Mi Fitness account', () => {
  it('lists once and says it is reachable', async () => {
    const before = world.mi.control.requests().length;
    expect(await miCheck()).toMatchObject({ status: 'ok', summary: expect.stringContaining('reachable') });
    expect(world.mi.control.requests().length).toBeGreaterThan(before);
  });

  it('fails with the fix when Xiaomi wants the user to sign in again', async () => {
    world.mi.control.expireTokens();
    world.mi.control.requireReverify();
    const check = await miCheck();
    expect(check.status).toBe('fail');
    expect(check.fix).toMatch(/connect mi-fitness/);
  });
});
