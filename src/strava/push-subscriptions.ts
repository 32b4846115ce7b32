// Strava's Webhook Events API subscription (one per application):
// POST /api/v3/push_subscriptions creates it (Strava calls the callback's
// validation GET before answering), DELETE /api/v3/push_subscriptions/{id}
// removes it. The client id and secret travel in form bodies only, never in
// a URL: Strava's own listing (GET with the secret in the query) is not used.
// Subscription requests are the application's, not an athlete's: they are not
// counted in the rate budget (Strava reports separate limits on them).
import { BandsyncError } from '../sync/failures.js';
import { describeFault, redact } from './errors.js';

type Fetch = typeof fetch;

export interface PushSubscriptionOptions {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly fetch?: Fetch;
}

export interface PushSubscription {
  readonly id: string;
  readonly callbackUrl: string;
}

// Strava waits up to 2 s for the callback's answer while this request is open.
const TIMEOUT_MS = 30_000;

function endpoint(baseUrl: string, path: string): string {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}

async function send(
  options: PushSubscriptionOptions,
  method: 'POST' | 'DELETE',
  path: string,
  form: Record<string, string>,
  what: string,
): Promise<{ status: number; text: string }> {
  const secrets = [options.clientSecret];
  try {
    const res = await (options.fetch ?? fetch)(endpoint(options.baseUrl, path), {
      method,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        client_id: options.clientId,
        client_secret: options.clientSecret,
        ...form,
      }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status >= 500 || res.status === 429)
      throw new BandsyncError(
        'strava_unavailable',
        redact(`Strava ${what}: ${describeFault(res.status, text)}`, secrets),
      );
    return { status: res.status, text };
  } catch (err) {
    if (err instanceof BandsyncError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new BandsyncError('strava_unavailable', redact(`Strava ${what} failed: ${reason}`, secrets));
  }
}

/** Creates the application's subscription; Strava refuses when one exists or the callback does not validate. */
export async function createPushSubscription(
  options: PushSubscriptionOptions & { callbackUrl: string; verifyToken: string },
): Promise<PushSubscription> {
  const what = 'webhook subscription';
  const { status, text } = await send(
    options,
    'POST',
    'api/v3/push_subscriptions',
    { callback_url: options.callbackUrl, verify_token: options.verifyToken },
    what,
  );
  const secrets = [options.clientSecret, options.verifyToken];
  if (status !== 201 && status !== 200)
    throw new Error(redact(`Strava refused the ${what}: ${describeFault(status, text)}`, secrets));
  let body: { id?: unknown; callback_url?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new BandsyncError('strava_unavailable', `Strava ${what}: the answer was not JSON`);
  }
  if (typeof body.id !== 'number' && typeof body.id !== 'string')
    throw new BandsyncError('strava_unavailable', `Strava ${what}: no subscription id in the answer`);
  return {
    id: String(body.id),
    callbackUrl: typeof body.callback_url === 'string' ? body.callback_url : options.callbackUrl,
  };
}

/** Deletes the subscription; 'gone' when Strava no longer has it (404). */
export async function deletePushSubscription(
  options: PushSubscriptionOptions & { id: string },
): Promise<'deleted' | 'gone'> {
  const what = 'webhook subscription removal';
  const { status, text } = await send(
    options,
    'DELETE',
    `api/v3/push_subscriptions/${encodeURIComponent(options.id)}`,
    {},
    what,
  );
  if (status === 204 || status === 200) return 'deleted';
  if (status === 404) return 'gone';
  throw new Error(redact(`Strava refused the ${what}: ${describeFault(status, text)}`, [options.clientSecret]));
}
