// Strava OAuth 2.0: the authorization URL, code exchange, refresh and
// deauthorization. The client secret travels only in form bodies, never in a
// URL; error messages are built from Strava's fault text and redacted.
import { BandsyncError } from '../sync/failures.js';
import { describeFault, redact } from './errors.js';
import { REQUIRED_SCOPES, type StravaTokens } from './tokens.js';

type Fetch = typeof fetch;

export interface StravaAthleteSummary {
  readonly id: string;
  readonly username: string | null;
  readonly firstname: string | null;
  readonly lastname: string | null;
}

interface TokenResponse {
  token_type?: string;
  access_token?: unknown;
  refresh_token?: unknown;
  expires_at?: unknown;
  scope?: unknown;
  athlete?: { id?: unknown; username?: unknown; firstname?: unknown; lastname?: unknown };
}

const TIMEOUT_MS = 30_000;

function endpoint(baseUrl: string, path: string): string {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}

export function buildAuthorizeUrl(options: {
  baseUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scope?: readonly string[];
  approvalPrompt?: 'auto' | 'force';
}): string {
  const url = new URL(endpoint(options.baseUrl, 'oauth/authorize'));
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('approval_prompt', options.approvalPrompt ?? 'auto');
  url.searchParams.set('scope', (options.scope ?? REQUIRED_SCOPES).join(','));
  url.searchParams.set('state', options.state);
  return url.toString();
}

/** Throws strava_scope_missing unless every scope bandsync needs was granted. */
export function checkScopes(granted: readonly string[]): void {
  const missing = REQUIRED_SCOPES.filter((s) => !granted.includes(s));
  if (missing.length > 0) {
    throw new BandsyncError(
      'strava_scope_missing',
      `Strava was connected without ${missing.join(' and ')}; bandsync needs both to upload and to find its own uploads. Reconnect and leave both boxes ticked.`,
    );
  }
}

export function parseScope(scope: string | null | undefined): string[] {
  return (scope ?? '').split(/[ ,]+/).filter(Boolean);
}

