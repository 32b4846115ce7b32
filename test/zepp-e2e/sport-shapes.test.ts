// Issue 4's end-to-end proof: a simulated Zepp account holding every sport
// shape syncs to the Strava simulator, and each uploaded FIT — decoded here
// with the Garmin SDK — carries what the band recorded: pauses as timer
// events, the band's timer time, its laps, pool lengths, heart rate also
// without GPS, calories, device identity, the right sport, and China tracks
// back on the true WGS-84 route. Expected values come from the simulator's
// generator (the "band"), never from bandsync's own output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder, Profile, Stream } from '@garmin/fitsdk';
import { syncAll } from '../../src/sync/sync-all.js';
import { haversineMeters } from '../../src/core/geo/haversine.js';
import { wgs84ToGcj02 } from '../../src/core/geo/gcj02.js';
import type { GeneratedWorkout, ShapeKind, SimWorkout } from '../../src/simulators/zepp-cloud/index.js';
import { startWorld, type World } from '../helpers/world.js';
import { generated, seedWhere } from './shapes.js';

type Msg = Record<string, unknown>;
interface Case {
  kind: ShapeKind;
  seed: number;
  truth: GeneratedWorkout;
  band: SimWorkout;
}

// What a user expects on Strava for each shape (Strava's sport_type list; indoor work has trainer=1).
const EXPECTED: Record<ShapeKind, { sportType: string; trainer: boolean; fitSport: string; fitSubSport: string }> = {
  run: { sportType: 'Run', trainer: false, fitSport: 'running', fitSubSport: 'generic' },
  walk: { sportType: 'Walk', trainer: false, fitSport: 'walking', fitSubSport: 'generic' },
  ride: { sportType: 'Ride', trainer: false, fitSport: 'cycling', fitSubSport: 'generic' },
  hike: { sportType: 'Hike', trainer: false, fitSport: 'hiking', fitSubSport: 'generic' },
  treadmill: { sportType: 'Run', trainer: true, fitSport: 'running', fitSubSport: 'treadmill' },
  indoor_cycling: { sportType: 'Ride', trainer: true, fitSport: 'cycling', fitSubSport: 'indoorCycling' },
  strength: { sportType: 'WeightTraining', trainer: true, fitSport: 'training', fitSubSport: 'strengthTraining' },
  pool_swim: { sportType: 'Swim', trainer: false, fitSport: 'swimming', fitSubSport: 'lapSwimming' },
  china_run: { sportType: 'Run', trainer: false, fitSport: 'running', fitSubSport: 'generic' },
};

// One workout per shape, each chosen for the features its proof needs.
const SHAPES: { kind: ShapeKind; wanted: (w: SimWorkout) => boolean }[] = [
  { kind: 'run', wanted: (w) => w.pauses.length >= 2 && w.laps.length >= 3 },
  { kind: 'treadmill', wanted: (w) => w.pauses.length >= 1 },
  { kind: 'indoor_cycling', wanted: () => true },
  { kind: 'pool_swim', wanted: (w) => w.pauses.length >= 1 && w.laps.length >= 3 },
  { kind: 'strength', wanted: () => true },
  { kind: 'hike', wanted: (w) => w.pauses.length >= 1 && w.elapsed < 100 * 60 },
  { kind: 'china_run', wanted: (w) => w.pauses.length >= 1 },
];

const S = (d: unknown): number => Math.round((d as Date).getTime() / 1000);
/** Seconds of pause inside [from, to) — the band's timer does not run then. */
const pausedWithin = (w: SimWorkout, from: number, to: number): number =>
  w.pauses.reduce((s, p) => s + Math.max(0, Math.min(to, p.start + p.duration) - Math.max(from, p.start)), 0);

