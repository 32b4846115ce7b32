// Dashboard pages against a real store: paging and filters agree with the
// stored rows, the workout page shows what was stored, actions change state,
// backfill plan → start → progress over server-sent events, settings round-trip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../src/server/pages/workouts.js';
import { Client, startHarness, type Harness } from './harness.js';
import { seedAccounts, seedWorkouts } from './seed.js';
import type { RecordCode } from '../../src/sync/failures.js';

let h: Harness;
let seeded: { id: string; startTime: string; sport: string }[];
let c: Client;
let token: string;
const N = 130;

beforeAll(async () => {
  h = await startHarness();
  const { zepp } = await seedAccounts(h.opened.store);
  seeded = await seedWorkouts(h.opened.store, zepp.id, N);
  c = new Client(h.url);
  token = await c.csrf();
});
afterAll(() => h?.close());

const rowIds = (page: string) => [...page.matchAll(/<tr data-workout="([^"]+)"/g)].map((m) => m[1]);

describe('workouts list', () => {
  it('pages through every workout exactly once, newest first', async () => {
    const seen: string[] = [];
    let next: string | null = '/workouts';
    let pages = 0;
    while (next) {
      const body = await (await c.get(next)).text();
      seen.push(...(rowIds(body) as string[]));
      pages++;
      next = /<a rel="next" href="([^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&') ?? null;
    }
    expect(pages).toBe(Math.ceil(N / PAGE_SIZE));
    expect(seen).toEqual(seeded.map((s) => s.id)); // seeded newest first, one per day
  });

  it('filters by sport, state, date range and text', async () => {
    const indoor = seeded.filter((s) => s.sport === 'strength').map((s) => s.id);
    expect(rowIds(await (await c.get('/workouts?sport=strength')).text())).toEqual(indoor);

    const inOctober = seeded.filter((s) => s.startTime >= '2026-10-10' && s.startTime < '2026-10-21').map((s) => s.id);
    expect(inOctober.length).toBe(11);
    expect(rowIds(await (await c.get('/workouts?from=2026-10-10&to=2026-10-20')).text())).toEqual(inOctober);

    const named = seeded.filter((_, i) => i % 5 !== 4 && String(i).startsWith('12')).map((s) => s.id); // "Morning run 12x"
    expect(rowIds(await (await c.get('/workouts?q=run+12')).text())).toEqual(named);

    const target = seeded[7]!.id;
    await h.opened.store.transition({
      workoutId: target,
      destination: 'strava',
      from: ['discovered'],
      to: 'failed',
      reason: 'test',
      patch: { code: 'strava_unavailable' },
    });
    expect(rowIds(await (await c.get('/workouts?state=failed')).text())).toEqual([target]);
    expect(rowIds(await (await c.get('/workouts?state=failed&sport=strength')).text())).toEqual([]);
  });

  it('ignores malformed filter values instead of failing', async () => {
    const res = await c.get('/workouts?state=bogus&from=2026-99-99&page=-3');
    expect(res.status).toBe(200);
    expect(rowIds(await res.text()).length).toBe(PAGE_SIZE);
  });
});

