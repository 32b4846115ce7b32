// The composition root: the ONLY module that names concrete adapters
// (DESIGN §4). It builds the objects and wires them together; what the
// application does lives in src/app/, which sees the adapters through ports.
import type { DecodeResult } from './core/workout/types.js';
import { loadConfig, type Config } from './config.js';
import { configSecrets } from './config/mask.js';
import { clockFromEnv, type WaitingClock } from './clock.js';
import type {
  Account,
  Athlete,
  Athletes,
  DashboardAccess,
  Logger,
  Source,
  Store,
  RateBudgetStore,
  Queue,
} from './sync/ports.js';
import type { EngineDeps } from './sync/deps.js';
import { accountSettings } from './sync/account-settings.js';
import { reserveOnlyWhileUploadsWait } from './sync/read-reserve.js';
import { openStore, readLockHolder, SeveralAthletesError, type Db } from './store/index.js';
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
  createPushSubscription,
  deletePushSubscription,
  type StravaRequest,
  type StravaTokens,
} from './strava/index.js';
import { isMiRegion, miHosts, regionForCountry } from './sources/mi-fitness/regions.js';
import { createPassport, MiLoginChallenge } from './sources/mi-fitness/passport.js';
import type { WatchDirectory } from './app/ports.js';
import { createLogger } from './observability/logger.js';
import { requestTally } from './observability/request-tally.js';
import { accountActions, type AccountActions } from './app/accounts.js';
import type { AppContext } from './app/context.js';
import { doctorProbes } from './app/doctor.js';
import { countListed } from './app/source-listing.js';
import { oldestHeld, rememberMiRegion } from './app/source-state.js';
import type { MiFitnessLogin, StravaAuth, StravaPushSubscriptions, ZeppLogin } from './app/ports.js';
import { loadMappingSettings, sportPolicy } from './app/sport-mapping.js';
import type { SportRule } from './app/sport-rules.js';
import { privacySettings } from './app/settings.js';
import { BACKFILL_DAYS } from './sync/activity-updates.js';

export type { AccountActions } from './app/accounts.js';

// Adapters that only some commands use load when first used, not with this
// module: `status`, `log` and the dashboard's pages never read a source or
// encode a FIT file, and loading every source with its parsers (zip, XML, the
// FIT SDK) was about a third of a `bandsync status` start (issue 17).
const zeppCloud = () => import('./sources/zepp-cloud/index.js');
const miFitness = () => import('./sources/mi-fitness/index.js');
const fitEncoder = () => import('./core/formats/fit/encode.js');

const watchDirectory: WatchDirectory = async (dir, onFile, options) =>
  (await import('./sources/files/index.js')).watchDirectory(dir, onFile, options);
export type { MappingSettings } from './app/sport-mapping.js';

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
  /** The athlete to act for (--athlete NAME); else the only athlete, or all of them where a command covers all. */
  readonly athlete?: string;
  /** A command that runs a few queries and exits (status, log, athlete …): the embedded database starts for that. */
  readonly quick?: boolean;
}

export interface App extends AppContext {
  readonly athletes: Athletes;
  /** Dashboard sessions and athlete invites, in the database. */
  readonly access: DashboardAccess;
  /** The athlete named by --athlete, else the only one; null when there is none yet or several. */
  readonly athlete: Athlete | null;
  /** The application as one athlete sees it: the same database, queue and Strava budget, that athlete's rows only. */
  forAthlete(athlete: Athlete): Promise<AppContext>;
  /** forAthlete by name; an unknown name is an error listing the athletes. */
  forAthleteNamed(name: string): Promise<AppContext>;
  /** For a command that acts for one athlete: with several and none named, stops with a message listing them. */
  requireAthlete(): Promise<void>;
  readonly queue: Queue;
  /** The Strava application's webhook subscription (Webhook Events API). */
  readonly pushSubscriptions: StravaPushSubscriptions;
  readonly storeKind: 'pglite' | 'postgres';
  /** The raw database, for store-side tools (doctor, backups). */
  readonly db: Db;
  close(): Promise<void>;
}

