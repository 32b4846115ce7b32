// The Mi Fitness adapter against its simulator over real HTTP on loopback:
// password login (and its captcha / step-two / device-approval answers
// leading to the browser fallback), the region probe remembered, paging,
// FDS download + decrypt + decode, the passToken refresh once under a lock,
// re-verification, throttling, missing obj_key, expired links, summary-only.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMiFitnessSource,
  createPassport,
  decodeMiFitnessPayload,
  miHosts,
  MiLoginChallenge,
  type MiRegion,
  type MiSession,
} from '../../src/sources/mi-fitness/index.js';
import { startMiFitnessSimulator, type RunningMiFitnessSimulator } from '../../src/simulators/mi-fitness/index.js';
import type { WorkoutRef } from '../../src/sync/ports.js';

let sim: RunningMiFitnessSimulator;
const NOW = new Date(Date.UTC(2026, 10, 2, 9, 0, 0));

beforeAll(async () => {
  sim = await startMiFitnessSimulator({ workouts: 60, seed: 7, now: () => NOW, withoutDetailEvery: 10 });
});
afterAll(() => sim.close());

function sourceFor(
  session: MiSession,
  extra: { region?: MiRegion; allowSummaryOnly?: boolean; payloadDir?: string } = {},
) {
  const state = { stored: session, saved: [] as MiRegion[], locks: 0, refreshes: 0 };
  const source = createMiFitnessSource({
    accountId: 'acc',
    session,
    baseUrl: sim.url,
    allowOrigins: [sim.url],
    lock: async (fn) => {
      state.locks++;
      return fn();
    },
    loadSession: async () => state.stored,
    saveSession: async (s) => {
      state.refreshes++;
      state.stored = s;
    },
    saveRegion: async (r) => {
      state.saved.push(r);
    },
    now: () => NOW,
    ...extra,
  });
  return { source, state };
}