describe('workout page', () => {
  it('shows map only for GPS workouts, charts data, numbers and ledger', async () => {
    const gps = seeded[0]!;
    const body = await (await c.get(`/workouts/${gps.id}`)).text();
    expect(body).toContain('id="map"');
    expect(body).toContain('workout discovered'); // ledger entry written by ensureRecord
    const data = (await (await c.get(`/workouts/${gps.id}/data.json`)).json()) as {
      t: number[];
      track: [number, number][];
      pauses: number[][];
      laps: number[];
      series: { key: string; unit: string; values: (number | null)[]; invert: boolean }[];
    };
    expect(data.track.length).toBeGreaterThan(100);
    expect(data.pauses).toEqual([[300, 360]]);
    expect(data.laps).toEqual([300]); // the second lap's start; the first starts with the workout
    expect(data.series.map((s) => [s.key, s.unit, s.invert])).toEqual([
      ['heartRate', 'bpm', false],
      ['pace', '/km', true],
      ['altitude', 'm', false],
      ['cadence', 'spm', false],
    ]);
    for (const s of data.series) expect(s.values.length).toBe(data.t.length);
    // The seeded cadence is 85 strides per minute: runners read 170 steps per minute.
    expect(new Set(data.series.find((s) => s.key === 'cadence')!.values)).toEqual(new Set([170]));

    const indoor = seeded.find((s) => s.sport === 'strength')!;
    const indoorBody = await (await c.get(`/workouts/${indoor.id}`)).text();
    expect(indoorBody).not.toContain('id="map"');
    expect(indoorBody).toContain('id="no-map"');
  });

  it('highlights band vs Strava differences beyond tolerance', async () => {
    const w = seeded[1]!;
    await h.opened.store.transition({
      workoutId: w.id,
      destination: 'strava',
      from: ['discovered'],
      to: 'synced',
      reason: 'test',
      patch: { activityId: '777' },
    });
    // The run is a 300 m circle (1885 m) in 600 s with a 60 s pause, whose 189 m are not counted
    // (a pause can hide a ride in a car): 1696 m in 540 s of timer time.
    h.engine.remote.set(w.id, {
      activityId: '777',
      distanceMeters: 1696,
      movingSeconds: 600,
      elapsedSeconds: 600,
      elevationGainMeters: null,
      avgHeartRate: null,
      calories: 250,
    });
    const body = await (await c.get(`/workouts/${w.id}`)).text();
    const row = (metric: string) => new RegExp(`<tr class="([^"]*)" data-metric="${metric}"`).exec(body)?.[1];
    expect(row('distanceMeters')).toBe('');
    const band = Number(/data-band="distanceMeters" data-value="([^"]*)"/.exec(body)?.[1]);
    expect(Math.abs(band - (2 * Math.PI * 300 * 540) / 600)).toBeLessThan(1696 * 0.005);
    expect(row('movingSeconds')).toBe('diff');
    expect(row('elapsedSeconds')).toBe('');
    expect(row('calories')).toBe('');
    expect(body).toContain('href="https://strava.example/activities/777"');
  });

  it('retry and skip change the stored state; export returns the engine bytes', async () => {
    const w = seeded[2]!;
    await h.opened.store.transition({
      workoutId: w.id,
      destination: 'strava',
      from: ['discovered'],
      to: 'failed',
      reason: 'test',
      patch: { code: 'strava_upload_rejected' },
    });
    expect((await c.post(`/workouts/${w.id}/retry`, { _csrf: token })).status).toBe(303);
    expect((await h.opened.store.getRecord(w.id, 'strava'))?.state).toBe('discovered');
    const page = await (await c.get(`/workouts/${w.id}`)).text();
    expect(page).toContain('Retry started');
    expect(page).toContain('retry requested in the dashboard');
    // A second retry (a stale page) is refused, and the message is shown; the engine is not asked.
    const retries = h.engine.calls.filter((x) => x.startsWith('retry:')).length;
    await c.post(`/workouts/${w.id}/retry`, { _csrf: token });
    expect(await (await c.get(`/workouts/${w.id}`)).text()).toContain('Not possible while the workout is discovered.');
    expect(h.engine.calls.filter((x) => x.startsWith('retry:')).length).toBe(retries);
    const fit = await c.get(`/workouts/${w.id}/export/fit`);
    expect(fit.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.fit"/);
    expect(await fit.text()).toBe(`fit:${w.id}`);
    expect((await c.get(`/workouts/${w.id}/export/exe`)).status).toBe(400);
    expect((await c.post(`/workouts/${w.id}/remap`, { _csrf: token, sportType: 'NotASport' })).status).toBe(303);
    expect(h.engine.calls.some((x) => x.startsWith('remap:'))).toBe(false);
    await c.post(`/workouts/${w.id}/remap`, { _csrf: token, sportType: 'TrailRun' });
    expect(h.engine.calls).toContain(`remap:${w.id}:TrailRun`);
  });
});

describe('workout actions offered', () => {
  /** The buttons of the page's Actions section (the problem block above it repeats the fixing one). */
  const buttons = async (id: string) => {
    const page = await (await c.get(`/workouts/${id}`)).text();
    const actions = page.slice(page.indexOf('id="actions"'));
    return [...actions.matchAll(/<button name="action" value="(\w+)"/g)].map((m) => m[1]);
  };
  const move = (id: string, to: 'synced' | 'needs_user' | 'fetched', code: RecordCode | null = null) =>
    h.opened.store.transition({
      workoutId: id,
      destination: 'strava',
      from: ['discovered', 'fetched', 'synced', 'needs_user'],
      to,
      reason: 'test',
      patch: { code, activityId: to === 'synced' ? '8319193780' : null },
    });

  it('a synced workout offers only the re-map; "Upload now" is refused without asking the engine', async () => {
    const w = seeded[5]!;
    await move(w.id, 'synced');
    expect(await buttons(w.id)).toEqual(['remap']);
    const before = h.engine.calls.length;
    await c.post(`/workouts/${w.id}/upload`, { _csrf: token });
    expect(await (await c.get(`/workouts/${w.id}`)).text()).toContain('Not possible while the workout is synced.');
    expect(h.engine.calls.length).toBe(before);
  });

  it('a waiting workout offers "Upload now"; a damaged, held one "Upload anyway" instead of Retry', async () => {
    const w = seeded[6]!;
    await move(w.id, 'fetched');
    expect(await buttons(w.id)).toEqual(['upload', 'skip', 'remap']);
    await move(w.id, 'needs_user', 'source_damaged');
    expect(await buttons(w.id)).toEqual(['anyway', 'skip', 'remap']);
    // The reason block says why and offers the same fix.
    expect(await (await c.get(`/workouts/${w.id}`)).text()).toMatch(/could be read only partly[\s\S]*Upload anyway/);
    await c.post(`/workouts/${w.id}/anyway`, { _csrf: token });
    expect(h.engine.calls).toContain(`anyway:${w.id}`);
    expect((await h.opened.store.getRecord(w.id, 'strava'))?.state).toBe('fetched');
  });
});