async function postToken(
  what: string,
  options: { baseUrl: string; clientSecret: string; fetch?: Fetch },
  form: Record<string, string>,
): Promise<TokenResponse> {
  const doFetch = options.fetch ?? fetch;
  const secrets = [options.clientSecret, form.code, form.refresh_token];
  let res: Response;
  try {
    res = await doFetch(endpoint(options.baseUrl, 'oauth/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    if (err instanceof BandsyncError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new BandsyncError('strava_unavailable', redact(`Strava ${what} failed: ${reason}`, secrets));
  }
  const text = await res.text();
  if (res.status >= 500)
    throw new BandsyncError(
      'strava_unavailable',
      redact(`Strava ${what}: ${describeFault(res.status, text)}`, secrets),
    );
  if (res.status === 429) throw new BandsyncError('strava_rate_limited', `Strava ${what}: rate limited`);
  if (res.status === 403 && /limit of connected athletes/i.test(text))
    throw new BandsyncError(
      'strava_not_connected',
      'Strava refused to connect this athlete: your Strava API application has reached its limit of connected athletes ' +
        '(1 for a new application, 10 on the Standard tier, more with Extended Access). Ask Strava to raise it ' +
        "(developers.strava.com, your application's page), or remove an athlete who no longer uses this instance " +
        '(bandsync athlete remove NAME, which revokes their access)',
    );
  if (!res.ok) {
    throw new BandsyncError(
      'strava_auth_revoked',
      redact(`Strava refused the ${what}: ${describeFault(res.status, text)}`, secrets),
    );
  }
  try {
    return JSON.parse(text) as TokenResponse;
  } catch {
    throw new BandsyncError('strava_unavailable', `Strava ${what}: the answer was not JSON`);
  }
}

function toTokens(
  body: TokenResponse,
  what: string,
  extra: { scopes?: readonly string[]; athleteId?: string },
): StravaTokens {
  const accessToken = body.access_token;
  const refreshToken = body.refresh_token;
  const expiresAt = Number(body.expires_at);
  if (typeof accessToken !== 'string' || typeof refreshToken !== 'string' || !Number.isFinite(expiresAt)) {
    throw new BandsyncError(
      'strava_unavailable',
      `Strava ${what}: the answer lacks access_token, refresh_token or expires_at`,
    );
  }
  const athleteId = body.athlete?.id !== undefined ? String(body.athlete.id) : extra.athleteId;
  return {
    accessToken,
    refreshToken,
    expiresAt,
    ...(athleteId !== undefined ? { athleteId } : {}),
    ...(extra.scopes !== undefined ? { scopes: extra.scopes } : {}),
  };
}

/**
 * Exchanges the callback's `code` for tokens. `scope` is the callback's
 * `scope` parameter (what the user actually granted); Strava's token answer
 * does not reliably carry it.
 */
export async function exchangeCode(options: {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  scope?: string;
  fetch?: Fetch;
}): Promise<StravaTokens & { athlete: StravaAthleteSummary; scopes: readonly string[] }> {
  const body = await postToken('authorization code', options, {
    client_id: options.clientId,
    client_secret: options.clientSecret,
    code: options.code,
    grant_type: 'authorization_code',
  });
  const scopeText = options.scope ?? (typeof body.scope === 'string' ? body.scope : undefined);
  if (scopeText === undefined) {
    throw new BandsyncError(
      'strava_scope_missing',
      'Cannot tell which scopes were granted: pass the callback\'s "scope" parameter to exchangeCode.',
    );
  }
  const scopes = parseScope(scopeText);
  checkScopes(scopes);
  const a = body.athlete ?? {};
  const athlete: StravaAthleteSummary = {
    id: String(a.id ?? ''),
    username: typeof a.username === 'string' ? a.username : null,
    firstname: typeof a.firstname === 'string' ? a.firstname : null,
    lastname: typeof a.lastname === 'string' ? a.lastname : null,
  };
  const tokens = toTokens(body, 'authorization code exchange', { scopes });
  return { ...tokens, athlete, scopes };
}

/**
 * Refresh grant. Strava may answer with a new refresh token, which kills the
 * old one at once: the caller must persist the result before anything else.
 */
export async function refreshTokens(options: {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Carried over: the refresh answer has neither athlete nor scopes. */
  previous?: Pick<StravaTokens, 'athleteId' | 'scopes'>;
  fetch?: Fetch;
}): Promise<StravaTokens> {
  const body = await postToken('token refresh', options, {
    client_id: options.clientId,
    client_secret: options.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: options.refreshToken,
  });
  return toTokens(body, 'token refresh', {
    ...(options.previous?.scopes !== undefined ? { scopes: options.previous.scopes } : {}),
    ...(options.previous?.athleteId !== undefined ? { athleteId: options.previous.athleteId } : {}),
  });
}

/** Revokes every token the application holds for the athlete. An already revoked token counts as done. */
export async function deauthorize(options: { baseUrl: string; accessToken: string; fetch?: Fetch }): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(endpoint(options.baseUrl, 'oauth/deauthorize'), {
      method: 'POST',
      headers: { authorization: `Bearer ${options.accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    if (err instanceof BandsyncError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new BandsyncError(
      'strava_unavailable',
      redact(`Strava deauthorize failed: ${reason}`, [options.accessToken]),
    );
  }
  const text = await res.text();
  if (res.ok || res.status === 401) return;
  if (res.status === 429) throw new BandsyncError('strava_rate_limited', 'Strava deauthorize: rate limited');
  throw new BandsyncError(
    'strava_unavailable',
    redact(`Strava deauthorize: ${describeFault(res.status, text)}`, [options.accessToken]),
  );
}

/**
 * Strava's newer revocation endpoint (RFC 7009 style, HTTP Basic client
 * credentials): revoking the refresh token ends the grant. Unknown tokens are
 * not an error; a server without the endpoint (404) is reported so the caller
 * can fall back to deauthorize().
 */
export async function revoke(options: {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  token: string;
  fetch?: Fetch;
}): Promise<'revoked' | 'unsupported'> {
  const doFetch = options.fetch ?? fetch;
  const secrets = [options.clientSecret, options.token];
  let res: Response;
  try {
    res = await doFetch(endpoint(options.baseUrl, 'oauth/revoke'), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: options.token, token_type_hint: 'refresh_token' }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new BandsyncError('strava_unavailable', redact(`Strava revoke failed: ${reason}`, secrets));
  }
  const text = await res.text();
  if (res.ok) return 'revoked';
  if (res.status === 404) return 'unsupported';
  if (res.status === 401)
    throw new BandsyncError(
      'strava_auth_revoked',
      redact(`Strava refused the revocation: ${describeFault(res.status, text)}`, secrets),
    );
  throw new BandsyncError('strava_unavailable', redact(`Strava revoke: ${describeFault(res.status, text)}`, secrets));
}