export async function openApp(options: AppOptions = {}): Promise<App> {
  const config =
    options.config ?? loadConfig({ env: options.env, flags: options.flags, configFile: options.configFile });
  // Test hook: real processes of crash drills let waits pass at once, as the demo does; the
  // multi-process drain test shares a scaled clock (clock.ts). Unset: the real clock.
  const clock = options.clock ?? clockFromEnv((options.env ?? process.env).BANDSYNC_TEST_CLOCK);
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
    stravaLimits: config.stravaLimits,
    quick: options.quick,
    // A scaled test clock: pg-boss compares startAfter with the database's real clock.
    ...(clock.toReal ? { queue: { toReal: (at: Date) => clock.toReal!(at) } } : {}),
  });
  const { budget, queue, athletes } = opened;
  const stravaRequests = requestTally();

  const named = async (name: string): Promise<Athlete> => {
    const all = await athletes.list();
    const found = all.find((a) => a.name === name);
    if (!found)
      throw new Error(
        `no athlete named ${JSON.stringify(name)}: ${all.length ? `the athletes are ${all.map((a) => a.name).join(', ')}` : 'there are none yet'} (bandsync athlete add NAME)`,
      );
    return found;
  };
  let athlete: Athlete | null = null;
  let store = opened.store;
  try {
    if (options.athlete !== undefined) {
      athlete = await named(options.athlete);
      store = athletes.scoped(athlete.id);
    } else {
      const all = await athletes.list();
      if (all.length === 1) athlete = all[0]!;
    }
  } catch (err) {
    await opened.close();
    throw err;
  }

  const contextFor = (scoped: Store) =>
    athleteContext({ config, clock, logger, budget, stravaRequests, store: scoped, athletes });
  const base = await contextFor(store);
  // Queue jobs of several athletes run on their athlete's engine: one per athlete and process,
  // so its Strava client (single-flight token refresh) is shared by that athlete's jobs.
  const engines = new Map<string, Promise<EngineDeps>>();
  const context: AppContext = {
    ...base,
    deps: {
      ...base.deps,
      athletes: {
        ids: async () => (await athletes.list()).map((a) => a.id),
        deps: (athleteId) => {
          let engine = engines.get(athleteId);
          if (!engine) {
            engine = contextFor(athletes.scoped(athleteId)).then((c) => c.deps);
            engines.set(athleteId, engine);
          }
          return engine;
        },
      },
    },
  };
  return {
    ...context,
    athletes,
    access: opened.access,
    athlete,
    forAthlete: (a) => contextFor(athletes.scoped(a.id)),
    forAthleteNamed: async (name) => contextFor(athletes.scoped((await named(name)).id)),
    async requireAthlete() {
      if (athlete) return;
      const names = (await athletes.list()).map((a) => a.name);
      if (names.length > 1) throw new SeveralAthletesError(names);
    },
    queue,
    pushSubscriptions: {
      create: (input) => createPushSubscription({ baseUrl: config.stravaUrl, ...input }),
      remove: (input) => deletePushSubscription({ baseUrl: config.stravaUrl, ...input }),
    },
    storeKind: opened.kind,
    db: opened.db,
    close: () => opened.close(),
  };
}

/** What one athlete's use cases work on: their store, sport mapping, accounts and engine. */
async function athleteContext(base: {
  config: Config;
  clock: WaitingClock;
  logger: Logger;
  budget: RateBudgetStore;
  stravaRequests: ReturnType<typeof requestTally>;
  store: Store;
  athletes: Athletes;
}): Promise<AppContext> {
  const { config, clock, logger, budget, stravaRequests, store } = base;
  const mapping = await loadMappingSettings(store);
  const sportForWith = sportPolicy({
    mapping,
    fileRules: config.sportRules.map((r): SportRule => ({ ...r.match, sportType: r.sportType, skip: r.skip })),
    strict: config.strict,
    destinationSport: toStravaSport,
  });
  const accounts = accountActions({
    store,
    clock,
    logger,
    config,
    strava: stravaAuth(config, store, budget, clock, stravaRequests.record),
    zepp: zeppLogin(config),
    miFitness: miFitnessLogin(config),
    checkExportOpens: (kind, zipPath, password) => checkExportOpens(kind, zipPath, password, config.limits),
  });

  const deps: EngineDeps = {
    store,
    clock,
    logger,
    sportFor: (w) => sportForWith(mapping.rules)(w),
    sourceFor: (account) => sourceFor(account, store, config),
    destination: accounts.stravaClient,
    encode: async (w) => (await fitEncoder()).encodeFit(w, { deviceName: mapping.deviceName ?? config.deviceName }),
    random: Math.random,
    // Read at every upload and update: a change saved in the dashboard applies at once, in every process.
    hideBackfillFromHome: async () => (await privacySettings({ store, config })).hideBackfillFromHome,
    reloadSettings: async () => void Object.assign(mapping, await loadMappingSettings(store)),
    options: {
      hideFromHomeOlderThanDays: BACKFILL_DAYS,
      maxSamples: config.limits.samples,
    },
  };

  return {
    config,
    store,
    budget,
    deps,
    clock,
    logger,
    accounts: linkStravaAthlete(accounts, store, base.athletes),
    mapping,
    sportForWith,
    stravaRequests,
    watchDirectory,
  };
}

