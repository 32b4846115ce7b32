// The composition root: the ONLY module that names concrete adapters
// (DESIGN §4). Everything else depends on the ports in sync/ports.ts.
import { encodeFit, sportFamily, type Workout } from './core/index.js';
import { loadConfig, type Config } from './config.js';
import { configSecrets } from './config/mask.js';
import { systemClock, type WaitingClock } from './clock.js';
import { BandsyncError } from './sync/failures.js';
import type { Account, Destination, Logger, Source, Store, RateBudgetStore, Queue } from './sync/ports.js';
import type { EngineDeps, SportDecision } from './sync/deps.js';
import { reserveOnlyWhileUploadsWait } from './sync/read-reserve.js';
import { openStore, readLockHolder, type Db } from './store/index.js';
import { loadMigrations } from './store/migrate.js';
import { backupFromConfig, restoreFromConfig } from './store/backup.js';
import { baseDoctorDeps } from './observability/doctor-deps.js';
import type { DoctorDeps } from './observability/doctor.js';
import {
  createStravaClient,
  toStravaSport,
  exchangeCode,
  refreshTokens,
  deauthorize,
  buildAuthorizeUrl,
  type StravaClient,
  type StravaTokens,
} from './strava/index.js';
import { createZeppCloudSource, decodeZeppWorkout, loginZepp } from './sources/zepp-cloud/index.js';
import { applySportRules, type SportRule } from './sources/zepp-common/index.js';
import { createZeppExportSource } from './sources/zepp-export/index.js';
import { createGadgetbridgeSource } from './sources/gadgetbridge/index.js';
import { createFilesSource } from './sources/files/index.js';
import { createLogger } from './observability/logger.js';

export interface AppOptions {
  readonly flags?: Partial<Config>;
  readonly env?: NodeJS.ProcessEnv;
  /** Config file (else BANDSYNC_CONFIG or the per-user config.toml). */
  readonly configFile?: string;
  /** An already loaded config (doctor, backup); skips loading. */
  readonly config?: Config;
  readonly clock?: WaitingClock;
  readonly logger?: Logger;
  /** PostgreSQL schema (tests isolate themselves with it); else BANDSYNC_DB_SCHEMA, else 'bandsync'. */
  readonly schema?: string;
}

export interface App {
  readonly config: Config;
  readonly store: Store;
  readonly budget: RateBudgetStore;
  readonly queue: Queue;
  readonly deps: EngineDeps;
  readonly clock: WaitingClock;
  readonly logger: Logger;
  readonly storeKind: 'pglite' | 'postgres';
  /** The raw database, for store-side tools (doctor, backups). */
  readonly db: Db;
  readonly accounts: AccountActions;
  /** Mapping settings edited at run time (dashboard); mutate through saveMapping(). */
  readonly mapping: MappingSettings;
  readonly sportForWith: (rules: MappingSettings['rules']) => (w: Workout) => SportDecision;
  close(): Promise<void>;
}

/** Settings the dashboard edits while the daemon runs; read synchronously by the sport mapping. */
export interface MappingSettings {
  rules: { rawSport?: string; sport?: string; sportType: string }[];
  /** Per-workout sport_type chosen by the user, keyed by workoutKey(). */
  overrides: Record<string, string>;
  deviceName: string | null;
}

export const workoutKey = (w: Workout): string => `${w.source.kind}:${w.source.id}`;

async function loadMappingSettings(store: Store): Promise<MappingSettings> {
  return (await store.getSetting<MappingSettings>('mapping')) ?? { rules: [], overrides: {}, deviceName: null };
}

