// The callback of Strava's Webhook Events API (app/strava-webhook.ts).
// Strava calls it, not a browser: no session, no CSRF token, no cookie. It is
// registered before the session and CSRF guards, so it stays this narrow:
// one path, a small body, every field checked. The validation GET answers only
// our verify token; every well-formed event is acknowledged 200 at once (Strava
// retries otherwise) and acted on afterwards, and only after Strava confirms it.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { StravaWebhookEndpoint } from './deps.js';
import type { AppEnv } from './security.js';

export const STRAVA_WEBHOOK_PATH = '/strava/webhook';

/** An event is a few hundred bytes; Strava's largest (an activity title update) well under this. */
const MAX_EVENT_BYTES = 8 * 1024;

const Validation = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.challenge': z.string().min(1).max(256),
  'hub.verify_token': z.string().min(1).max(256),
});

const Id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const Event = z.object({
  object_type: z.enum(['activity', 'athlete']),
  object_id: Id,
  aspect_type: z.enum(['create', 'update', 'delete']),
  owner_id: Id,
  subscription_id: Id,
  event_time: Id,
  updates: z.record(z.string().max(64), z.string().max(1024)).default({}),
});

export function registerStravaWebhook(app: Hono<AppEnv>, endpoint: StravaWebhookEndpoint): void {
  app.get(STRAVA_WEBHOOK_PATH, (c) => {
    const query = Validation.safeParse(c.req.query());
    if (!query.success) return c.json({ error: 'not a subscription validation request' }, 400);
    if (!endpoint.verifies(query.data['hub.verify_token'])) return c.json({ error: 'wrong verify token' }, 403);
    return c.json({ 'hub.challenge': query.data['hub.challenge'] });
  });
  app.post(
    STRAVA_WEBHOOK_PATH,
    bodyLimit({ maxSize: MAX_EVENT_BYTES, onError: (c) => c.json({ error: 'the event is too large' }, 413) }),
    async (c) => {
      if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json'))
        return c.json({ error: 'an event is JSON' }, 415);
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: 'the event is not JSON' }, 400);
      }
      const event = Event.safeParse(body);
      if (!event.success) return c.json({ error: 'not a Strava webhook event' }, 400);
      endpoint.receive(event.data);
      return c.json({ received: true });
    },
  );
}