describe('backfill', () => {
  it('plans a range, then starts and streams progress as server-sent events', async () => {
    const plan = await (await c.post('/backfill/plan', { _csrf: token, from: '2026-10-01', to: '2026-10-05' })).text();
    expect(plan).toContain('id="plan"');
    const uploads = [...plan.matchAll(/<tr class="decision-upload">/g)].length;
    expect(uploads).toBe(5); // 1–5 Oct, one per day, all discovered

    const bad = await c.post('/backfill/plan', { _csrf: token, from: '2026-10-09', to: '2026-10-01' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('From must not be after To.');

    const ctrl = new AbortController();
    const events = await fetch(h.url + '/events', { headers: { cookie: c.cookie }, signal: ctrl.signal });
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = events.body!.getReader();
    const started = c.post('/backfill/start', { _csrf: token, from: '2026-10-01', to: '2026-10-05' });
    let text = '';
    const decoder = new TextDecoder();
    while (!/"finished":true/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    ctrl.abort();
    expect((await started).status).toBe(303);
    const frames = text.split('\n\n').filter((f) => f.includes('event: progress'));
    const parsed = frames.map((f) => {
      const lines = f.split('\n');
      expect(lines.some((l) => /^id: \d+$/.test(l))).toBe(true);
      return JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)) as {
        done: number;
        total: number;
        finished: boolean;
      };
    });
    expect(parsed.map((p) => p.done)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(parsed.at(-1)).toMatchObject({ total: 5, finished: true });
    expect(text).toMatch(/event: budget\ndata: \{"overall":/);
    expect(text).toMatch(/event: counts\ndata: \{"/);
    const overview = await (await c.get('/')).text();
    expect(overview).toContain('value="100"');
  });
});

describe('settings', () => {
  it('previews and saves sport rules and the other settings', async () => {
    const fields = {
      _csrf: token,
      'rule-0-raw': '1',
      'rule-0-sport': '',
      'rule-0-type': 'TrailRun',
      'rule-1-raw': '',
      'rule-1-sport': '',
      'rule-1-type': '',
      hideBackfillFromHome: 'on',
      pollMinutes: '30',
      deviceName: 'Band 9',
    };
    const preview = await (await c.post('/settings/preview', fields)).text();
    const runs = seeded.filter((s) => s.sport === 'running').length;
    expect(preview).toContain(`${Math.min(runs, 200)} workouts would change`);
    expect(await h.engine.getSettings()).toMatchObject({ sportRules: [] }); // preview saves nothing
    expect((await c.post('/settings', fields)).status).toBe(303);
    expect(await h.engine.getSettings()).toEqual({
      sportRules: [{ rawSport: '1', sportType: 'TrailRun' }],
      privacy: { hideBackfillFromHome: true },
      pollIntervalSeconds: 1800,
      deviceName: 'Band 9',
    });
    const bad = await c.post('/settings', { ...fields, 'rule-0-type': 'Teleport' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('is not a Strava sport type');
  });
});

describe('connect', () => {
  it('runs the Strava OAuth round trip with state, and disconnects after confirmation', async () => {
    const start = await c.post('/connect/strava', { _csrf: token });
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${h.url}/connect/strava/callback`);
    const state = authorize.searchParams.get('state')!;
    // Strava's redirect back arrives without the SameSite=Strict cookie.
    const forged = await fetch(`${h.url}/connect/strava/callback?code=abc&state=nope&scope=activity:write`);
    expect(forged.status).toBe(400);
    const back = await fetch(
      `${h.url}/connect/strava/callback?code=abc&state=${state}&scope=activity:write,activity:read_all`,
    );
    expect(back.status).toBe(200);
    expect(back.headers.get('set-cookie')).toBeNull(); // must not replace the user's session
    expect(await back.text()).toContain('Strava connected: Test Athlete.');
    const account = (await h.opened.store.listAccounts()).find((a) => a.label === 'Test Athlete')!;
    const confirm = await (await c.get(`/connect/${account.id}/disconnect`)).text();
    expect(confirm).toContain('revokes its Strava access');
    expect((await c.post(`/connect/${account.id}/disconnect`, { _csrf: token })).status).toBe(303);
    expect(await h.opened.store.getAccount(account.id)).toBeNull();
    expect(await (await c.get('/connect')).text()).toContain('Test Athlete disconnected.');
  });
});

describe('assets', () => {
  it('serves Leaflet, uPlot and our own files with long cache headers, and nothing outside them', async () => {
    const page = await (await c.get(`/workouts/${seeded[0]!.id}`)).text();
    const srcs = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(srcs.some((s) => s.includes('leaflet@'))).toBe(true);
    expect(srcs.some((s) => s.includes('uplot@'))).toBe(true);
    for (const s of srcs) {
      const res = await c.get(s);
      expect(res.status, s).toBe(200);
      expect(res.headers.get('cache-control')).toContain('max-age=31536000');
    }
    expect((await c.get('/assets/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await c.get('/assets/vendor/leaflet@1.9.4/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});