/**
 * Connecting Strava records the Strava athlete on the bandsync athlete: one
 * Strava account cannot be connected to two athletes (the column is unique).
 * A refresh-token grant does not say whose token it is: one read (GET
 * /athlete) asks Strava, else the same account could be connected twice.
 */
function linkStravaAthlete(accounts: AccountActions, store: Store, athletes: Athletes): AccountActions {
  const link = async (account: Account): Promise<Account> => {
    const known = account.settings.athleteId;
    const stravaId =
      known === undefined || known === null ? (await (await accounts.stravaClient()).athlete()).id : String(known);
    if (!stravaId) return account;
    const everyone = await athletes.list();
    for (const a of everyone) {
      if (!(await athletes.scoped(a.id).getAccount(account.id))) continue;
      const holder = everyone.find((other) => other.id !== a.id && other.stravaAthleteId === stravaId);
      if (!holder) {
        try {
          await athletes.setStravaAthleteId(a.id, stravaId);
          continue;
        } catch {
          // Connected to another athlete in the meantime (the unique column says so): refused below.
        }
      }
      // Its tokens are left alone at Strava: revoking them would cut off the other athlete too.
      await store.deleteAccount(account.id);
      const owner = holder ?? (await athletes.list()).find((o) => o.id !== a.id && o.stravaAthleteId === stravaId);
      throw new Error(
        `Strava athlete ${stravaId} is already connected to ${owner ? `athlete ${owner.name}` : 'another bandsync athlete'}: a Strava account belongs to one athlete; disconnect it there first (bandsync disconnect strava --athlete ${owner?.name ?? 'NAME'})`,
      );
    }
    return account;
  };
  return {
    ...accounts,
    connectStravaWithCode: async (input) => link(await accounts.connectStravaWithCode(input)),
    connectStravaWithRefreshToken: async (input) => link(await accounts.connectStravaWithRefreshToken(input)),
    connectStravaWithExchange: async (input) => link(await accounts.connectStravaWithExchange(input)),
  };
}

/** Strava's OAuth and API client, on the configured Strava and the shared rate budget. */
function stravaAuth(
  config: Config,
  store: Store,
  budget: RateBudgetStore,
  clock: WaitingClock,
  onRequest: (request: StravaRequest) => void,
): StravaAuth {
  const baseUrl = config.stravaUrl;
  const grant = (tokens: StravaTokens, firstName?: string) => ({ tokens, firstName });
  return {
    authorizeUrl: (input) => buildAuthorizeUrl({ baseUrl, ...input }),
    exchangeCode: async (input) => {
      const tokens = await exchangeCode({ baseUrl, ...input });
      return grant(tokens, tokens.athlete.firstname ?? undefined);
    },
    refresh: async (input) => grant(await refreshTokens({ baseUrl, ...input })),
    deauthorize: async (stored) => {
      const tokens = parseTokens(stored);
      if (tokens) await deauthorize({ baseUrl, accessToken: tokens.accessToken });
    },
    connect: ({ accountId, clientId, clientSecret }) =>
      createStravaClient({
        baseUrl,
        clientId,
        clientSecret,
        budget: reserveOnlyWhileUploadsWait(budget, store),
        now: () => clock.now(),
        lock: (name, fn) => store.withLock(name, fn),
        // Reads (dashboard look-ups, polling) leave this much of each 15-min window to uploads.
        keepForUploads: 10,
        onRequest,
        tokens: {
          load: async () => parseTokens((await store.getSecrets(accountId)).tokens),
          save: async (t) =>
            store.setSecrets(accountId, { ...(await store.getSecrets(accountId)), tokens: JSON.stringify(t) }),
        },
      }),
  };
}

