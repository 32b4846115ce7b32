// Strava's Webhook Events API (issue 18 item 7): the application's one push
// subscription, and what bandsync does with the events it receives.
//
// Events are not signed: anyone who knows the callback URL can post one. So
// an event is a hint, never a fact: a deauthorization event for one of our
// Strava athletes makes bandsync ask Strava with that athlete's own token (one
// GET /athlete, a refresh when refused); only when Strava refuses it does that
// athlete's Strava connection go to needs_user, and no other athlete's.
// Everything else (other subscriptions, unknown athletes, activity events) is
// acknowledged and ignored: Strava retries an event that is not answered 200.
import { createHmac, createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config.js';
import { BandsyncError } from '../sync/failures.js';
import { markDestinationNeedsUser } from '../sync/destination-status.js';
import type { Athlete, Athletes, Logger, Store } from '../sync/ports.js';
import type { AppContext } from './context.js';
import type { StravaPushSubscriptions } from './ports.js';

/** The instance setting holding the subscription Strava gave us. */
const SETTING = 'strava-webhook-subscription';

const StoredSubscription = z.object({
  id: z.string().min(1),
  callbackUrl: z.string().min(1),
  createdAt: z.string(),
});
export type StravaWebhookSubscription = z.infer<typeof StoredSubscription>;

/** An event as Strava posts it (developers.strava.com/docs/webhooks); parsed by the route. */
export interface StravaWebhookEvent {
  readonly object_type: 'activity' | 'athlete';
  readonly object_id: number;
  readonly aspect_type: 'create' | 'update' | 'delete';
  readonly owner_id: number;
  readonly subscription_id: number;
  readonly event_time: number;
  readonly updates: Readonly<Record<string, string>>;
}

export interface StravaWebhookApp {
  readonly config: Pick<Config, 'stravaClientId' | 'stravaClientSecret'>;
  /** The instance's store (the subscription is the application's, not an athlete's). */
  readonly store: Store;
  readonly logger: Logger;
  readonly athletes: Athletes;
  forAthlete(athlete: Athlete): Promise<AppContext>;
  readonly pushSubscriptions: StravaPushSubscriptions;
  readonly clock: { now(): Date };
}

/**
 * After Strava said an athlete's token works, further deauthorization events
 * for them are not checked for this long: anyone can post events, and each
 * check is a read of the application's budget. A real revocation meanwhile is
 * still found by the next request for that athlete.
 */
export const RECHECK_AFTER_MS = 15 * 60_000;

/**
 * The verify_token Strava echoes on the validation GET: derived from the
 * client secret, so every process of the instance (the CLI that subscribes,
 * the daemon that answers Strava's GET) knows it without storing it, and it
 * tells nothing about the secret.
 */
export function webhookVerifyToken(clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update('bandsync strava webhook verify_token v1')
    .digest('hex')
    .slice(0, 40);
}

function credentials(app: Pick<StravaWebhookApp, 'config'>): { clientId: string; clientSecret: string } {
  const { stravaClientId: clientId, stravaClientSecret: clientSecret } = app.config;
  if (!clientId || !clientSecret)
    throw new Error(
      'Strava\'s webhook is your Strava API application\'s: set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET (README, "Connect your real accounts")',
    );
  return { clientId, clientSecret };
}

export async function stravaWebhookStatus(
  app: Pick<StravaWebhookApp, 'store'>,
): Promise<StravaWebhookSubscription | null> {
  const parsed = StoredSubscription.safeParse(await app.store.getSetting(SETTING));
  return parsed.success ? parsed.data : null;
}

/**
 * Creates the application's subscription for this callback URL and keeps its
 * id. Strava calls the URL's validation GET before it answers, so the
 * dashboard serving that URL must be running and reachable from Strava.
 */
export async function subscribeStravaWebhook(
  app: Pick<StravaWebhookApp, 'config' | 'store' | 'pushSubscriptions' | 'clock'>,
  callbackUrl: string,
): Promise<StravaWebhookSubscription> {
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    throw new Error(
      `not an address: ${JSON.stringify(callbackUrl)} (give the full URL of /strava/webhook on your dashboard)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error('the callback URL must be http(s)://…/strava/webhook on your dashboard');
  const existing = await stravaWebhookStatus(app);
  if (existing)
    throw new Error(
      `already subscribed (subscription ${existing.id} to ${existing.callbackUrl}); Strava allows one per application: bandsync strava webhook unsubscribe first`,
    );
  const { clientId, clientSecret } = credentials(app);
  const created = await app.pushSubscriptions
    .create({ clientId, clientSecret, callbackUrl: url.toString(), verifyToken: webhookVerifyToken(clientSecret) })
    .catch((err: Error) => {
      if (!/not verifiable|callback/i.test(err.message)) throw err;
      throw new Error(
        `${err.message}. Strava calls that address while subscribing: bandsync daemon or serve must be running there, reachable from Strava, with the same STRAVA_CLIENT_SECRET`,
      );
    });
  const stored: StravaWebhookSubscription = {
    id: created.id,
    callbackUrl: created.callbackUrl,
    createdAt: app.clock.now().toISOString(),
  };
  await app.store.setSetting(SETTING, stored);
  return stored;
}

/** Deletes the subscription bandsync made; null when there was none. */
export async function unsubscribeStravaWebhook(
  app: Pick<StravaWebhookApp, 'config' | 'store' | 'pushSubscriptions'>,
): Promise<{ id: string; strava: 'deleted' | 'gone' } | null> {
  const existing = await stravaWebhookStatus(app);
  if (!existing) return null;
  const { clientId, clientSecret } = credentials(app);
  const strava = await app.pushSubscriptions.remove({ clientId, clientSecret, id: existing.id });
  await app.store.setSetting(SETTING, null);
  return { id: existing.id, strava };
}

function sameText(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

export interface StravaWebhookReceiver {
  /** The verify token of Strava's validation GET is ours. */
  verifies(verifyToken: string): boolean;
  /** Takes an acknowledged event; what it leads to happens afterwards (Strava wants its 200 within 2 s). */
  receive(event: StravaWebhookEvent): void;
  /** Resolves when the work of every event received so far is done (shutdown, tests). */
  settled(): Promise<void>;
}

export function stravaWebhookReceiver(app: StravaWebhookApp): StravaWebhookReceiver {
  // One check per athlete at a time: Strava's retries of one event share it.
  const checking = new Map<string, Promise<void>>();
  /** When Strava last accepted an athlete's token on an event's check. */
  const acceptedAt = new Map<string, number>();
  const pending = new Set<Promise<void>>();

  const isDeauthorization = (e: StravaWebhookEvent) =>
    e.object_type === 'athlete' && e.aspect_type === 'update' && e.updates.authorized === 'false';

  async function handle(event: StravaWebhookEvent): Promise<void> {
    const subscription = await stravaWebhookStatus(app);
    if (!subscription || subscription.id !== String(event.subscription_id)) {
      app.logger.info('Strava webhook: an event of another subscription, ignored', {
        subscriptionId: event.subscription_id,
      });
      return;
    }
    if (!isDeauthorization(event)) return; // activity events: bandsync's own listing covers them
    const stravaId = String(event.object_id);
    const athlete = (await app.athletes.list()).find((a) => a.stravaAthleteId === stravaId);
    if (!athlete) {
      app.logger.info('Strava webhook: deauthorization of a Strava athlete not connected here, ignored');
      return;
    }
    const accepted = acceptedAt.get(athlete.id);
    if (accepted !== undefined && app.clock.now().getTime() - accepted < RECHECK_AFTER_MS) {
      app.logger.info(
        'Strava webhook: a deauthorization event for an athlete whose token Strava just accepted; not asked again',
        {
          athlete: athlete.name,
        },
      );
      return;
    }
    let check = checking.get(athlete.id);
    if (!check) {
      check = confirmRevoked(athlete).finally(() => checking.delete(athlete.id));
      checking.set(athlete.id, check);
    }
    await check;
  }

  /** Asks Strava with the athlete's own token; only its refusal puts their connection in needs_user. */
  async function confirmRevoked(athlete: Athlete): Promise<void> {
    const context = await app.forAthlete(athlete);
    const account = (await context.store.listAccounts()).find((a) => a.kind === 'strava');
    if (!account || account.status === 'needs_user') return;
    try {
      await (await context.accounts.stravaClient()).athlete();
      acceptedAt.set(athlete.id, app.clock.now().getTime());
      app.logger.warn(
        'Strava webhook: a deauthorization event, but Strava still accepts the athlete’s token; ignored',
        {
          athlete: athlete.name,
        },
      );
    } catch (err) {
      if (err instanceof BandsyncError && (err.code === 'strava_auth_revoked' || err.code === 'strava_scope_missing')) {
        await markDestinationNeedsUser(
          context.deps,
          err.code,
          "Strava's deauthorization event for this athlete, confirmed: Strava refuses their token",
        );
        return;
      }
      // Strava unavailable or the budget spent: the next run finds out by itself.
      app.logger.warn('Strava webhook: could not check a deauthorization event with Strava', {
        athlete: athlete.name,
        error: (err as Error).message,
      });
    }
  }

  return {
    verifies: (token) => {
      const secret = app.config.stravaClientSecret;
      return Boolean(secret) && sameText(token, webhookVerifyToken(secret!));
    },
    receive(event) {
      const work = handle(event)
        .catch((err: Error) => app.logger.warn('Strava webhook: handling an event failed', { error: err.message }))
        .finally(() => pending.delete(work));
      pending.add(work);
    },
    settled: async () => {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
