// `bandsync doctor` on a set-up made with `connect strava --refresh-token`
// (real CLI, Strava simulator on loopback): Strava's refresh answer names no
// scopes, so the doctor probes with one listing and warns instead of failing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliWorld, type CliWorld } from '../cli-sources/cli-world.js';
import type { CheckResult } from '../../src/observability/doctor.js';

const listings = (w: CliWorld) =>
  w.strava.control.requests().filter((r) => r.method === 'GET' && r.url.startsWith('/api/v3/athlete/activities'));

describe('doctor after connect strava --refresh-token', () => {
  let w: CliWorld;
  beforeAll(async () => {
    w = await startCliWorld('doctor-refresh');
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  it('reports the unknown scopes as a warning after one listing, and exits 0', async () => {
    const before = listings(w).length;
    const r = await w.cli(['doctor', '--json']);
    const checks = JSON.parse(r.stdout) as CheckResult[];
    const strava = checks.find((c) => c.id === 'strava')!;
    expect(strava.status).toBe('warn');
    expect(strava.summary).toContain('scopes unknown; reading works; writing is checked by the first upload');
    expect(listings(w).length - before).toBe(1);
    // Nothing else fails on this healthy set-up (the daemon is not running: a warning).
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(r.code, r.stdout).toBe(0);
    const text = await w.cli(['doctor']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/! strava +.*scopes unknown; reading works/);
  }, 120_000);

  it('a token that cannot read activities is a real failure: exit 1 with the fix', async () => {
    const token = w.strava.control.issueRefreshToken(['read', 'activity:write']);
    const connected = await w.cli(['connect', 'strava', '--refresh-token', token]);
    expect(connected.code, connected.stderr).toBe(0);
    const r = await w.cli(['doctor', '--json']);
    const strava = (JSON.parse(r.stdout) as CheckResult[]).find((c) => c.id === 'strava')!;
    expect(strava.status).toBe('fail');
    expect(strava.summary).toMatch(/listing activities failed/);
    expect(strava.fix).toMatch(/connect strava/);
    expect(r.code).toBe(1);
  }, 120_000);
});
