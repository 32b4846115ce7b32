// The dashboard's engine port (server/deps.ts DashboardEngine), answered by
// the use cases in src/app/. Only translation lives here: what the dashboard
// does is decided there, the same as for the CLI and the daemon.
import type { AppContext } from './app/context.js';
import type { App } from './compose.js';
import { backfillRunner, planBackfill } from './app/backfill.js';
import { connectUploadedExport } from './app/files-import.js';
import { checkLocalPath } from './app/local-path.js';
import { getSettings, setSettings, sportRuleChanges } from './app/settings.js';
import { remapSport } from './app/sport-mapping.js';
import { finishStravaConnect, startStravaConnect } from './app/strava-oauth.js';
import { retryWorkout, skipWorkout } from './app/workout-actions.js';
import { SENDABLE, sendOneNow } from './app/upload-now.js';
import { DESTINATION } from './sync/deps.js';
import { exportWorkout, remoteNumbers } from './app/workout-view.js';
import type { AthleteSignIn, DashboardEngine } from './server/deps.js';
import {
  invitedAthlete,
  inviteAthlete,
  pendingInvites,
  revokeInvites,
  selfSignUp,
  setSelfSignUp,
} from './app/invites.js';
import { finishStravaSignIn, receiveStravaSignIn, startStravaSignIn } from './app/strava-signin.js';

/** The dashboard's Strava sign-in for athletes, on the use cases of app/strava-signin.ts and app/invites.ts. */
export function createAthleteSignIn(app: App): AthleteSignIn {
  return {
    start: (input) => startStravaSignIn(app, input),
    receive: (input) => receiveStravaSignIn(app, input),
    finish: async (input) => {
      const athlete = await finishStravaSignIn(app, input);
      return { id: athlete.id, name: athlete.name };
    },
    invited: async (token) => {
      const athlete = await invitedAthlete(app, token);
      return athlete ? { name: athlete.name } : null;
    },
    invite: async (name) => {
      const made = await inviteAthlete(app, name);
      return { token: made.token, name: made.athlete.name, expiresAt: made.expiresAt };
    },
    invites: () => pendingInvites(app),
    revokeInvite: (name) => revokeInvites(app, name),
    selfSignUp: () => selfSignUp(app),
    setSelfSignUp: (on) => setSelfSignUp(app, on),
  };
}

export function createDashboardEngine(
  app: AppContext,
  options: { nextPollAt?: () => string | null; signal?: AbortSignal } = {},
): DashboardEngine {
  const backfill = backfillRunner(app, options.signal);
  // What the user asked for on one workout goes up at once, alone; the result shows on its page and ledger.
  const sendInBackground = (workoutId: string) =>
    void sendOneNow(app, workoutId).catch((err: Error) =>
      app.logger.warn('upload requested in the dashboard did not finish', { workoutId, error: err.message }),
    );
  return {
    status: async () => ({
      nextPollAt: options.nextPollAt?.() ?? null,
      backfill: backfill.current(),
      stravaAppConfigured: Boolean(app.config.stravaClientId && app.config.stravaClientSecret),
    }),
    planBackfill: (range) => planBackfill(app, range),
    startBackfill: async (range) => backfill.start(range),
    subscribe: (listener) => backfill.subscribe(listener),
    async retry(workoutId) {
      await retryWorkout(app.deps, workoutId);
      sendInBackground(workoutId);
    },
    async skip(workoutId) {
      await skipWorkout(app.deps, workoutId, 'skipped in the dashboard');
    },
    async uploadNow(workoutId) {
      const record = await app.store.getRecord(workoutId, DESTINATION);
      if (!record || !SENDABLE.includes(record.state))
        throw new Error(`This workout is ${record?.state ?? 'unknown'}: there is nothing to upload now.`);
      sendInBackground(workoutId);
    },
    async uploadAnyway(workoutId) {
      await retryWorkout(app.deps, workoutId, { acceptDamaged: true });
      sendInBackground(workoutId);
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
      return app.accounts.connectPath(input.kind, checkLocalPath(input.kind, input.path));
    },
    connectMiFitness: (input) => app.accounts.connectMiFitness(input),
    disconnect: (accountId) => app.accounts.disconnect(accountId),
    getSettings: () => getSettings(app),
    setSettings: (settings) => setSettings(app, settings),
    previewSportRules: (rules, limit) => sportRuleChanges(app, rules, limit),
  };
}