export async function saveMapping(app: App, patch: Partial<MappingSettings>): Promise<void> {
  Object.assign(app.mapping, patch);
  await app.store.setSetting('mapping', app.mapping);
}

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
  connectZepp(
    input:
      | { appToken: string; userId: string; baseUrl?: string }
      | { email: string; password: string; baseUrl?: string; region?: string },
  ): Promise<Account>;
  /** `secrets.password` is the export zip's password (zepp-export); the zip is opened with it before anything is saved. */
  connectPath(
    kind: 'zepp-export' | 'gadgetbridge' | 'files',
    path: string,
    extra?: Record<string, unknown>,
    secrets?: { password?: string },
  ): Promise<Account>;
  disconnect(accountId: string): Promise<void>;
  stravaClient(): Promise<StravaClient>;
  /** Strava requests this process has sent so far; 0 when Strava is not connected. */
  stravaRequestCount(): Promise<number>;
}

export async function openApp(options: AppOptions = {}): Promise<App> {
  const config =
    options.config ?? loadConfig({ env: options.env, flags: options.flags, configFile: options.configFile });
  const clock = options.clock ?? systemClock;
  // Secrets from the config are redacted by value, not only by field name.
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      json: config.logFormat === 'auto' ? undefined : config.logFormat === 'json',
      secrets: configSecrets(config),
    });
  const opened = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    secretKey: config.secretKey,
    schema: options.schema ?? (options.env ?? process.env).BANDSYNC_DB_SCHEMA,
    now: () => clock.now(),
  });
  const { store, budget, queue } = opened;

  const stravaSettings = async () => (await store.listAccounts()).find((a) => a.kind === 'strava') ?? null;
  const appCredentials = (account: Account | null, secrets: Record<string, string>) => {
    const clientId = String(account?.settings.clientId ?? config.stravaClientId ?? '');
    const clientSecret = secrets.clientSecret ?? config.stravaClientSecret ?? '';
    if (!clientId || !clientSecret)
      throw new BandsyncError(
        'strava_not_connected',
        'Strava app credentials missing: set STRAVA_CLIENT_ID and STRAVA_CLIENT_SECRET (your own Strava API application).',
      );
    return { clientId, clientSecret };
  };

  let cachedClient: { id: string; client: StravaClient } | null = null;
  async function stravaClient(): Promise<StravaClient> {
    const account = await stravaSettings();
    if (!account)
      throw new BandsyncError('strava_not_connected', 'No Strava account is connected: bandsync connect strava');
    if (account.status === 'needs_user')
      throw new BandsyncError(
        (account.problem as 'strava_auth_revoked') ?? 'strava_auth_revoked',
        `Strava needs you: ${account.problem}`,
      );
    if (cachedClient?.id === account.id) return cachedClient.client;
    const secrets = await store.getSecrets(account.id);
    const { clientId, clientSecret } = appCredentials(account, secrets);
    const client = createStravaClient({
      baseUrl: config.stravaUrl,
      clientId,
      clientSecret,
      budget: reserveOnlyWhileUploadsWait(budget, store),
      now: () => clock.now(),
      lock: (name, fn) => store.withLock(name, fn),
      // Reads (dashboard look-ups, polling) leave this much of each 15-min window to uploads.
      keepForUploads: 10,
      tokens: {
        load: async () => parseTokens((await store.getSecrets(account.id)).tokens),
        save: async (t) =>
          store.setSecrets(account.id, { ...(await store.getSecrets(account.id)), tokens: JSON.stringify(t) }),
      },
    });
    cachedClient = { id: account.id, client };
    return client;
  }

  const fileRules = config.sportRules.map((r): SportRule => ({ ...r.match, sportType: r.sportType, skip: r.skip }));
  const mapping = await loadMappingSettings(store);
  /** The sport decision for a workout under the given dashboard rules (previews pass other rules). */
  const sportForWith =
    (dashboard: MappingSettings['rules']) =>
    (w: Workout): SportDecision => {
      const override = mapping.overrides[workoutKey(w)];
      if (override)
        return {
          sportType: toStravaSport(w.sport, override).sportType,
          trainer: toStravaSport(w.sport).trainer || onTrainer(w),
        };
      // Dashboard rules come first, then the config file's; a dashboard rule names either the source's raw code or our sport.
      const dashboardRules = dashboard
        .filter((r) => r.rawSport !== undefined || r.sport === w.sport)
        .map((r): SportRule => ({ code: r.rawSport, sportType: r.sportType }));
      const outcome = applySportRules([...dashboardRules, ...fileRules], {
        code: w.rawSport ?? w.sport,
        device: w.device.name,
        hasGps: (w.samples.lat ?? []).some((v) => v !== null),
        name: w.name,
      });
      const mapped = toStravaSport(w.sport, outcome.kind === 'set' ? outcome.sportType : undefined);
      // Strict mode: a sport code we could not map waits for a rule instead of going up as "Workout".
      const unknown = config.strict && outcome.kind === 'none' && w.sport === 'other' && w.rawSport !== undefined;
      return {
        sportType: mapped.sportType,
        trainer: mapped.trainer || onTrainer(w),
        skipReason: outcome.kind === 'skip' ? `sport rule #${outcome.ruleIndex + 1} says skip` : undefined,
        ...(unknown ? { needsUser: 'sport_unknown' as const } : {}),
      };
    };
  const sportFor = (w: Workout): SportDecision => sportForWith(mapping.rules)(w);

  async function sourceFor(account: Account): Promise<Source> {
    const s = account.settings as Record<string, string | undefined>;
    switch (account.kind) {
      case 'zepp-cloud': {
        const secrets = await store.getSecrets(account.id);
        return createZeppCloudSource({
          baseUrl: s.baseUrl ?? config.zeppUrl ?? '',
          appToken: secrets.appToken ?? '',
          userId: s.userId ?? '',
          accountId: account.id,
          chinaRegion: s.region === 'cn',
        });
      }
      case 'zepp-export': {
        const { password } = await store.getSecrets(account.id);
        return createZeppExportSource({ zipPath: s.path ?? '', accountId: account.id, password });
      }
      case 'gadgetbridge':
        return createGadgetbridgeSource({ dbPath: s.path ?? '', gpxDir: s.gpxDir, accountId: account.id });
      case 'files': {
        const { password } = await store.getSecrets(account.id);
        return createFilesSource({ paths: [s.path ?? ''], accountId: account.id, password });
      }
      default:
        throw new Error(`account ${account.id} (${account.kind}) is not a source`);
    }
  }

  const deps: EngineDeps = {
    store,
    clock,
    logger,
    sportFor,
    sourceFor,
    destination: stravaClient as () => Promise<Destination>,
    encode: (w) => encodeFit(w, { deviceName: mapping.deviceName ?? config.deviceName }),
    random: Math.random,
    options: { hideFromHomeOlderThanDays: config.hideBackfillFromHome ? 30 : undefined },
  };

  const accounts: AccountActions = {
    stravaClient,
    async stravaRequestCount() {
      try {
        return (await stravaClient()).requestCount();
      } catch {
        return 0;
      }
    },
    stravaAuthorizeUrl: ({ redirectUri, state, clientId }) =>
      buildAuthorizeUrl({
        baseUrl: config.stravaUrl,
        clientId: clientId ?? config.stravaClientId ?? '',
        redirectUri,
        state,
      }),
    async connectStravaWithRefreshToken({ refreshToken, clientId, clientSecret }) {
      const creds = appCredentials(null, clientSecret ? { clientSecret } : {});
      const id = clientId ?? creds.clientId;
      const tokens = await refreshTokens({
        baseUrl: config.stravaUrl,
        clientId: id,
        clientSecret: creds.clientSecret,
        refreshToken,
      });
      return saveStrava(id, creds.clientSecret, tokens);
    },
    async connectStravaWithCode({ code, scope, clientId, clientSecret }) {
      const creds = appCredentials(null, clientSecret ? { clientSecret } : {});
      const id = clientId ?? creds.clientId;
      const tokens = await exchangeCode({
        baseUrl: config.stravaUrl,
        clientId: id,
        clientSecret: creds.clientSecret,
        code,
        scope,
      });
      return saveStrava(id, creds.clientSecret, tokens, tokens.athlete.firstname ?? undefined);
    },
    async connectZepp(input) {
      // A configured base URL (self-hosted proxy, the simulator) serves login and
      // data alike and is the only host credentials may go to; else the real
      // Zepp hosts, with the data region discovered from the token.
      const baseUrl = input.baseUrl ?? config.zeppUrl;
      const hosts = baseUrl
        ? { userHost: baseUrl, accountHost: baseUrl, dataHosts: [baseUrl], allowOrigins: [new URL(baseUrl).origin] }
        : {};
      const credentials =
        'appToken' in input
          ? { appToken: input.appToken, userId: input.userId }
          : { email: input.email, password: input.password };
      const login = await loginZepp(credentials, {
        ...hosts,
        ...('region' in input && input.region ? { region: input.region } : {}),
      });
      const existing = (await store.listAccounts()).find(
        (a) => a.kind === 'zepp-cloud' && a.settings.userId === login.userId,
      );
      const account = await store.saveAccount({
        id: existing?.id,
        kind: 'zepp-cloud',
        label: `Zepp ${login.userId}`,
        settings: {
          baseUrl: login.baseUrl,
          userId: login.userId,
          region: login.chinaRegion ? 'cn' : 'global',
          connectedAt: clock.now().toISOString(),
        },
        secrets: { appToken: login.appToken },
      });
      await store.setAccountStatus(account.id, 'ok', null);
      return account;
    },
    async connectPath(kind, path, extra = {}, secrets = {}) {
      const existing = (await store.listAccounts()).find((a) => a.kind === kind && a.settings.path === path);
      const password = secrets.password || undefined;
      if (kind === 'zepp-export') {
        // A wrong or missing password must show now, not as every workout failing later.
        await checkExportOpens(
          path,
          password ?? (existing ? (await store.getSecrets(existing.id)).password : undefined),
        );
      }
      return store.saveAccount({
        id: existing?.id,
        kind,
        label: `${kind} ${path}`,
        settings: { path, ...extra, connectedAt: clock.now().toISOString() },
        // Absent on a reconnect without --password: the stored one is kept.
        secrets: password !== undefined ? { password } : undefined,
      });
    },
    async disconnect(accountId) {
      const account = await store.getAccount(accountId);
      if (!account) throw new Error(`no account ${accountId}`);
      if (account.kind === 'strava') {
        const tokens = parseTokens((await store.getSecrets(account.id)).tokens);
        // Revoke at Strava first; the tokens are deleted whatever it answers.
        if (tokens)
          await deauthorize({ baseUrl: config.stravaUrl, accessToken: tokens.accessToken }).catch((e: Error) =>
            logger.warn('deauthorize failed', { reason: e.message }),
          );
        cachedClient = null;
      }
      await store.deleteAccount(accountId);
    },
  };

  async function saveStrava(
    clientId: string,
    clientSecret: string,
    tokens: StravaTokens,
    name?: string,
  ): Promise<Account> {
    const existing = await stravaSettings();
    const account = await store.saveAccount({
      id: existing?.id,
      kind: 'strava',
      label: `Strava athlete ${tokens.athleteId ?? ''}${name ? ` (${name})` : ''}`.trim(),
      settings: {
        clientId,
        athleteId: tokens.athleteId,
        scopes: tokens.scopes,
        connectedAt: clock.now().toISOString(),
      },
      secrets: { clientSecret, tokens: JSON.stringify(tokens) },
    });
    await store.setAccountStatus(account.id, 'ok', null);
    cachedClient = null;
    return account;
  }

  return {
    config,
    store,
    budget,
    queue,
    deps,
    clock,
    logger,
    accounts,
    mapping,
    sportForWith,
    storeKind: opened.kind,
    db: opened.db,
    close: () => opened.close(),
  };
}