describe("every Zepp sport shape reaches Strava with the band's data (FIT decoded with the Garmin SDK)", () => {
  let world: World;
  const cases: Case[] = [];
  const fits = new Map<
    ShapeKind,
    { messages: Record<string, Msg[]>; sportType: string | null; trainer: boolean; uploadId: number }
  >();

  beforeAll(async () => {
    world = await startWorld({ zepp: { workouts: 0 } });
    const now = Math.floor(world.clock.now().getTime() / 1000);
    SHAPES.forEach(({ kind, wanted }, i) => {
      const seed = seedWhere(kind, wanted);
      // One per day going back, at 07:00-ish local, so no two overlap.
      const at = new Date((now - (i + 1) * 86400 - 2 * 3600) * 1000);
      const truth = world.zepp.control.addWorkout(kind, at, seed);
      cases.push({ kind, seed, truth, band: generated(kind, seed, Number(truth.trackId)) });
    });

    const summary = await syncAll(world.app.deps, { all: true, wait: (u) => world.clock.wait(u) });
    expect(summary).toMatchObject({ uploaded: SHAPES.length, failed: 0, pending: 0, stoppedBy: null });
    for (const upload of world.strava.control.uploads()) {
      const { messages, errors } = new Decoder(Stream.fromByteArray(Array.from(upload.bytes))).read({
        convertDateTimesToDates: true,
      });
      expect(errors).toEqual([]);
      const start = S(messages.sessionMesgs![0]!.startTime);
      const c = cases.find((x) => Number(x.truth.trackId) === start);
      expect(
        c,
        `an upload starts at ${new Date(start * 1000).toISOString()}, which no band workout does`,
      ).toBeDefined();
      fits.set(c!.kind, {
        messages: messages as unknown as Record<string, Msg[]>,
        sportType: upload.sportType,
        trainer: upload.trainer,
        uploadId: upload.uploadId,
      });
    }
  }, 180_000);
  afterAll(async () => world?.close());

  it('uploads each shape exactly once', () => {
    expect(world.strava.control.uploads()).toHaveLength(SHAPES.length);
    expect([...fits.keys()].sort()).toEqual(SHAPES.map((s) => s.kind).sort());
  });

  it.each(SHAPES.map((s) => s.kind))('%s: device, sport, Strava sport_type and trainer flag', (kind) => {
    const c = cases.find((x) => x.kind === kind)!;
    const fit = fits.get(kind)!;
    const fileId = fit.messages.fileIdMesgs![0]!;
    expect(Profile.types.manufacturer![339]).toBe('zepp'); // the SDK names 339 "zepp"
    expect(fileId.manufacturer).toBe('zepp');
    // The band's family number from the payload's source ("run.411.huami.com").
    expect(fileId.product).toBe(Number(/^run\.(\d+)\./.exec(c.truth.source)![1]));
    const session = fit.messages.sessionMesgs![0]!;
    expect({ sport: session.sport, subSport: session.subSport }).toEqual({
      sport: EXPECTED[kind].fitSport,
      subSport: EXPECTED[kind].fitSubSport,
    });
    expect({ sportType: fit.sportType, trainer: fit.trainer }).toEqual({
      sportType: EXPECTED[kind].sportType,
      trainer: EXPECTED[kind].trainer,
    });
  });

  it.each(SHAPES.map((s) => s.kind))(
    "%s: timer events at the band's pauses; elapsed, timer time and calories are the band's",
    (kind) => {
      const { truth, band } = cases.find((x) => x.kind === kind)!;
      const fit = fits.get(kind)!;
      const start = Number(truth.trackId);
      const timer = (fit.messages.eventMesgs ?? [])
        .filter((e) => e.event === 'timer')
        .map((e) => [e.eventType, S(e.timestamp) - start]);
      const expected: [string, number][] = [['start', 0]];
      for (const p of band.pauses) expected.push(['stopAll', p.start], ['start', p.start + p.duration]);
      expected.push(['stopAll', band.elapsed]);
      expect(timer).toEqual(expected);
      const session = fit.messages.sessionMesgs![0]!;
      expect(session.totalElapsedTime).toBeCloseTo(truth.elapsedSeconds, 0);
      expect(session.totalTimerTime).toBeCloseTo(truth.timerSeconds, 0);
      expect(truth.timerSeconds).toBe(band.elapsed - band.pauses.reduce((s, p) => s + p.duration, 0));
      expect(session.totalCalories).toBe(truth.calories);
      if (truth.distanceMeters > 0)
        expect(Math.abs((session.totalDistance as number) - truth.distanceMeters)).toBeLessThan(
          Math.max(2, truth.distanceMeters * 0.005),
        );
    },
  );

  it.each(SHAPES.map((s) => s.kind))(
    "%s: heart rate in the records equals the band's samples (with or without GPS)",
    (kind) => {
      const { truth, band } = cases.find((x) => x.kind === kind)!;
      const records = fits.get(kind)!.messages.recordMesgs ?? [];
      const start = Number(truth.trackId);
      const withHr = records.filter((r) => r.heartRate !== undefined);
      expect(withHr.length).toBeGreaterThan(truth.timerSeconds * 0.9);
      for (const r of withHr) {
        const offset = S(r.timestamp) - start;
        if (offset >= 1) expect(r.heartRate, `HR at +${offset}s`).toBe(band.hr[offset]);
      }
      const positions = records.filter((r) => r.positionLat !== undefined).length;
      if (truth.hasGps) expect(positions).toBeGreaterThan(truth.gpsPoints * 0.9);
      else expect(positions).toBe(0);
    },
  );

  it.each(SHAPES.map((s) => s.kind))(
    "%s: on Strava, moving time is the band's timer time; heart rate and calories arrived",
    (kind) => {
      const { truth } = cases.find((x) => x.kind === kind)!;
      const activity = world.strava.control.activities().find((a) => a.uploadId === fits.get(kind)!.uploadId);
      expect(activity).toBeDefined();
      expect(activity).toMatchObject({
        movingSeconds: truth.timerSeconds,
        elapsedSeconds: truth.elapsedSeconds,
        hasHeartrate: true,
        calories: truth.calories,
        hasGps: truth.hasGps,
        sportType: EXPECTED[kind].sportType,
      });
      expect(activity!.startMs).toBe(Date.parse(truth.startTime));
    },
  );

  it('GPS run: one lap message per press of the lap button, with its span, timer time and distance', () => {
    const { truth, band } = cases.find((x) => x.kind === 'run')!;
    const laps = fits.get('run')!.messages.lapMesgs!;
    const start = Number(truth.trackId);
    expect(laps).toHaveLength(band.laps.length);
    laps.forEach((lap, i) => {
      const b = band.laps[i]!;
      expect(S(lap.startTime) - start, `lap ${i} start`).toBe(b.start);
      expect(lap.totalElapsedTime, `lap ${i} elapsed`).toBeCloseTo(b.end - b.start, 0);
      expect(lap.totalTimerTime, `lap ${i} timer`).toBeCloseTo(b.end - b.start - pausedWithin(band, b.start, b.end), 0);
      expect(Math.abs((lap.totalDistance as number) - b.meters), `lap ${i} distance`).toBeLessThanOrEqual(
        Math.max(2, b.meters * 0.005),
      );
      expect(lap.lapTrigger).toBe('manual');
    });
  });

  it('pool swim: pool length, one length message per length swum (ending when the band counted it), sets as laps', () => {
    const { truth, band } = cases.find((x) => x.kind === 'pool_swim')!;
    const m = fits.get('pool_swim')!.messages;
    const start = Number(truth.trackId);
    const session = m.sessionMesgs![0]!;
    expect(session.poolLength).toBe(truth.poolLengthMeters);
    // The band counts a length when its distance steps up by one pool length.
    const ends: number[] = [];
    for (let t = 1; t <= band.elapsed; t++) if (band.distance[t]! > band.distance[t - 1]!) ends.push(t);
    expect(ends.length).toBe(truth.lengths);
    const lengths = (m.lengthMesgs ?? []).filter((l) => l.lengthType === 'active');
    expect(lengths).toHaveLength(truth.lengths);
    expect(session.numActiveLengths).toBe(truth.lengths);
    expect(lengths.map((l) => S(l.timestamp) - start)).toEqual(ends);
    // One lap per set; the rest after the last set closes the session as one more lap (no distance).
    const laps = m.lapMesgs!;
    const tail = band.elapsed - band.laps.at(-1)!.end >= 1 ? 1 : 0;
    expect(laps).toHaveLength(band.laps.length + tail);
    band.laps.forEach((set, i) => {
      expect(S(laps[i]!.startTime) - start, `set ${i} start`).toBe(set.start);
      expect(laps[i]!.totalElapsedTime, `set ${i} elapsed`).toBeCloseTo(set.end - set.start, 0);
      expect(laps[i]!.totalDistance, `set ${i} distance`).toBe(set.meters);
      expect(laps[i]!.lapTrigger).toBe('manual');
    });
    if (tail) {
      expect(S(laps.at(-1)!.startTime) - start).toBe(band.laps.at(-1)!.end);
      expect(laps.at(-1)!.totalDistance).toBe(0);
      expect(laps.at(-1)!.lapTrigger).toBe('sessionEnd');
    }
  });

  it("hike: the altitude profile is the band's (barometer and GPS altitude) within a metre", () => {
    const { truth, band } = cases.find((x) => x.kind === 'hike')!;
    const records = fits.get('hike')!.messages.recordMesgs!;
    const start = Number(truth.trackId);
    const withAlt = records.filter((r) => r.altitude !== undefined);
    expect(withAlt.length).toBeGreaterThan(truth.timerSeconds * 0.8);
    let worst = 0;
    for (const r of withAlt)
      worst = Math.max(worst, Math.abs((r.altitude as number) - band.altitude[S(r.timestamp) - start]!));
    expect(worst).toBeLessThan(1);
    const alts = band.altitude.slice(1);
    expect(Math.max(...alts) - Math.min(...alts)).toBeGreaterThan(100); // a real climb, not a flat line
  });

  it('China-region run: the track lies on the true WGS-84 route (sent as GCJ-02, hundreds of metres off)', () => {
    const { truth, band } = cases.find((x) => x.kind === 'china_run')!;
    expect(truth.china).toBe(true);
    const start = Number(truth.trackId);
    const fixAt = new Map(band.gps.t.map((t, i) => [t, i]));
    const semis = 180 / 2 ** 31;
    let worst = 0,
      compared = 0;
    for (const r of fits.get('china_run')!.messages.recordMesgs!) {
      if (r.positionLat === undefined) continue;
      const i = fixAt.get(S(r.timestamp) - start);
      if (i === undefined) continue;
      worst = Math.max(
        worst,
        haversineMeters(
          (r.positionLat as number) * semis,
          (r.positionLong as number) * semis,
          band.gps.lat[i]!,
          band.gps.lon[i]!,
        ),
      );
      compared++;
    }
    expect(compared).toBe(band.gps.t.length);
    expect(worst).toBeLessThan(1);
    // …while the GCJ-02 positions the payload carried are far off that route.
    const gcj = wgs84ToGcj02(band.gps.lat[0]!, band.gps.lon[0]!);
    expect(haversineMeters(gcj.lat, gcj.lon, band.gps.lat[0]!, band.gps.lon[0]!)).toBeGreaterThan(100);
  });
});
