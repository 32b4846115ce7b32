// The dashboard's engine port (server/deps.ts DashboardEngine), answered by
// the use cases in src/app/. Only translation lives here: what the dashboard
// does is decided there, the same as for the CLI and the daemon.
import type { App } from './compose.js';
import { backfillRunner, planBackfill } from './app/backfill.js';
import { connectUploadedExport } from './app/files-import.js';
import { getSettings, previewSportRules, setSettings } from './app/settings.js';
import { remapSport } from './app/sport-mapping.js';
import { finishStravaConnect, startStravaConnect } from './app/strava-oauth.js';
import { makeUploadable, retryWorkout, skipWorkout } from './app/workout-actions.js';
import { exportWorkout, remoteNumbers } from './app/workout-view.js';
import type { DashboardEngine } from './server/deps.js';

export function createDashboardEngine(app: App, options: { nextPollAt?: () => string | null } = {}): DashboardEngine {
  const backfill = backfillRunner(app);
  return {
    status: async () => ({ nextPollAt: options.nextPollAt?.() ?? null, backfill: backfill.current() }),
    planBackfill: (range) => planBackfill(app, range),
    startBackfill: async (range) => backfill.start(range),
    subscribe: (listener) => backfill.subscribe(listener),
    async retry(workoutId) {
      await retryWorkout(app.deps, workoutId);
      backfill.kick();
    },
    async skip(workoutId) {
      await skipWorkout(app.deps, workoutId, 'skipped in the dashboard');
    },
    async uploadNow(workoutId) {
      await makeUploadable(app.deps, workoutId);
      backfill.kick();
    },
    remapSport: (workoutId, sportType) => remapSport(app, workoutId, sportType),
    exportWorkout: (workoutId, format) => exportWorkout(app, workoutId, format),
    remoteNumbers: (workoutId) => remoteNumbers(app, workoutId),
    stravaConnectStart: (redirectUri) => startStravaConnect(app, redirectUri),
    stravaConnectCallback: (input) => finishStravaConnect(app, input),
    async connectZepp(input) {
      if (input.method === 'password')
        return app.accounts.connectZepp({ email: input.email, password: input.password });
      if (!input.userId) throw new Error('An app token needs the Zepp user id that goes with it.');
      return app.accounts.connectZepp({ appToken: input.appToken, userId: input.userId });
    },
    async connectLocal(input) {
      if ('bytes' in input) return connectUploadedExport(app, input);
      return app.accounts.connectPath(input.kind, input.path);
    },
    connectMiFitness: (input) => app.accounts.connectMiFitness(input),
    disconnect: (accountId) => app.accounts.disconnect(accountId),
    getSettings: () => getSettings(app),
    setSettings: (settings) => setSettings(app, settings),
    previewSportRules: (rules, limit) => previewSportRules(app, rules, limit),
  };
}