async function all(it: AsyncIterable<WorkoutRef>): Promise<WorkoutRef[]> {
  const out: WorkoutRef[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe('Mi Fitness source against the simulator', () => {
  const passport = () => createPassport({ hosts: miHosts(sim.url) });
  let session: MiSession;

  it('logs in with e-mail and password; a wrong password is refused without echoing it', async () => {
    session = await passport().loginWithPassword(sim.credentials);
    expect(session).toMatchObject({ countryHint: 'DE' });
    expect(session.serviceToken).toMatch(/^st_/);
    const wrong = await passport()
      .loginWithPassword({ email: sim.credentials.email, password: 'not it' })
      .catch((e: Error) => e);
    expect(wrong).toMatchObject({ code: 'mi_fitness_auth_failed' });
    expect((wrong as Error).message).not.toContain('not it');
  });

  it('captcha, step-two and device approval lead to the browser login, which completes from the pasted URL', async () => {
    for (const kind of ['captcha', 'step2', 'notification'] as const) {
      sim.control.setLoginChallenge(kind);
      const err = await passport()
        .loginWithPassword(sim.credentials)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MiLoginChallenge);
      expect((err as MiLoginChallenge).kind).toBe(kind);
      expect((err as MiLoginChallenge).browserLoginUrl).toBe(
        `${sim.url}/pass/serviceLogin?sid=miothealth&callback=${encodeURIComponent(`${sim.url}/sts/healthapp/sts`)}&_locale=en`,
      );
    }
    // The person signs in on that page; the browser ends on the STS address, which they paste.
    const page = await fetch(passport().browserLoginUrl());
    expect(await page.text()).toContain('Sign in to Xiaomi Account');
    const signIn = await fetch(`${sim.url}/pass/browserLogin`, {
      method: 'POST',
      body: new URLSearchParams({ user: sim.credentials.email, password: sim.credentials.password }),
      redirect: 'manual',
    });
    const finalUrl = new URL(signIn.headers.get('location')!, sim.url).toString();
    const fromBrowser = await passport().completeBrowserLogin(finalUrl);
    expect(fromBrowser.ssecurity).toBeTruthy();
    sim.control.setLoginChallenge('none');
    await expect(passport().completeBrowserLogin('https://example.com/x')).rejects.toMatchObject({
      code: 'mi_fitness_auth_failed',
    });
  });

  let refs: WorkoutRef[];
  it('finds the region by one probe per host, remembers it, and lists every workout once', async () => {
    const { source, state } = sourceFor({ ...session, countryHint: undefined });
    refs = await all(source.list({}));
    expect(refs).toHaveLength(60);
    expect(new Set(refs.map((r) => r.sourceId)).size).toBe(60);
    expect(state.saved).toEqual(['de']);
    // cn, sg, us empty (wrong shards answer empty lists), then de.
    const probes = sim.control.requests().filter((r) => r.includes('get_sport_records_by_time'));
    expect(probes.slice(0, 4)).toEqual(
      ['cn', 'sg', 'us', 'de'].map((r) => `POST /region/${r}/app/v1/data/get_sport_records_by_time`),
    );
  });

  it('a wrong country (empty shard) is noticed on a full listing: the shard with the workouts replaces it', async () => {
    const { source, state } = sourceFor(session, { region: 'us' });
    expect(await all(source.list({}))).toHaveLength(60);
    expect(state.saved).toEqual(['de']);
    expect(source.region()).toBe('de');
  });

  it('fetches a run with GPS, pauses and laps from decrypted FDS files', async () => {
    const { source } = sourceFor(session, { region: 'de' });
    const truth = sim.truth().find((t) => t.kind === 'run' && t.hasDetail && t.pauses > 0)!;
    const ref = refs.find((r) => r.sourceId === `${truth.sid}:outdoor_running:${truth.sourceTime}`)!;
    const { workout } = await source.fetch(ref);
    expect(workout).toMatchObject({
      sport: 'running',
      startTime: truth.startTime,
      utcOffsetSeconds: 7200,
      elapsedSeconds: truth.elapsedSeconds,
      device: { name: truth.model },
      totals: { distanceMeters: truth.distanceMeters, timerSeconds: truth.timerSeconds, calories: truth.calories },
    });
    expect(workout.pauses).toHaveLength(truth.pauses);
    expect(workout.samples.lat!.find((v) => v !== null)).toBeCloseTo(truth.firstFix!.lat, 4);
    expect(workout.laps.length).toBeGreaterThanOrEqual(Math.floor(truth.distanceMeters / 1000));
  });

  it('saves each workout as received; inspect of the saved payload gives the same workout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mi-payloads-'));
    try {
      const { source } = sourceFor(session, { region: 'de', payloadDir: dir });
      const truth = sim.truth().find((t) => t.kind === 'run' && t.hasDetail)!;
      const ref = refs.find((r) => r.sourceId.endsWith(`:${truth.sourceTime}`))!;
      const { workout } = await source.fetch(ref);
      const [file] = readdirSync(dir);
      const saved = JSON.parse(readFileSync(join(dir, file!), 'utf8')) as { miFitness: Record<string, unknown> };
      expect(Object.keys(saved.miFitness).sort()).toEqual(['envelope', 'gps', 'records']);
      const decoded = decodeMiFitnessPayload(saved);
      expect(decoded.ok && decoded.workout.fingerprint).toBe(workout.fingerprint);
      expect(decoded.ok && decoded.workout.samples.t.length).toBe(workout.samples.t.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds a workout without detail files, or uploads it from its summary when allowed', async () => {
    const truth = sim.truth().find((t) => !t.hasDetail)!;
    const ref = refs.find((r) => r.sourceId.endsWith(`:${truth.sourceTime}`))!;
    await expect(sourceFor(session, { region: 'de' }).source.fetch(ref)).rejects.toMatchObject({
      code: 'mi_fitness_detail_missing',
    });
    const { workout, issues } = await sourceFor(session, { region: 'de', allowSummaryOnly: true }).source.fetch(ref);
    expect(workout.samples.t).toEqual([]);
    expect(workout.totals.distanceMeters ?? 0).toBe(truth.distanceMeters);
    expect(issues.map((i) => i.code)).toContain('mi_fitness_summary_only');
  });

  it('a missing obj_key or an expired link is held with that reason', async () => {
    const [a, b] = sim.truth().filter((t) => t.hasDetail && t.hasGps);
    sim.control.dropObjKey(a!.sourceTime);
    sim.control.expireFiles(b!.sourceTime);
    const { source } = sourceFor(session, { region: 'de' });
    const refA = refs.find((r) => r.sourceId.endsWith(`:${a!.sourceTime}`))!;
    const refB = refs.find((r) => r.sourceId.endsWith(`:${b!.sourceTime}`))!;
    await expect(source.fetch(refA)).rejects.toThrow(/without an obj_key/);
    await expect(source.fetch(refB)).rejects.toThrow(/expired or the object is gone/);
  });

  it('an expired service token is refreshed once under the lock; a throttled call is a retryable error', async () => {
    const { source, state } = sourceFor(session, { region: 'de' });
    sim.control.expireTokens();
    const before = sim.control.refreshCount();
    expect(await all(source.list({}))).toHaveLength(60);
    expect(sim.control.refreshCount() - before).toBe(1);
    expect(state).toMatchObject({ locks: 1, refreshes: 1 });
    session = state.stored;
    sim.control.throttle(1, 120);
    await expect(all(source.list({}))).rejects.toMatchObject({ code: 'mi_fitness_rate_limited' });
  });

  it('when Xiaomi wants the user to verify again, the refresh says so (needs_user)', async () => {
    const { source } = sourceFor(session, { region: 'de' });
    sim.control.expireTokens();
    sim.control.requireReverify();
    await expect(all(source.list({}))).rejects.toMatchObject({ code: 'mi_fitness_reverify' });
  });
});
