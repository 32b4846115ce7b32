// Issue 13's first proof, end to end: the real 2018 Mi Fit walk
// (test/fixtures/zepp/walk_1542558074_*, served verbatim by the Zepp
// simulator) syncs to the Strava simulator, and the FIT Strava received —
// decoded here with Garmin's SDK, never with ours — carries the band's
// declared 3571 m in its session, its laps and its record stream (the
// detail's distance series sums to 3312 m, 7 % short). Expected values are
// the band's own summary payload (dis, run_time, calorie).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Decoder, Stream } from '@garmin/fitsdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAll } from '../../src/sync/sync-all.js';
import { startWorld, type World } from '../helpers/world.js';

const fixtures = fileURLToPath(new URL('../fixtures/zepp/', import.meta.url));
const read = (file: string) => JSON.parse(readFileSync(`${fixtures}${file}`, 'utf8')) as Record<string, unknown>;
const summary = read('walk_1542558074_summary.json');
const detail = read('walk_1542558074_detail.json');

/** The distance deltas of the detail's `distance` series (`dt,delta;…`), summed: what the stream alone says. */
const streamMeters = String(detail['distance'])
  .split(';')
  .filter(Boolean)
  .reduce((sum, row) => sum + Number(row.split(',')[1]), 0);

describe('the real Zepp walk reaches Strava with the distance the band declared', () => {
  let world: World;
  let messages: ReturnType<Decoder['read']>['messages'];
  let activityMeters: number;

  beforeAll(async () => {
    world = await startWorld({ zepp: { workouts: 0 } });
    world.zepp.control.addRecorded({ summary, detail });
    const synced = await syncAll(world.app.deps, { all: true, wait: (u) => world.clock.wait(u) });
    expect(synced).toMatchObject({ uploaded: 1, failed: 0 });
    const [upload] = world.strava.control.uploads();
    const bytes = upload!.dataType.endsWith('.gz') ? new Uint8Array(gunzipSync(upload!.bytes)) : upload!.bytes;
    const decoded = new Decoder(Stream.fromByteArray(bytes)).read();
    expect(decoded.errors).toEqual([]);
    messages = decoded.messages;
    activityMeters = world.strava.control.activities()[0]!.distanceMeters;
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('the band says 3571 m while its distance series sums to 3312 m (the case of the issue)', () => {
    expect(Number(summary['dis'])).toBe(3571);
    expect(streamMeters).toBe(3312);
  });

  it("the uploaded FIT's session carries the band's distance, timer time and calories", () => {
    const session = messages.sessionMesgs![0]!;
    expect(session.totalDistance).toBeCloseTo(3571, 2);
    expect(Number(session.totalTimerTime)).toBeCloseTo(Number(summary['run_time']), 0);
    expect(session.totalCalories).toBe(Number(summary['calorie']));
  });

  it('its record stream ends at 3571 m and never runs backwards; its laps add up to 3571 m', () => {
    const distances = messages.recordMesgs!.map((r) => r.distance).filter((d): d is number => typeof d === 'number');
    expect(distances.length).toBeGreaterThan(100);
    expect(distances.at(-1)).toBeCloseTo(3571, 2);
    expect(distances.filter((d, i) => i > 0 && d < distances[i - 1]!)).toEqual([]);
    const laps = messages.lapMesgs!.reduce((sum, l) => sum + Number(l.totalDistance ?? 0), 0);
    expect(laps).toBeCloseTo(3571, 1);
  });

  it('Strava (the simulator reading that file) shows 3.57 km', () => {
    expect(activityMeters).toBeCloseTo(3571, 0);
  });
});
