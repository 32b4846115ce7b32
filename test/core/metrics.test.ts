// Metrics against values worked out independently (by hand or from geometry),
// not against our own output.
import { describe, expect, it } from 'vitest';
import {
  avgSpeedMps,
  cadenceStats,
  elevationGainLoss,
  haversineMeters,
  heartRateStats,
  maxSpeedMps,
  movingSeconds,
  paceSecondsPerKm,
  splits,
  summarize,
  timeInZones,
  timerSeconds,
  totalDistanceMeters,
  withFingerprint,
  type Samples,
  type Workout,
} from '../../src/core/index.js';

// On the equator one degree of longitude is 2πR/360 (R = 6371.0088 km, the IUGG mean radius).
const DEG_M = (2 * Math.PI * 6_371_008.8) / 360;

function workout(samples: Samples, extra: Partial<Workout> = {}): Workout {
  return withFingerprint({
    sport: 'running',
    startTime: '2024-01-01T10:00:00Z',
    utcOffsetSeconds: 0,
    elapsedSeconds: samples.t[samples.t.length - 1] ?? 0,
    samples,
    pauses: [],
    laps: [],
    lengths: [],
    indoor: false,
    device: { manufacturer: 339, product: 1, name: 'Band' },
    totals: {},
    source: { kind: 'files', id: 't' },
    ...extra,
  });
}

/** Due east along the equator at `mps`, one sample per second. */
function equatorRun(seconds: number, mps: number): Samples {
  const t = Array.from({ length: seconds + 1 }, (_, i) => i);
  return { t, lat: t.map(() => 0), lon: t.map((i) => (i * mps) / DEG_M) };
}

describe('haversine', () => {
  it('one degree of longitude on the equator', () => {
    expect(haversineMeters(0, 0, 0, 1)).toBeCloseTo(DEG_M, 3);
  });
  it('pole to pole is half the circumference', () => {
    expect(haversineMeters(90, 0, -90, 0)).toBeCloseTo(Math.PI * 6_371_008.8, 1);
  });
});

describe('distance, speed, pace, splits', () => {
  const w = workout(equatorRun(1000, 2.5)); // 2.5 km in 1000 s: 4:00 /km

  it('GPS distance is the path length', () => {
    expect(totalDistanceMeters(w)).toBeCloseTo(2500, 3);
  });
  it('the distance stream wins over GPS when present', () => {
    const s = equatorRun(10, 2.5);
    expect(totalDistanceMeters(workout({ ...s, distance: s.t.map((i) => i * 3) }))).toBe(30);
  });
  it('avg speed, pace, max speed', () => {
    expect(avgSpeedMps(w)).toBeCloseTo(2.5, 6);
    expect(paceSecondsPerKm(avgSpeedMps(w))).toBeCloseTo(400, 3);
    expect(maxSpeedMps(w)).toBeCloseTo(2.5, 6);
  });
  it('km splits at 400 s each, the remainder as a last split', () => {
    const sp = splits(w);
    expect(sp.map((s) => Math.round(s.distanceMeters))).toEqual([1000, 1000, 500]);
    sp.forEach((s, i) => expect(s.timerSeconds).toBeCloseTo([400, 400, 200][i]!, 6));
  });
  it('a pause is not bridged: a gap in the track during a pause adds no distance', () => {
    const s = equatorRun(100, 2);
    // While paused (t 40..60) the runner "teleported" 1 km further.
    const lon = s.lon!.map((v, i) => (i >= 60 ? v! + 1000 / DEG_M : v));
    const t = s.t.filter((i) => i <= 40 || i >= 60);
    const keep = (arr: readonly (number | null)[]) => arr.filter((_, i) => i <= 40 || i >= 60);
    const p = workout({ t, lat: keep(s.lat!), lon: keep(lon) }, { pauses: [{ startOffset: 40, endOffset: 60 }] });
    expect(totalDistanceMeters(p)).toBeCloseTo(160, 3);
  });
});

describe('timer and moving time', () => {
  it('timer = elapsed minus the union of pauses, clipped to the workout', () => {
    const w = workout(equatorRun(600, 3), {
      pauses: [
        { startOffset: 100, endOffset: 200 },
        { startOffset: 150, endOffset: 250 },
        { startOffset: 590, endOffset: 700 },
      ],
    });
    expect(timerSeconds(w)).toBe(600 - 150 - 10);
  });
  it('standing still (below 1 km/h) is not moving', () => {
    const s = equatorRun(300, 3);
    const lon = s.lon!.map((v, i) => (i <= 100 ? v : i <= 200 ? s.lon![100]! : v! - (100 * 3) / DEG_M));
    expect(movingSeconds(workout({ ...s, lon }))).toBe(200);
  });
  it('without GPS or speed, moving time is the timer time', () => {
    const t = Array.from({ length: 61 }, (_, i) => i);
    expect(
      movingSeconds(workout({ t, heartRate: t.map(() => 120) }, { pauses: [{ startOffset: 10, endOffset: 20 }] })),
    ).toBe(50);
  });
});

describe('elevation', () => {
  it('3-point smoothing 0.3/0.4/0.3 then sum of rises and falls (worked by hand)', () => {
    // smoothed: 100, 0.3*100+0.4*110+0.3*100=104, 0.3*110+0.4*100+0.3*120=109, 120 → up 20, down 0
    const w = workout({ t: [0, 1, 2, 3], altitude: [100, 110, 100, 120] });
    const { ascentMeters, descentMeters } = elevationGainLoss(w);
    expect(ascentMeters).toBeCloseTo(20, 9);
    expect(descentMeters).toBeCloseTo(0, 9);
  });
  it('falls back to the device totals without altitude', () => {
    expect(elevationGainLoss(workout({ t: [0] }, { totals: { ascentMeters: 12, descentMeters: 3 } }))).toEqual({
      ascentMeters: 12,
      descentMeters: 3,
    });
  });
});

describe('heart rate and cadence', () => {
  const t = [0, 1, 2, 3, 4, 5];
  const w = workout({ t, heartRate: [0, 100, 140, 160, 190, null], cadence: [0, 80, 90, 0, 85, 95] });
  it('zeros (no contact) and nulls are ignored', () => {
    expect(heartRateStats(w)).toEqual({ avg: Math.round((100 + 140 + 160 + 190) / 4), max: 190 });
    expect(cadenceStats(w)).toEqual({ avg: Math.round((80 + 90 + 85 + 95) / 4), max: 95 });
  });
  it('time in zones by % of max HR 200: 100→z1, 140→z3, 160→z4, 190→z5', () => {
    expect(timeInZones(w, 200)).toEqual([1, 0, 1, 1, 1]);
  });
});

describe('summarize', () => {
  it('has every inspect field, null when unknown', () => {
    const s = summarize(workout({ t: [0, 60] }, { totals: {} }));
    expect(s.distanceMeters).toBeNull();
    expect(s.avgHeartRate).toBeNull();
    expect(s.calories).toBeNull();
    expect(s.records).toBe(2);
    expect(s.timerSeconds).toBe(60);
  });
  it('prefers the device timer total, which sees sub-second pause edges', () => {
    expect(summarize(workout(equatorRun(100, 2), { totals: { timerSeconds: 97.5 } })).timerSeconds).toBe(97.5);
  });
});