/**
 * A configured base URL (self-hosted proxy, the simulator) serves login and
 * data alike and is the only host credentials may go to; else the real Zepp
 * hosts, with the data region discovered from the token.
 */
function zeppLogin(config: Config): ZeppLogin {
  return {
    login: async (credentials, options) => {
      const baseUrl = options.baseUrl ?? config.zeppUrl;
      const hosts = baseUrl
        ? { userHost: baseUrl, accountHost: baseUrl, dataHosts: [baseUrl], allowOrigins: [new URL(baseUrl).origin] }
        : {};
      return (await zeppCloud()).loginZepp(credentials, {
        ...hosts,
        ...(options.region ? { region: options.region } : {}),
      });
    },
  };
}

/** The Xiaomi passport for Mi Fitness; a configured base URL stands for every Xiaomi host. */
function miFitnessLogin(config: Config): MiFitnessLogin {
  const passport = (baseUrl?: string) => createPassport({ hosts: miHosts(baseUrl ?? config.miFitnessUrl) });
  return {
    async signIn(credentials, options) {
      try {
        const session =
          'callbackUrl' in credentials
            ? await passport(options.baseUrl).completeBrowserLogin(credentials.callbackUrl)
            : await passport(options.baseUrl).loginWithPassword(credentials);
        return { kind: 'ok', userId: session.userId, session: JSON.stringify(session) };
      } catch (err) {
        if (err instanceof MiLoginChallenge)
          return { kind: 'browser_login', url: err.browserLoginUrl, reason: err.message };
        throw err;
      }
    },
    browserLoginUrl: (baseUrl) => passport(baseUrl).browserLoginUrl(),
    regionForCountry,
  };
}

async function sourceFor(account: Account, store: Store, config: Config): Promise<Source> {
  switch (account.kind) {
    case 'zepp-cloud': {
      const s = accountSettings('zepp-cloud', account);
      const secrets = await store.getSecrets(account.id);
      return (await zeppCloud()).createZeppCloudSource({
        baseUrl: s.baseUrl ?? config.zeppUrl ?? '',
        appToken: secrets.appToken ?? '',
        // Besides the real Zepp hosts: the configured address and the one given at connect.
        allowOrigins: [config.zeppUrl, secrets.trustedOrigin].filter((o): o is string => Boolean(o)),
        userId: s.userId,
        accountId: account.id,
        chinaRegion: s.region === 'cn',
        limits: config.limits,
      });
    }
    case 'zepp-export': {
      const { password } = await store.getSecrets(account.id);
      const { path } = accountSettings('zepp-export', account);
      const { createZeppExportSource } = await import('./sources/zepp-export/index.js');
      return createZeppExportSource({ zipPath: path, accountId: account.id, password, limits: config.limits });
    }
    case 'mi-fitness': {
      const s = accountSettings('mi-fitness', account);
      const secrets = await store.getSecrets(account.id);
      const { createMiFitnessSource, parseStoredSession } = await miFitness();
      const readSession = async () => parseStoredSession((await store.getSecrets(account.id)).session);
      return createMiFitnessSource({
        accountId: account.id,
        limits: config.limits,
        session: await readSession(),
        baseUrl: s.baseUrl ?? config.miFitnessUrl,
        // Besides the real Xiaomi hosts: the configured address and the one given at connect.
        allowOrigins: [config.miFitnessUrl, secrets.trustedOrigin].filter((o): o is string => Boolean(o)),
        region: isMiRegion(s.region) ? s.region : undefined,
        country: s.country,
        // The passToken refresh runs once across processes; the others find the fresh session stored.
        lock: (fn) => store.withLock(`mi-fitness-session:${account.id}`, fn),
        loadSession: readSession,
        saveSession: async (session) =>
          store.setSecrets(account.id, { ...(await store.getSecrets(account.id)), session: JSON.stringify(session) }),
        saveRegion: (region) => rememberMiRegion(store, account.id, region),
        oldestHeld: () => oldestHeld(store, account.id, 'mi_fitness_detail_missing'),
        allowSummaryOnly: config.summaryOnlyUploads,
        ...(config.miFitnessPayloadDir ? { payloadDir: config.miFitnessPayloadDir } : {}),
      });
    }
    case 'mi-fitness-export': {
      const { password } = await store.getSecrets(account.id);
      const { createMiFitnessExportSource } = await import('./sources/mi-fitness-export/index.js');
      return createMiFitnessExportSource({
        zipPath: accountSettings('mi-fitness-export', account).path,
        accountId: account.id,
        password,
        allowSummaryOnly: config.summaryOnlyUploads,
        limits: config.limits,
      });
    }
    case 'gadgetbridge': {
      const { path, gpxDir } = accountSettings('gadgetbridge', account);
      const { createGadgetbridgeSource } = await import('./sources/gadgetbridge/index.js');
      return createGadgetbridgeSource({ dbPath: path, gpxDir, accountId: account.id, limits: config.limits });
    }
    case 'files': {
      const { password } = await store.getSecrets(account.id);
      const { path } = accountSettings('files', account);
      const { createFilesSource } = await import('./sources/files/index.js');
      return createFilesSource({ paths: [path], accountId: account.id, password, limits: config.limits });
    }
    default:
      throw new Error(`account ${account.id} (${account.kind}) is not a source`);
  }
}

