// Issue 3's proof: the real CLI against both simulators on loopback. Every
// generated workout must arrive on Strava exactly once, with the right start
// time, elapsed time, distance and heart-rate samples — checked by decoding
// the uploaded FIT with the Garmin SDK and comparing with the simulator's
// generated source data, not with anything bandsync computed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder, Stream } from '@garmin/fitsdk';
import { startZeppSimulator } from '../../src/simulators/zepp-cloud/index.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';
import { jsonOf, runCli } from '../helpers/cli.js';

type Started<T extends (...a: never[]) => Promise<unknown>> = Awaited<ReturnType<T>>;

describe('bandsync sync against both simulators (real CLI, real HTTP, embedded database)', () => {
  let zepp: Started<typeof startZeppSimulator>;
  let strava: Started<typeof startStravaSimulator>;
  let env: Record<string, string>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bandsync-e2e-'));
    zepp = await startZeppSimulator({ seed: 7, workouts: 24, years: 1 });
    strava = await startStravaSimulator({});
    env = {
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_ZEPP_URL: zepp.url,
      BANDSYNC_STRAVA_URL: strava.url,
      STRAVA_CLIENT_ID: strava.credentials.clientId,
      STRAVA_CLIENT_SECRET: strava.credentials.clientSecret,
    };
    const z = await runCli(
      ['connect', 'zepp', '--app-token', zepp.credentials.appToken, '--user-id', zepp.credentials.userId],
      env,
    );
    expect(z.code, z.stderr).toBe(0);
    const s = await runCli(['connect', 'strava', '--refresh-token', strava.credentials.refreshToken], env);
    expect(s.code, s.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([zepp?.close(), strava?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("uploads every generated workout exactly once with the band's numbers", async () => {
    const truth = zepp.truth();
    const result = await runCli(['sync', '--all', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const summary = jsonOf(result);
    expect(summary).toMatchObject({ sourceWorkouts: truth.length, uploaded: truth.length, duplicates: 0, failed: 0 });
    expect(summary.stravaRequests).toBeGreaterThan(truth.length);

    const uploads = strava.control.uploads();
    expect(uploads).toHaveLength(truth.length);
    expect(new Set(uploads.map((u) => u.externalId)).size).toBe(truth.length);

    for (const upload of uploads) {
      const { messages, errors } = new Decoder(Stream.fromByteArray(Array.from(upload.bytes))).read({
        convertDateTimesToDates: true,
      });
      expect(errors).toEqual([]);
      const session = messages.sessionMesgs![0]!;
      const start = (session.startTime as Date).toISOString();
      const source = truth.find((t) => Date.parse(t.startTime) === Date.parse(start));
      expect(source, `no generated workout starts at ${start}`).toBeDefined();
      expect(session.totalElapsedTime).toBeCloseTo(source!.elapsedSeconds, 0);
      expect(session.totalTimerTime).toBeCloseTo(source!.timerSeconds, 0);
      if (source!.distanceMeters > 0)
        expect(
          Math.abs((session.totalDistance as number) - source!.distanceMeters) / source!.distanceMeters,
        ).toBeLessThan(0.005);
      // Heart rate: every record's value equals the band's sample at that second.
      const startMs = Date.parse(source!.startTime);
      const byOffset = new Map(source!.heartRate.t.map((t, i) => [Math.round(t), source!.heartRate.bpm[i]]));
      const records = (messages.recordMesgs ?? []).filter((r) => r.heartRate !== undefined);
      expect(records.length).toBeGreaterThan(0);
      for (const r of records) {
        const offset = Math.round(((r.timestamp as Date).getTime() - startMs) / 1000);
        if (byOffset.has(offset)) expect(r.heartRate).toBe(byOffset.get(offset));
      }
      const matched = records.filter((r) =>
        byOffset.has(Math.round(((r.timestamp as Date).getTime() - startMs) / 1000)),
      ).length;
      expect(matched / records.length).toBeGreaterThan(0.9);
    }
  }, 300_000);

  it('uploads nothing the second time', async () => {
    const before = strava.control.uploads().length;
    const result = await runCli(['sync', '--all', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(jsonOf(result)).toMatchObject({ uploaded: 0 });
    expect(strava.control.uploads()).toHaveLength(before);
  }, 300_000);

  it('reports the workouts as synced in status', async () => {
    const result = await runCli(['status', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const status = jsonOf(result) as { workouts: Record<string, number> };
    expect(status.workouts.synced).toBe(zepp.truth().length);
  }, 300_000);
});
