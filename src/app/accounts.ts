// Connecting and disconnecting accounts (Strava, the Zepp cloud, local
// exports and folders), and the connected Strava athlete as the engine's
// destination. The same actions serve the CLI, the dashboard and the daemon.
import { accountSettings, newAccountSettings } from '../sync/account-settings.js';
import { BandsyncError } from '../sync/failures.js';
import type { Account, Clock, Logger, Store } from '../sync/ports.js';
import type {
  CheckExportOpens,
  MiFitnessLogin,
  StravaAuth,
  StravaConnection,
  StravaGrant,
  ZeppLogin,
} from './ports.js';

export interface AccountActions {
  connectStravaWithRefreshToken(input: {
    refreshToken: string;
    clientId?: string;
    clientSecret?: string;
  }): Promise<Account>;
  stravaAuthorizeUrl(input: { redirectUri: string; state: string; clientId?: string }): string;
  connectStravaWithCode(input: {
    code: string;
    scope?: string;
    clientId?: string;
    clientSecret?: string;
  }): Promise<Account>;
  /**
   * Sign in with Strava: exchanges the code without saving anything, so the
   * caller can first decide whose connection the grant is (its athlete id).
   */
  exchangeStravaCode(input: { code: string; scope?: string }): Promise<ExchangedStrava>;
  /** Saves an exchanged grant as this store's athlete's Strava connection. */
  connectStravaWithExchange(exchanged: ExchangedStrava): Promise<Account>;
  /** Revokes an exchanged grant that is not kept (a refused sign-in), so it holds no place in the app's athlete capacity. */
  discardStravaExchange(exchanged: ExchangedStrava): Promise<void>;
  connectZepp(
    input:
      | { appToken: string; userId: string; baseUrl?: string }
      | { email: string; password: string; baseUrl?: string; region?: string },
  ): Promise<Account>;
  /**
   * Connects a Mi Fitness account with e-mail + password, or with the final
   * address of the browser sign-in. When Xiaomi asks for a captcha, a code or
   * a device approval, nothing is saved and the browser sign-in is offered.
   */
  connectMiFitness(input: MiFitnessConnectInput): Promise<MiFitnessConnectOutcome>;
  /** Where the Mi Fitness browser sign-in starts. */
  miFitnessBrowserLoginUrl(baseUrl?: string): string;
  /** `secrets.password` is the export zip's password (zepp-export, mi-fitness-export); the zip is opened with it before anything is saved. */
  connectPath(
    kind: 'zepp-export' | 'gadgetbridge' | 'files' | 'mi-fitness-export',
    path: string,
    /** Gadgetbridge: the folder holding the GPX files it wrote. */
    extra?: { gpxDir?: string },
    secrets?: { password?: string },
  ): Promise<Account>;
  disconnect(accountId: string): Promise<void>;
  stravaClient(): Promise<StravaConnection>;
}

/** A Strava code exchanged for tokens, not yet saved; `athleteId` is the Strava athlete it belongs to. */
export interface ExchangedStrava {
  readonly athleteId: string;
  readonly firstName: string | null;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly grant: StravaGrant;
}

export type MiFitnessConnectInput = (
  { readonly email: string; readonly password: string } | { readonly callbackUrl: string; readonly email?: string }
) & {
  /** ISO country code: decides the regional host; without it the host is probed at the first sync. */
  readonly country?: string;
  /** One base URL for every Xiaomi host (simulator, proxy). */
  readonly baseUrl?: string;
};

export type MiFitnessConnectOutcome =
  | { readonly kind: 'connected'; readonly account: Account }
  | { readonly kind: 'browser_login'; readonly url: string; readonly reason: string };

export interface AccountDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: { readonly stravaClientId?: string; readonly stravaClientSecret?: string };
  readonly strava: StravaAuth;
  readonly zepp: ZeppLogin;
  readonly miFitness: MiFitnessLogin;
  readonly checkExportOpens: CheckExportOpens;
}

