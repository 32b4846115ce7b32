// A DashboardEngine for the server tests, acting on the REAL store: its
// actions make the same state transitions the sync engine makes, so pages are
// tested against stored results, not canned answers. Remote calls (Strava,
// Zepp) are out of scope here; they are covered by the end-to-end browser test.
import { randomBytes } from 'node:crypto';
import type {
  BackfillProgress,
  BackfillRange,
  DashboardEngine,
  DashboardSettings,
  PlanRow,
  BackfillListener,
  RemoteNumbers,
} from '../../src/server/deps.js';
import type { Account, Store } from '../../src/sync/ports.js';

export class StoreEngine implements DashboardEngine {
  readonly calls: string[] = [];
  remote = new Map<string, RemoteNumbers>();
  private listeners = new Set<BackfillListener>();
  private last: BackfillProgress | null = null;
  private states = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly stravaUrl = 'http://127.0.0.1:9/oauth/authorize',
  ) {}

  async status() {
    return { nextPollAt: '2026-11-25T12:00:00.000Z', backfill: this.last, stravaAppConfigured: true };
  }

  async planBackfill(range: BackfillRange): Promise<PlanRow[]> {
    const rows = await this.store.listRecords({ destination: 'strava', ...range, limit: 100_000 });
    return rows.map((r) => ({
      workoutId: r.workoutId,
      startTime: r.startTime,
      sport: r.sport,
      decision:
        r.state === 'duplicate'
          ? 'duplicate'
          : r.state === 'skipped'
            ? 'skip'
            : r.state === 'synced'
              ? 'skip'
              : 'upload',
      reason: r.state === 'discovered' ? 'new workout' : `already ${r.state}`,
    }));
  }

  async startBackfill(range: BackfillRange) {
    const plan = (await this.planBackfill(range)).filter((p) => p.decision === 'upload');
    const runId = `run-${randomBytes(3).toString('hex')}`;
    this.emit({
      runId,
      total: plan.length,
      done: 0,
      uploaded: 0,
      processing: 0,
      pending: plan.length,
      duplicates: 0,
      skipped: 0,
      failed: 0,
      finished: false,
      waiting: null,
    });
    let done = 0;
    for (const p of plan) {
      await this.store.transition({
        workoutId: p.workoutId,
        destination: 'strava',
        from: ['discovered'],
        to: 'synced',
        reason: 'backfill (test engine)',
        patch: { activityId: `9${done}` },
      });
      done++;
      this.emit({
        runId,
        total: plan.length,
        done,
        uploaded: done,
        processing: 0,
        pending: plan.length - done,
        duplicates: 0,
        skipped: 0,
        failed: 0,
        finished: done === plan.length,
        waiting: null,
      });
    }
    if (!plan.length)
      this.emit({
        runId,
        total: 0,
        done: 0,
        uploaded: 0,
        processing: 0,
        pending: 0,
        duplicates: 0,
        skipped: 0,
        failed: 0,
        finished: true,
        waiting: null,
      });
    return { runId };
  }

  emit(p: BackfillProgress): void {
    this.last = p;
    for (const l of this.listeners) l(p);
  }

  subscribe(listener: BackfillListener) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async retry(id: string) {
    this.calls.push(`retry:${id}`);
    const r = await this.store.transition({
      workoutId: id,
      destination: 'strava',
      from: ['failed', 'needs_user', 'skipped'],
      to: 'discovered',
      reason: 'retry requested in the dashboard',
      patch: { code: null, lastError: null },
    });
    if (!r) throw new Error('Only failed, skipped or waiting workouts can be retried.');
  }

  async skip(id: string) {
    this.calls.push(`skip:${id}`);
    const r = await this.store.transition({
      workoutId: id,
      destination: 'strava',
      from: ['discovered', 'fetched', 'converted', 'failed', 'needs_user'],
      to: 'skipped',
      reason: 'skipped in the dashboard',
      patch: { code: 'user' },
    });
    if (!r) throw new Error('This workout cannot be skipped now.');
  }

  async uploadNow(id: string) {
    this.calls.push(`upload:${id}`);
  }
  async uploadAnyway(id: string) {
    this.calls.push(`anyway:${id}`);
    const r = await this.store.transition({
      workoutId: id,
      destination: 'strava',
      from: ['needs_user'],
      to: 'fetched',
      reason: 'the user accepted the damaged file',
      patch: { code: null, lastError: null },
    });
    if (!r) throw new Error('Only a held workout can be uploaded anyway.');
  }
  async remapSport(id: string, sportType: string) {
    this.calls.push(`remap:${id}:${sportType}`);
    const record = await this.store.getRecord(id, 'strava');
    return record?.activityId
      ? { kind: 'updated' as const, activityId: record.activityId, sportType }
      : { kind: 'not_on_strava' as const };
  }
  async exportWorkout(id: string, format: 'fit' | 'tcx' | 'gpx') {
    this.calls.push(`export:${id}:${format}`);
    return new TextEncoder().encode(`${format}:${id}`);
  }
  async remoteNumbers(id: string) {
    return this.remote.get(id) ?? null;
  }

  async stravaConnectStart(redirectUri: string) {
    const state = randomBytes(8).toString('hex');
    this.states.set(state, redirectUri);
    return { authorizeUrl: `${this.stravaUrl}?redirect_uri=${encodeURIComponent(redirectUri)}&state=${state}` };
  }

  async stravaConnectCallback(input: { code: string; state: string; scope: string | null }): Promise<Account> {
    if (!this.states.delete(input.state))
      throw new Error('The Strava answer does not match a connect request; start again.');
    // As the real connect does: a reconnect saves the athlete's one Strava connection again.
    const existing = (await this.store.listAccounts()).find((a) => a.kind === 'strava');
    return this.store.saveAccount({
      id: existing?.id,
      kind: 'strava',
      label: 'Test Athlete',
      settings: {},
      secrets: { accessToken: `at-${input.code}`, refreshToken: `rt-${input.code}` },
    });
  }

  async connectZepp(input: Parameters<DashboardEngine['connectZepp']>[0]) {
    const secrets: Record<string, string> =
      input.method === 'token' ? { appToken: input.appToken } : { password: input.password };
    return this.store.saveAccount({
      kind: 'zepp-cloud',
      label: input.method === 'token' ? 'Zepp (token)' : input.email,
      settings: {},
      secrets,
    });
  }

  async connectLocal(input: Parameters<DashboardEngine['connectLocal']>[0]) {
    return this.store.saveAccount({
      kind: input.kind,
      label: 'fileName' in input ? input.fileName : input.path,
      settings: {},
    });
  }

  async connectMiFitness(input: Parameters<DashboardEngine['connectMiFitness']>[0]) {
    const account = await this.store.saveAccount({
      kind: 'mi-fitness',
      label: 'email' in input && input.email ? input.email : 'Mi Fitness',
      settings: {},
    });
    return { kind: 'connected' as const, account };
  }

  async disconnect(accountId: string) {
    this.calls.push(`disconnect:${accountId}`);
    await this.store.deleteAccount(accountId);
  }

  async getSettings(): Promise<DashboardSettings> {
    return (
      (await this.store.getSetting<DashboardSettings>('dashboard')) ?? {
        sportRules: [],
        privacy: { hideBackfillFromHome: true },
        pollIntervalSeconds: 900,
        deviceName: null,
      }
    );
  }

  async setSettings(settings: DashboardSettings) {
    await this.store.setSetting('dashboard', settings);
    return { stravaUpdates: { updated: 0, pending: 0, refused: 0, retryAt: null } };
  }

  async previewSportRules(rules: DashboardSettings['sportRules'], limit: number) {
    const rows = await this.store.listRecords({ destination: 'strava', limit: 10_000 });
    const out = [];
    let total = 0;
    for (const r of rows) {
      const w = (await this.store.getWorkout(r.workoutId))?.workout;
      const rule = rules.find(
        (x) => (x.rawSport && x.rawSport === w?.rawSport) || (!x.rawSport && x.sport === r.sport),
      );
      if (rule) total++;
      if (rule && out.length < limit)
        out.push({
          workoutId: r.workoutId,
          startTime: r.startTime,
          utcOffsetSeconds: w?.utcOffsetSeconds ?? 0,
          sport: r.sport,
          rawSport: w?.rawSport ?? null,
          from: 'Run',
          to: rule.sportType,
          onStrava: false,
        });
    }
    return { rows: out, total, onStrava: 0 };
  }
}