/** Reads the whole export listing once: the zip's reason (wrong password, not an export) surfaces here, never the password. */
async function checkExportOpens(zipPath: string, password: string | undefined): Promise<void> {
  const source = createZeppExportSource({ zipPath, accountId: 'connect-check', password });
  for await (const ref of source.list({})) void ref;
}

/**
 * Strava's trainer flag means "on a stationary machine". An indoor workout is
 * one, except a pool swim: indoor, but Strava's own apps upload it without
 * the flag (found by test/zepp-e2e/sport-shapes.test.ts).
 */
function onTrainer(w: Workout): boolean {
  return w.indoor && sportFamily(w.sport) !== 'swim';
}

function parseTokens(raw: string | undefined): StravaTokens | null {
  if (!raw) return null;
  return JSON.parse(raw) as StravaTokens;
}

/** Folder watching for `bandsync watch` and the daemon's watched folder. */
export { watchDirectory } from './sources/files/index.js';

/** Extra decoders for `inspect`/`convert`: a Zepp workout JSON ({summary, detail} as the API returns them). */
export const extraFileDecoders = [
  (bytes: Uint8Array, fileName: string) => {
    if (!/\.json$/i.test(fileName)) return null;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      return { ok: false as const, error: `${fileName}: not valid JSON (${(err as Error).message})`, issues: [] };
    }
    if (!json || typeof json !== 'object' || !('summary' in json) || !('detail' in json)) {
      return {
        ok: false as const,
        error: `${fileName}: a Zepp workout JSON needs "summary" and "detail" objects`,
        issues: [],
      };
    }
    return decodeZeppWorkout(json as { summary: unknown; detail: unknown });
  },
];

