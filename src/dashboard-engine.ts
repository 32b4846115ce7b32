// The dashboard's engine port (server/deps.ts DashboardEngine), implemented
// with the sync use cases and the composed app's account actions. It names
// no adapter: everything concrete arrives through the App.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { encodeWorkout } from './core/index.js';
import { saveMapping, type App } from './compose.js';
import { DESTINATION } from './sync/deps.js';
import { retryWorkout, skipWorkout } from './sync/actions.js';
import { syncAll } from './sync/sync-all.js';
import type {
  BackfillProgress,
  BackfillRange,
  DashboardEngine,
  DashboardSettings,
  PlanRow,
  ProgressListener,
  RemoteNumbers,
} from './server/deps.js';

const OAUTH_STATE_TTL_MS = 10 * 60_000;

export function createDashboardEngine(app: App, options: { nextPollAt?: () => string | null } = {}): DashboardEngine {
  const listeners = new Set<ProgressListener>();
  let current: BackfillProgress | null = null;
  let running: Promise<void> | null = null;
  const emit = (p: BackfillProgress) => {
    current = p;
    for (const l of listeners) l(p);
  };

  /**
   * Strava's calories for an activity: only its detail has them, so one read the
   * first time its page is shown, then kept. Unavailable (budget kept for
   * uploads, Strava down) is shown as unknown and asked again next time.
   */
  async function stravaCalories(activityId: string): Promise<number | null> {
    const key = `strava-calories:${activityId}`;
    const known = await app.store.getSetting<{ calories: number | null }>(key);
    if (known) return known.calories;
    try {
      const calories = await (await app.accounts.stravaClient()).activityCalories(activityId);
      await app.store.setSetting(key, { calories });
      return calories;
    } catch (err) {
      app.logger.info('Strava calories not available now', { activityId, error: (err as Error).message });
      return null;
    }
  }

  async function runInBackground(range: BackfillRange, runId: string) {
    const counts = { uploaded: 0, duplicates: 0, skipped: 0, failed: 0 };
    let total = 0;
    emit({ runId, total: 0, done: 0, ...counts, finished: false, waiting: null });
    try {
      const summary = await syncAll(app.deps, {
        all: true,
        since: range.since,
        wait: (until) => app.clock.wait(until),
        onProgress: (p) => {
          if (p.phase === 'upload') total = p.total;
          emit({
            runId,
            total,
            done: p.phase === 'upload' ? p.done : (current?.done ?? 0),
            ...counts,
            finished: false,
            waiting: p.phase === 'wait' ? (p.message ?? null) : null,
          });
        },
      });
      Object.assign(counts, {
        uploaded: summary.uploaded,
        duplicates: summary.duplicates,
        skipped: summary.skipped,
        failed: summary.failed,
      });
      emit({
        runId,
        total,
        done: total,
        ...counts,
        finished: true,
        waiting: summary.stoppedBy ? `stopped: ${summary.stoppedBy}` : null,
      });
    } catch (err) {
      emit({
        runId,
        total,
        done: current?.done ?? 0,
        ...counts,
        finished: true,
        waiting: `stopped: ${(err as Error).message}`,
      });
    }
  }

  const kick = () => {
    if (running) return;
    running = runInBackground({}, `upload-${Date.now()}`).finally(() => {
      running = null;
    });
  };

  return {
    async status() {
      return { nextPollAt: options.nextPollAt?.() ?? null, backfill: current };
    },
    async planBackfill(range) {
      const summary = await syncAll(app.deps, { all: true, since: range.since, dryRun: true });
      return summary.plan
        .filter((p) => !range.until || p.startTime < range.until)
        .map((p): PlanRow => ({
          workoutId: p.workoutId,
          startTime: p.startTime,
          sport: p.sport,
          decision: p.action,
          reason: p.reason,
        }));
    },
    async startBackfill(range) {
      if (running) throw new Error('A backfill is already running; watch its progress on the overview.');
      const runId = randomBytes(6).toString('hex');
      running = runInBackground(range, runId).finally(() => {
        running = null;
      });
      return { runId };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async retry(workoutId) {
      await retryWorkout(app.deps, workoutId);
      kick();
    },
    async skip(workoutId) {
      await skipWorkout(app.deps, workoutId, 'skipped in the dashboard');
    },
    async uploadNow(workoutId) {
      const record = await app.store.getRecord(workoutId, DESTINATION);
      if (!record) throw new Error(`No workout ${workoutId}`);
      if (['failed', 'skipped', 'needs_user'].includes(record.state)) await retryWorkout(app.deps, workoutId);
      kick();
    },
    async remapSport(workoutId, sportType) {
      const stored = await app.store.getWorkout(workoutId);
      if (!stored) throw new Error(`No workout ${workoutId}`);
      await saveMapping(app, {
        overrides: {
          ...app.mapping.overrides,
          [`${stored.workout.source.kind}:${stored.workout.source.id}`]: sportType,
        },
      });
      await app.store.appendLedger({
        workoutId,
        accountId: stored.accountId,
        event: 'decision',
        fromState: null,
        toState: null,
        reason: `sport re-mapped by the user to ${sportType}`,
        data: null,
      });
    },
    async exportWorkout(workoutId, format) {
      const stored = await app.store.getWorkout(workoutId);
      if (!stored) throw new Error(`No workout ${workoutId}`);
      return encodeWorkout(stored.workout, format, { deviceName: app.mapping.deviceName ?? app.config.deviceName });
    },
    async remoteNumbers(workoutId): Promise<RemoteNumbers | null> {
      // Recorded from the confirming listing (no extra Strava request per page view).
      const entries = await app.store.listLedger({ workoutId, limit: 200 });
      const withRemote = entries.find((e) => e.data && typeof e.data === 'object' && 'remote' in e.data);
      const r = withRemote?.data?.remote as
        | {
            id: string;
            distanceMeters?: number;
            movingSeconds?: number;
            elapsedSeconds?: number;
            elevationGainMeters?: number;
            avgHeartRate?: number;
            calories?: number;
          }
        | undefined;
      if (!r) return null;
      return {
        activityId: r.id,
        distanceMeters: r.distanceMeters ?? null,
        movingSeconds: r.movingSeconds ?? null,
        elapsedSeconds: r.elapsedSeconds ?? null,
        elevationGainMeters: r.elevationGainMeters ?? null,
        avgHeartRate: r.avgHeartRate ?? null,
        calories: r.calories ?? (await stravaCalories(r.id)),
      };
    },
    async stravaConnectStart(redirectUri) {
      const state = randomBytes(16).toString('hex');
      await app.store.setSetting(`oauth-state:${state}`, {
        redirectUri,
        expires: app.clock.now().getTime() + OAUTH_STATE_TTL_MS,
      });
      return { authorizeUrl: app.accounts.stravaAuthorizeUrl({ redirectUri, state }) };
    },
    async stravaConnectCallback({ code, state, scope }) {
      const saved = await app.store.getSetting<{ expires: number }>(`oauth-state:${state}`);
      await app.store.setSetting(`oauth-state:${state}`, null);
      if (!saved || saved.expires < app.clock.now().getTime())
        throw new Error('This Strava login was not started here or has expired; start again from Connect.');
      return app.accounts.connectStravaWithCode({ code, scope: scope ?? undefined });
    },
    async connectZepp(input) {
      if (input.method === 'password')
        return app.accounts.connectZepp({ email: input.email, password: input.password });
      if (!input.userId) throw new Error('An app token needs the Zepp user id that goes with it.');
      return app.accounts.connectZepp({ appToken: input.appToken, userId: input.userId });
    },
    async connectLocal(input) {
      if (input.kind === 'zepp-export') {
        // The upload is kept in the data dir: the source re-reads it on every poll.
        const dir = join(app.config.dataDir, 'imports');
        mkdirSync(dir, { recursive: true });
        const path = join(dir, `${Date.now()}-${basename(input.fileName).replace(/[^\w.-]/g, '_')}`);
        writeFileSync(path, input.bytes, { mode: 0o600 });
        try {
          return await app.accounts.connectPath(
            'zepp-export',
            path,
            {},
            input.password ? { password: input.password } : undefined,
          );
        } catch (err) {
          rmSync(path, { force: true }); // a refused export (e.g. wrong password) is not kept
          throw err;
        }
      }
      return app.accounts.connectPath(input.kind, input.path);
    },
    disconnect: (accountId) => app.accounts.disconnect(accountId),
    async getSettings(): Promise<DashboardSettings> {
      const privacy = (await app.store.getSetting<DashboardSettings['privacy']>('privacy')) ?? {
        hideBackfillFromHome: app.config.hideBackfillFromHome,
        backfillVisibility: 'everyone',
      };
      const poll = (await app.store.getSetting<number>('poll-interval')) ?? app.config.pollIntervalSeconds;
      return {
        sportRules: app.mapping.rules.map((r) => ({ ...r })),
        privacy,
        pollIntervalSeconds: poll,
        deviceName: app.mapping.deviceName,
      };
    },
    async setSettings(settings) {
      if (settings.pollIntervalSeconds < 60) throw new Error('The poll interval must be at least 60 seconds.');
      await saveMapping(app, { rules: settings.sportRules.map((r) => ({ ...r })), deviceName: settings.deviceName });
      await app.store.setSetting('privacy', settings.privacy);
      await app.store.setSetting('poll-interval', settings.pollIntervalSeconds);
    },
    async previewSportRules(rules, limit) {
      const records = await app.store.listRecords({ destination: DESTINATION, limit: 2000 });
      const before = app.sportForWith(app.mapping.rules);
      const after = app.sportForWith(rules.map((x) => ({ ...x })));
      const rows = [];
      for (const r of records) {
        const stored = await app.store.getWorkout(r.workoutId);
        if (!stored) continue;
        const from = before(stored.workout).sportType;
        const to = after(stored.workout).sportType;
        if (from !== to)
          rows.push({
            workoutId: r.workoutId,
            startTime: r.startTime,
            sport: stored.workout.sport,
            rawSport: stored.workout.rawSport ?? null,
            from,
            to,
          });
        if (rows.length >= limit) break;
      }
      return rows;
    },
  };
}
