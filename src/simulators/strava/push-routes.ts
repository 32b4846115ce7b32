// The Webhook Events API (notes/strava-api.md §5; recorded answers in
// samples/strava/vcr-strava-ruby-client/webhooks): one push subscription per
// application. Creating one calls the callback's validation GET first, as
// Strava does (2 s to echo hub.challenge); events go to its callback as JSON
// POSTs. Parameters come in the query or a form body, as Strava takes them.
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { readParams } from './params.js';
import type { SimState } from './state.js';
import { fault } from './views.js';

export interface SimSubscription {
  readonly id: number;
  readonly callbackUrl: string;
  readonly createdAt: string;
}

/** An event as Strava posts it. */
export interface SimWebhookEvent {
  readonly aspect_type: 'create' | 'update' | 'delete';
  readonly event_time: number;
  readonly object_id: number;
  readonly object_type: 'activity' | 'athlete';
  readonly owner_id: number;
  readonly subscription_id: number;
  readonly updates: Record<string, string>;
}

const VALIDATION_TIMEOUT_MS = 2_000;

async function validates(callbackUrl: string, verifyToken: string): Promise<boolean> {
  const challenge = randomBytes(8).toString('hex');
  const url = new URL(callbackUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', challenge);
  url.searchParams.set('hub.verify_token', verifyToken);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS) });
    if (res.status !== 200) return false;
    const body = (await res.json()) as Record<string, unknown>;
    return body['hub.challenge'] === challenge;
  } catch {
    return false;
  }
}

function json(s: SimSubscription, applicationId: string) {
  return {
    id: s.id,
    resource_state: 2,
    application_id: Number(applicationId),
    callback_url: s.callbackUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
  };
}

export function registerPushSubscriptions(app: Hono, state: SimState): void {
  /** Client credentials, else Strava's answer refusing them. */
  const credentials = (p: Record<string, string>) => {
    if (p.client_id !== state.options.clientId) return fault('Bad Request', 'Application', 'client_id', 'invalid');
    if (p.client_secret !== state.options.clientSecret)
      return fault('Authorization Error', 'Application', 'client_secret', 'invalid');
    return null;
  };
  const refusal = (p: Record<string, string>) => {
    const f = credentials(p);
    if (!f) return null;
    return { body: f, status: (f.message === 'Bad Request' ? 400 : 401) as 400 | 401 };
  };

  app.post('/api/v3/push_subscriptions', async (c) => {
    const p = await readParams(c);
    const refused = refusal(p);
    if (refused) return c.json(refused.body, refused.status);
    if (!p.callback_url || !p.verify_token)
      return c.json(
        fault('Bad Request', 'PushSubscription', p.callback_url ? 'verify_token' : 'callback_url', 'missing'),
        400,
      );
    if (state.subscription) return c.json(fault('Bad Request', 'PushSubscription', '', 'already exists'), 400);
    if (!(await validates(p.callback_url, p.verify_token)))
      return c.json(fault('Bad Request', 'PushSubscription', 'callback url', 'not verifiable'), 400);
    state.subscription = {
      id: state.nextSubscriptionId++,
      callbackUrl: p.callback_url,
      createdAt: state.options.now().toISOString(),
    };
    return c.json(json(state.subscription, state.options.clientId), 201);
  });

  app.get('/api/v3/push_subscriptions', async (c) => {
    const refused = refusal(await readParams(c));
    if (refused) return c.json(refused.body, refused.status);
    return c.json(state.subscription ? [json(state.subscription, state.options.clientId)] : []);
  });

  app.delete('/api/v3/push_subscriptions/:id', async (c) => {
    const refused = refusal(await readParams(c));
    if (refused) return c.json(refused.body, refused.status);
    if (!state.subscription || String(state.subscription.id) !== c.req.param('id'))
      return c.json(fault('Record Not Found', 'PushSubscription', 'id', 'invalid'), 404);
    state.subscription = null;
    return c.body(null, 204);
  });
}

/**
 * Posts an event to the subscription's callback, up to three attempts as
 * Strava makes; the last answer's status, or null without a subscription or
 * when the callback never answered.
 */
export async function deliver(
  state: SimState,
  event: Omit<SimWebhookEvent, 'subscription_id'>,
): Promise<number | null> {
  const current = state.subscription;
  if (!current) return null;
  let status: number | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(current.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...event, subscription_id: current.id }),
        signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      status = res.status;
      if (status === 200) return status;
    } catch {
      status = null;
    }
  }
  return status;
}

/** Strava's own word for it: the athlete revokes the app, and the subscription hears of it. */
export function revokeAndNotify(state: SimState, athleteId: number): Promise<number | null> {
  state.deauthorizeAthlete(athleteId);
  return deliver(state, {
    aspect_type: 'update',
    event_time: Math.floor(state.nowMs() / 1000),
    object_id: athleteId,
    object_type: 'athlete',
    owner_id: athleteId,
    updates: { authorized: 'false' },
  });
}

/**
 * "Revoke Access" on strava.com's My Apps settings page, for the athlete
 * signed in to the browser (or `athlete_id`): their tokens die and the
 * application's subscription gets the deauthorization event. A way to try it
 * by hand against `bandsync simulate strava`.
 */
export function registerRevokePage(app: Hono, state: SimState): void {
  app.post('/settings/apps/revoke', async (c) => {
    const p = await readParams(c);
    const athleteId = p.athlete_id ? Number(p.athlete_id) : state.signedIn;
    if (!Number.isSafeInteger(athleteId))
      return c.html('<!doctype html><title>Bad request</title><h1>Bad athlete id</h1>', 400);
    const delivered = await revokeAndNotify(state, athleteId);
    return c.html(
      `<!doctype html><title>My Apps · Strava simulator</title><h1>Access revoked</h1>` +
        `<p id="revoked" data-athlete="${athleteId}" data-event-status="${delivered ?? ''}">Athlete ${athleteId} revoked the application` +
        `${delivered === null ? '; no webhook subscription answered' : `; the webhook answered ${delivered}`}.</p>`,
    );
  });
}