/** Reads the whole export listing once: the zip's reason (wrong password, not an export) surfaces here, never the password. */
async function checkExportOpens(
  kind: 'zepp-export' | 'mi-fitness-export',
  zipPath: string,
  password: string | undefined,
  limits: Config['limits'],
): Promise<void> {
  const source =
    kind === 'zepp-export'
      ? (await import('./sources/zepp-export/index.js')).createZeppExportSource({
          zipPath,
          accountId: 'connect-check',
          password,
          limits,
        })
      : (await import('./sources/mi-fitness-export/index.js')).createMiFitnessExportSource({
          zipPath,
          accountId: 'connect-check',
          password,
          limits,
        });
  await countListed(source, {});
}

function parseTokens(raw: string | undefined): StravaTokens | null {
  if (!raw) return null;
  return JSON.parse(raw) as StravaTokens;
}

/**
 * Extra decoders for `inspect`/`convert`: a Zepp workout JSON ({summary, detail} as the API returns them),
 * or a saved Mi Fitness payload ({miFitness: {envelope, records, gps}}). Loaded only for a `.json` file.
 */
export async function loadExtraFileDecoders() {
  const [{ decodeZeppWorkout }, { decodeMiFitnessPayload, isMiFitnessPayload }, { overBudget }] = await Promise.all([
    zeppCloud(),
    miFitness(),
    import('./core/formats/codec.js'),
  ]);
  const decodeZeppJson = (json: unknown, fileName: string): DecodeResult => {
    if (!json || typeof json !== 'object' || !('summary' in json) || !('detail' in json)) {
      return {
        ok: false as const,
        error: `${fileName}: a Zepp workout JSON needs "summary" and "detail" objects (a saved Mi Fitness payload: "miFitness")`,
        issues: [],
      };
    }
    return decodeZeppWorkout(json as { summary: unknown; detail: unknown });
  };
  return [
    (bytes: Uint8Array, fileName: string, limits: Config['limits']) => {
      if (!/\.json$/i.test(fileName)) return null;
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch (err) {
        return { ok: false as const, error: `${fileName}: not valid JSON (${(err as Error).message})`, issues: [] };
      }
      const decoded = isMiFitnessPayload(json) ? decodeMiFitnessPayload(json) : decodeZeppJson(json, fileName);
      return decoded.ok && decoded.workout.samples.t.length > limits.samples
        ? overBudget(fileName, { limit: 'samples', what: 'the number of samples' }, limits)
        : decoded;
    },
  ];
}

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
    ...doctorProbes(app),
  };
  return { deps, close: () => app.close() };
}
