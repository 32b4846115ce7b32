// The Zepp cloud source against the simulator over real loopback HTTP.
// Expected values come from the simulator's ground truth (the generated
// workouts), never from the source's own output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startZeppSimulator,
  type RunningZeppSimulator,
  type GeneratedWorkout,
} from '../../src/simulators/zepp-cloud/index.js';
import { createZeppCloudSource } from '../../src/sources/zepp-cloud/index.js';
import { BandsyncError } from '../../src/sync/failures.js';
import type { WorkoutRef } from '../../src/sync/ports.js';

const NOW = new Date('2026-11-01T12:00:00Z');
let sim: RunningZeppSimulator;
let truth: GeneratedWorkout[];
let token: string;

beforeAll(async () => {
  sim = await startZeppSimulator({ seed: 11, workouts: 45, years: 1, pageSize: 10, now: () => NOW });
  truth = sim.truth();
  token = sim.credentials.appToken;
});
afterAll(async () => {
  await sim?.close();
});

const source = (appToken = token, extra: Partial<Parameters<typeof createZeppCloudSource>[0]> = {}) =>
  createZeppCloudSource({
    baseUrl: sim.url,
    allowOrigins: [sim.url],
    appToken,
    userId: sim.credentials.userId,
    accountId: 'acc-1',
    ...extra,
  });

async function listAll(src: ReturnType<typeof source>, options = {}): Promise<WorkoutRef[]> {
  const out: WorkoutRef[] = [];
  for await (const ref of src.list(options)) out.push(ref);
  return out;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return err instanceof BandsyncError ? err.code : `not a BandsyncError: ${String(err)}`;
  }
}

