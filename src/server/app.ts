// The dashboard as a Hono app: guards first, then static assets and pages.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { registerAssets } from './assets.js';
import type { ServerDeps } from './deps.js';
import { registerBackfill } from './pages/backfill.js';
import { registerAthletes } from './pages/athletes.js';
import { registerConnect } from './pages/connect.js';
import { registerEvents } from './pages/events.js';
import { registerLog } from './pages/log.js';
import { registerLogin } from './pages/login.js';
import { registerNotFound } from './pages/not-found.js';
import { registerSignIn } from './pages/sign-in.js';
import { registerOverview } from './pages/overview.js';
import { registerSettings } from './pages/settings.js';
import { registerWorkout } from './pages/workout.js';
import { registerWorkouts } from './pages/workouts.js';
import { registerMetrics } from './metrics-route.js';
import { registerStravaWebhook } from './strava-webhook.js';
import { athleteViewGuard, registerAthleteSwitch } from './athlete-view.js';
import {
  csrfGuard,
  loopbackHostGuard,
  malformedRequestGuard,
  securityHeaders,
  sessionGuard,
  type AppEnv,
} from './security.js';
import { SessionStore } from './sessions.js';

export function createApp(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const sessions = new SessionStore(deps.now, deps.access);
  const tileOrigin = deps.tileUrl ? new URL(deps.tileUrl.replace(/[{}]/g, '')).origin : null;

  app.use('*', securityHeaders(tileOrigin));
  app.use('*', loopbackHostGuard(deps.security));
  app.use('*', malformedRequestGuard());
  // Strava calls its webhook without a session or CSRF token: answered here, before those guards.
  if (deps.stravaWebhook) registerStravaWebhook(app, deps.stravaWebhook);
  app.use('*', sessionGuard(sessions, deps.security));
  // Forms are small; only the export-zip upload may be large.
  const tooLarge = (c: { text: (t: string, s: 413) => Response }) => c.text('The request body is too large.', 413);
  app.use('/connect/export', bodyLimit({ maxSize: 1024 * 1024 * 1024, onError: tooLarge }));
  app.use('*', async (c, next) =>
    c.req.path === '/connect/export' ? next() : bodyLimit({ maxSize: 1024 * 1024, onError: tooLarge })(c, next),
  );
  app.use('*', csrfGuard());
  app.use('*', athleteViewGuard(deps));

  registerAssets(app);
  registerMetrics(app, deps);
  registerLogin(app, deps, sessions);
  registerSignIn(app, deps, sessions);
  registerOverview(app, deps);
  registerEvents(app, deps);
  registerWorkouts(app, deps);
  registerWorkout(app, deps);
  registerBackfill(app);
  registerLog(app);
  registerConnect(app, deps);
  registerSettings(app);
  registerAthletes(app, deps);
  registerAthleteSwitch(app, sessions);
  registerNotFound(app);

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    // Log the message only: engine and store errors carry no secrets by contract,
    // and the stack adds nothing for the user.
    // An invite link's path is its token: logged without it.
    const path = c.req.path.replace(/^\/invite\/.*/, '/invite/…');
    deps.logger?.error('dashboard request failed', { path, error: err.message });
    return c.text('Something went wrong on the server; see the bandsync log.', 500);
  });
  return app;
}
