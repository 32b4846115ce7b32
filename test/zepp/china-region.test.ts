// China-region tracks (F12): the simulator sends GCJ-02 positions with
// provider "gaode", as the Chinese map provider reports them; the source must
// hand out WGS-84 positions equal to the route the band really ran.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZeppSimulator, type RunningZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { createZeppCloudSource } from '../../src/sources/zepp-cloud/index.js';
import { haversineMeters } from '../../src/core/geo/haversine.js';
import type { WorkoutRef } from '../../src/sync/ports.js';

let sim: RunningZeppSimulator;
beforeAll(async () => {
  sim = await startZeppSimulator({
    seed: 21,
    workouts: 3,
    shapes: ['china_run'],
    now: () => new Date('2026-05-01T00:00:00Z'),
  });
});
afterAll(async () => {
  await sim?.close();
});

async function first(extra: { chinaCoordinates?: boolean } = {}) {
  const src = createZeppCloudSource({
    baseUrl: sim.url,
    allowOrigins: [sim.url],
    appToken: sim.credentials.appToken,
    userId: sim.credentials.userId,
    accountId: 'cn',
    ...extra,
  });
  const refs: WorkoutRef[] = [];
  for await (const r of src.list({})) refs.push(r);
  const truth = sim.truth().find((t) => t.trackId === refs[0]!.sourceId)!;
  const { workout } = await src.fetch(refs[0]!);
  const lat = workout.samples.lat!.filter((v): v is number => v !== null);
  const lon = workout.samples.lon!.filter((v): v is number => v !== null);
  return { truth, first: { lat: lat[0]!, lon: lon[0]! }, last: { lat: lat.at(-1)!, lon: lon.at(-1)! } };
}

describe('China-region coordinates', () => {
  it('are converted to WGS-84 automatically (provider gaode): within 5 cm of the true route', async () => {
    const { truth, first: f, last: l } = await first();
    expect(truth.china).toBe(true);
    expect(haversineMeters(f.lat, f.lon, truth.firstFix!.lat, truth.firstFix!.lon)).toBeLessThan(0.05);
    expect(haversineMeters(l.lat, l.lon, truth.lastFix!.lat, truth.lastFix!.lon)).toBeLessThan(0.05);
  });

  it('stay GCJ-02 (hundreds of metres off) when the correction is switched off', async () => {
    const { truth, first: f } = await first({ chinaCoordinates: false });
    expect(haversineMeters(f.lat, f.lon, truth.firstFix!.lat, truth.firstFix!.lon)).toBeGreaterThan(100);
  });
});

describe('a global account (chinaRegion false) still converts a gaode track by default', () => {
  it('converts', async () => {
    const src = createZeppCloudSource({
      baseUrl: sim.url,
      allowOrigins: [sim.url],
      appToken: sim.credentials.appToken,
      userId: sim.credentials.userId,
      accountId: 'g',
      chinaRegion: false,
    });
    const refs: WorkoutRef[] = [];
    for await (const r of src.list({})) refs.push(r);
    const truth = sim.truth().find((t) => t.trackId === refs[0]!.sourceId)!;
    const { workout } = await src.fetch(refs[0]!);
    const lat = workout.samples.lat!.find((v) => v !== null)!;
    const lon = workout.samples.lon!.find((v) => v !== null)!;
    expect(haversineMeters(lat, lon, truth.firstFix!.lat, truth.firstFix!.lon)).toBeLessThan(0.05);
  });
});