describe('listing', () => {
  it('pages through the whole history by the next cursor (45 workouts, 10 per page)', async () => {
    const before = sim.control.requests().length;
    const refs = await listAll(source());
    expect(refs.map((r) => r.sourceId).sort()).toEqual(truth.map((t) => t.trackId).sort());
    expect(new Set(refs.map((r) => r.sourceId)).size).toBe(45);
    const pages = sim.control
      .requests()
      .slice(before)
      .filter((r) => r.includes('history.json'));
    expect(pages).toHaveLength(5);
    expect(pages.slice(1).every((p) => /\?trackid=\d+$/.test(p))).toBe(true);
  });

  it('incremental: stops after the page that reaches the known start minus the overlap', async () => {
    const newest = truth.at(-1)!;
    const before = sim.control.requests().length;
    const refs = await listAll(source(undefined, { overlapSeconds: 0 }), { knownUntil: newest.startTime });
    expect(refs.map((r) => r.sourceId)).toEqual([newest.trackId]);
    expect(
      sim.control
        .requests()
        .slice(before)
        .filter((r) => r.includes('history.json')),
    ).toHaveLength(1);
  });

  it('incremental with an overlap re-lists the workouts inside the window', async () => {
    const newest = truth.at(-1)!;
    const overlap = 30 * 86400;
    const expected = truth
      .filter((t) => Date.parse(t.startTime) >= Date.parse(newest.startTime) - overlap * 1000)
      .map((t) => t.trackId);
    const refs = await listAll(source(undefined, { overlapSeconds: overlap }), { knownUntil: newest.startTime });
    expect(refs.map((r) => r.sourceId).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(1);
  });

  it('an edit of an old workout changes its revision', async () => {
    const old = truth[3]!;
    const first = (await listAll(source())).find((r) => r.sourceId === old.trackId)!;
    sim.control.editWorkout(old.trackId);
    const second = (await listAll(source())).find((r) => r.sourceId === old.trackId)!;
    expect(second.revision).not.toBe(first.revision);
    const fetched = await source().fetch(second);
    expect(fetched.workout.totals.calories).toBe(old.calories + 1);
  });

  it('a new workout appears at the top', async () => {
    const added = sim.control.addWorkout('treadmill');
    const refs = await listAll(source(), { knownUntil: truth.at(-1)!.startTime });
    expect(refs[0]!.sourceId).toBe(added.trackId);
  });
});

describe('fetching', () => {
  it('every generated workout maps with the truth start, elapsed, timer, distance, HR and pauses', async () => {
    const src = source();
    const refs = await listAll(src);
    const byId = new Map(truth.map((t) => [t.trackId, t]));
    let checked = 0;
    for (const ref of refs) {
      const t = byId.get(ref.sourceId);
      if (!t) continue;
      const { workout: w } = await src.fetch(ref);
      expect(w.sport, t.kind).toBe(t.sport);
      expect(w.startTime).toBe(t.startTime);
      expect(w.elapsedSeconds).toBe(t.elapsedSeconds);
      expect(w.totals.timerSeconds).toBe(t.timerSeconds);
      expect(w.totals.distanceMeters ?? 0).toBe(t.distanceMeters);
      expect(w.pauses.map((p) => [p.startOffset, p.endOffset, p.kind])).toEqual(
        t.pauses.map((p) => [p.startOffset, p.endOffset, p.kind]),
      );
      // HR at each of the band's HR timestamps equals what the band sent.
      const hrAt = new Map(w.samples.t.map((s, i) => [s, w.samples.heartRate?.[i] ?? null]));
      expect(t.heartRate.t.map((s) => hrAt.get(s))).toEqual([...t.heartRate.bpm]);
      expect(w.samples.lat !== undefined).toBe(t.hasGps);
      expect(w.device.manufacturer).toBe(339);
      if (t.poolLengthMeters) expect(w.lengths).toHaveLength(t.lengths);
      expect(
        w.laps.filter((l) => l.trigger === 'manual').map((l) => [l.startOffset, l.startOffset + l.elapsedSeconds]),
      ).toEqual(t.kind === 'pool_swim' || t.laps.length > 0 ? t.laps.map((l) => [l.startOffset, l.endOffset]) : []);
      checked++;
    }
    expect(checked).toBe(truth.length);
  }, 120_000);
});

describe('failures map to the failures table', () => {
  it('an expired token → zepp_token_expired, and a renewed token works again', async () => {
    sim.control.expireTokens();
    expect(await codeOf(listAll(source()))).toBe('zepp_token_expired');
    token = sim.control.renewToken();
    expect((await listAll(source(token))).length).toBeGreaterThan(0);
  });

  it('a token that expires in the middle of the listing stops it with zepp_token_expired', async () => {
    const seen: string[] = [];
    const err = await (async () => {
      for await (const ref of source().list({})) {
        seen.push(ref.sourceId);
        if (seen.length === 10) sim.control.expireTokens(); // after the first page
      }
    })().then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as BandsyncError).code).toBe('zepp_token_expired');
    expect(seen).toHaveLength(10);
    token = sim.control.renewToken();
  });

  it('429 → zepp_rate_limited with a retry time; 500/503 → zepp_unavailable', async () => {
    sim.control.failNext(429, 1, 'history');
    const err = await listAll(source()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BandsyncError);
    expect((err as BandsyncError).code).toBe('zepp_rate_limited');
    expect(Date.parse((err as BandsyncError).retryAt!)).toBeGreaterThan(Date.now());
    sim.control.failNext(503, 1, 'history');
    expect(await codeOf(listAll(source()))).toBe('zepp_unavailable');
    const ref = (await listAll(source()))[0]!;
    sim.control.failNext(500, 1, 'detail');
    expect(await codeOf(source().fetch(ref))).toBe('zepp_unavailable');
  });

  it('a wrong regional host → zepp_token_expired-style 401 on that host; unreachable host → zepp_unavailable', async () => {
    const wrong = createZeppCloudSource({
      baseUrl: `${sim.url}/region/de2`,
      allowOrigins: [sim.url],
      appToken: token,
      userId: '1',
      accountId: 'a',
    });
    expect(await codeOf(listAll(wrong))).toBe('zepp_token_expired');
    const home = createZeppCloudSource({
      baseUrl: `${sim.url}/region/us2`,
      allowOrigins: [sim.url],
      appToken: token,
      userId: '1',
      accountId: 'a',
    });
    expect((await listAll(home)).length).toBeGreaterThan(0);
    const dead = createZeppCloudSource({
      baseUrl: 'http://127.0.0.1:9',
      allowOrigins: ['http://127.0.0.1:9'],
      appToken: 'x',
      userId: '1',
      accountId: 'a',
    });
    expect(await codeOf(listAll(dead))).toBe('zepp_unavailable');
  });

  it('a malformed detail fails that workout only with zepp_payload_invalid', async () => {
    const refs = (await listAll(source())).slice(0, 3);
    sim.control.corruptDetail(refs[1]!.sourceId);
    const codes = await Promise.all(refs.map((r) => codeOf(source().fetch(r))));
    expect(codes).toEqual(['no error', 'zepp_payload_invalid', 'no error']);
    const err = await source()
      .fetch(refs[1]!)
      .catch((e: unknown) => e as Error);
    expect((err as Error).message).toContain('heart_rate entry 1');
  });

  it('the token never appears in a request line or an error message', async () => {
    expect(sim.control.requests().join('\n')).not.toContain(token);
    const err = await listAll(source('secret-token-value')).catch((e: unknown) => e as Error);
    expect((err as Error).message).not.toContain('secret-token-value');
  });
});