export function accountActions(deps: AccountDeps): AccountActions {
  const { store, clock, config } = deps;
  const stravaAccount = async () => {
    const connections = (await store.listAccounts()).filter((a) => a.kind === 'strava');
    // The store of several athletes (no athlete named) sees each one's: uploading to any of them could be the wrong one.
    if (connections.length > 1)
      throw new BandsyncError(
        'strava_not_connected',
        'Several athletes have a Strava connection: name the athlete (--athlete NAME) to use one',
      );
    return connections[0] ?? null;
  };
  const appCredentials = (account: Account | null, secrets: Record<string, string>) => {
    const clientId = (account ? accountSettings('strava', account).clientId : undefined) ?? config.stravaClientId ?? '';
    const clientSecret = secrets.clientSecret ?? config.stravaClientSecret ?? '';
    if (!clientId || !clientSecret)
      throw new BandsyncError(
        'strava_not_connected',
        'Strava app credentials missing: set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET (your own Strava API application; README, "Connect your real accounts") and restart bandsync.',
      );
    return { clientId, clientSecret };
  };

  // One client per connected account, so its token refresh and request count are shared.
  let cachedClient: { id: string; client: StravaConnection } | null = null;
  async function stravaClient(): Promise<StravaConnection> {
    const account = await stravaAccount();
    if (!account)
      throw new BandsyncError('strava_not_connected', 'No Strava account is connected: bandsync connect strava');
    if (account.status === 'needs_user')
      throw new BandsyncError(
        (account.problem as 'strava_auth_revoked') ?? 'strava_auth_revoked',
        `Strava needs you: ${account.problem}`,
      );
    if (cachedClient?.id === account.id) return cachedClient.client;
    const { clientId, clientSecret } = appCredentials(account, await store.getSecrets(account.id));
    const client = deps.strava.connect({ accountId: account.id, clientId, clientSecret });
    cachedClient = { id: account.id, client };
    return client;
  }

  async function saveStrava(clientId: string, clientSecret: string, grant: StravaGrant): Promise<Account> {
    const { tokens, firstName } = grant;
    const existing = await stravaAccount();
    const account = await store.saveAccount({
      id: existing?.id,
      kind: 'strava',
      label: `Strava athlete ${tokens.athleteId ?? ''}${firstName ? ` (${firstName})` : ''}`.trim(),
      settings: newAccountSettings('strava', {
        clientId,
        athleteId: tokens.athleteId,
        scopes: tokens.scopes ? [...tokens.scopes] : undefined,
        connectedAt: clock.now().toISOString(),
      }),
      secrets: { clientSecret, tokens: JSON.stringify(tokens) },
    });
    await store.setAccountStatus(account.id, 'ok', null);
    cachedClient = null;
    return account;
  }

  return {
    stravaClient,
    // Without the application's id and secret Strava answers its consent page with a bare 400:
    // say what to set instead (the secret is needed when the person comes back).
    stravaAuthorizeUrl: ({ redirectUri, state, clientId }) =>
      deps.strava.authorizeUrl({ clientId: clientId ?? appCredentials(null, {}).clientId, redirectUri, state }),
    async connectStravaWithRefreshToken({ refreshToken, clientId, clientSecret }) {
      const creds = appCredentials(null, clientSecret ? { clientSecret } : {});
      const id = clientId ?? creds.clientId;
      const grant = await deps.strava.refresh({ clientId: id, clientSecret: creds.clientSecret, refreshToken });
      return saveStrava(id, creds.clientSecret, { tokens: grant.tokens });
    },
    async connectStravaWithCode({ code, scope, clientId, clientSecret }) {
      const creds = appCredentials(null, clientSecret ? { clientSecret } : {});
      const id = clientId ?? creds.clientId;
      const grant = await deps.strava.exchangeCode({ clientId: id, clientSecret: creds.clientSecret, code, scope });
      return saveStrava(id, creds.clientSecret, grant);
    },
    async exchangeStravaCode({ code, scope }) {
      const creds = appCredentials(null, {});
      const grant = await deps.strava.exchangeCode({ ...creds, code, scope });
      const athleteId = grant.tokens.athleteId;
      if (!athleteId) throw new Error('Strava did not say which athlete signed in; try again.');
      return { athleteId: String(athleteId), firstName: grant.firstName ?? null, ...creds, grant };
    },
    connectStravaWithExchange: (x) => saveStrava(x.clientId, x.clientSecret, x.grant),
    discardStravaExchange: (x) => deps.strava.deauthorize(JSON.stringify(x.grant.tokens)),
    async connectZepp(input) {
      const credentials =
        'appToken' in input
          ? { appToken: input.appToken, userId: input.userId }
          : { email: input.email, password: input.password };
      const login = await deps.zepp.login(credentials, {
        baseUrl: input.baseUrl,
        region: 'region' in input ? input.region : undefined,
      });
      const existing = (await store.listAccounts()).find(
        (a) => a.kind === 'zepp-cloud' && a.settings.userId === login.userId,
      );
      const account = await store.saveAccount({
        id: existing?.id,
        kind: 'zepp-cloud',
        label: `Zepp ${login.userId}`,
        settings: newAccountSettings('zepp-cloud', {
          baseUrl: login.baseUrl,
          userId: login.userId,
          region: login.chinaRegion ? 'cn' : 'global',
          connectedAt: clock.now().toISOString(),
        }),
        // An address given explicitly (--url, the simulator) is trusted for this
        // account: kept sealed, so a changed database row cannot add to it.
        secrets: {
          appToken: login.appToken,
          ...(input.baseUrl ? { trustedOrigin: new URL(input.baseUrl).origin } : {}),
        },
      });
      await store.setAccountStatus(account.id, 'ok', null);
      return account;
    },
    miFitnessBrowserLoginUrl: (baseUrl) => deps.miFitness.browserLoginUrl(baseUrl),
    async connectMiFitness(input) {
      // A wrong country code must show before anything is sent.
      const region = input.country ? deps.miFitness.regionForCountry(input.country) : undefined;
      const signIn = await deps.miFitness.signIn(
        'callbackUrl' in input ? { callbackUrl: input.callbackUrl } : { email: input.email, password: input.password },
        { baseUrl: input.baseUrl },
      );
      if (signIn.kind === 'browser_login') return signIn;
      const existing = (await store.listAccounts()).find(
        (a) => a.kind === 'mi-fitness' && a.settings.userId === signIn.userId,
      );
      const known = existing ? accountSettings('mi-fitness', existing) : undefined;
      const email = input.email ?? known?.email;
      const account = await store.saveAccount({
        id: existing?.id,
        kind: 'mi-fitness',
        label: `Mi Fitness ${email ?? signIn.userId}`,
        settings: newAccountSettings('mi-fitness', {
          userId: signIn.userId,
          ...(email ? { email } : {}),
          ...(input.country ? { country: input.country.toUpperCase() } : {}),
          // A country decides the shard; else the one a previous probe found is kept.
          ...(region ? { region } : known?.region ? { region: known.region } : {}),
          ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}),
          connectedAt: clock.now().toISOString(),
        }),
        // An address given explicitly (--url, the simulator) is trusted for this
        // account: kept sealed, so a changed database row cannot add to it.
        secrets: {
          session: signIn.session,
          ...(input.baseUrl ? { trustedOrigin: new URL(input.baseUrl).origin } : {}),
        },
      });
      await store.setAccountStatus(account.id, 'ok', null);
      return { kind: 'connected', account };
    },
    async connectPath(kind, path, extra = {}, secrets = {}) {
      const existing = (await store.listAccounts()).find((a) => a.kind === kind && a.settings.path === path);
      const password = secrets.password || undefined;
      if (kind === 'zepp-export' || kind === 'mi-fitness-export') {
        // A wrong or missing password must show now, not as every workout failing later.
        await deps.checkExportOpens(
          kind,
          path,
          password ?? (existing ? (await store.getSecrets(existing.id)).password : undefined),
        );
      }
      return store.saveAccount({
        id: existing?.id,
        kind,
        label: `${kind} ${path}`,
        settings: newAccountSettings(kind, { path, ...extra, connectedAt: clock.now().toISOString() }),
        // Absent on a reconnect without --password: the stored one is kept.
        secrets: password !== undefined ? { password } : undefined,
      });
    },
    async disconnect(accountId) {
      const account = await store.getAccount(accountId);
      if (!account) throw new Error(`no account ${accountId}`);
      if (account.kind === 'strava') {
        const tokens = (await store.getSecrets(account.id)).tokens;
        // Revoke at Strava first; the tokens are deleted whatever it answers.
        if (tokens)
          await deps.strava
            .deauthorize(tokens)
            .catch((e: Error) => deps.logger.warn('deauthorize failed', { reason: e.message }));
        cachedClient = null;
      }
      await store.deleteAccount(accountId);
    },
  };
}