/** `bandsync backup` / `restore`: the store-side work, handed to the CLI. */
export const backupOps = { backup: backupFromConfig, restore: restoreFromConfig };

/**
 * `bandsync doctor`'s dependencies: the base checks, plus the database-backed
 * ones when the database can be opened here (not while the daemon holds the
 * embedded data dir: those checks then say "skip" with the reason).
 */
export async function makeDoctorDeps(config: Config): Promise<{ deps: DoctorDeps; close(): Promise<void> }> {
  // The doctor opens the data dir itself below; its own lock is not a finding.
  const othersLock = (dir: string) => {
    const h = readLockHolder(dir);
    return h && h.pid === process.pid ? null : h;
  };
  const base = baseDoctorDeps(config, othersLock);
  if (!config.databaseUrl && readLockHolder(config.dataDir)?.alive) return { deps: base, close: async () => {} };
  let app: App;
  try {
    app = await openApp({ config, logger: createLogger({ level: 'error' }) });
  } catch (err) {
    return {
      deps: {
        ...base,
        database: async () => {
          throw err;
        },
      },
      close: async () => {},
    };
  }
  const available = (await loadMigrations()).map((m) => m.version);
  const deps: DoctorDeps = {
    ...base,
    database: async () => {
      const rows = await app.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      return {
        kind: app.storeKind,
        where: app.storeKind === 'pglite' ? config.dataDir : 'DATABASE_URL',
        applied: rows.map((r) => Number(r.version)),
        available,
      };
    },
    accounts: () => app.store.listAccounts(),
    probeZepp: async (account) => {
      const source = await app.deps.sourceFor(account);
      for await (const _ of source.list({ since: app.clock.now().toISOString() })) break;
    },
    probeStrava: async () => {
      const client = await app.accounts.stravaClient();
      await client.athlete();
      const account = (await app.store.listAccounts()).find((a) => a.kind === 'strava');
      return { scopes: (account?.settings.scopes as string[] | undefined) ?? [] };
    },
    rateBudget: () => app.budget.snapshot(app.clock.now()),
  };
  return { deps, close: () => app.close() };
}
