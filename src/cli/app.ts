// Opens the composed application for one command and always closes it, so
// the embedded database's lock is released even when the command fails.
import type { App, AppOptions } from '../compose.js';
import type { Config } from '../config.js';
import type { LocalApiClient } from '../local-api/client.js';

export interface GlobalFlags {
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
}

export function flagsToConfig(flags: GlobalFlags): Partial<Config> {
  const out: Partial<Config> = {};
  if (flags.dataDir) out.dataDir = flags.dataDir;
  if (flags.databaseUrl) out.databaseUrl = flags.databaseUrl;
  return out;
}

let configFile: string | undefined;

let athleteName: string | undefined;

export const getConfigFile = (): string | undefined => configFile;

/** Set once from the global --config flag. */
export function setConfigFile(file: string | undefined): void {
  configFile = file;
}

/** The athlete named by the global --athlete flag, if any. */
export const getAthlete = (): string | undefined => athleteName;

/** Set once from the global --athlete flag. */
export function setAthlete(name: string | undefined): void {
  athleteName = name;
}

/** The config (file named by --config, environment), loaded on use: the config module is not light. */
export async function loadConfigFile(): Promise<Config> {
  const { loadConfig } = await import('../config.js');
  return loadConfig({ configFile });
}

/**
 * Opens the app for the athlete named by --athlete (else the only one).
 * `oneAthlete`: the command acts for one athlete, so with several and none
 * named it stops with a message listing them.
 */
export async function withApp<T>(
  options: AppOptions & { oneAthlete?: boolean },
  fn: (app: App) => Promise<T>,
): Promise<T> {
  // Loaded on use, so `--help` and file-only commands do not load the store and adapters.
  const { openApp } = await import('../compose.js');
  const { oneAthlete, ...rest } = options;
  const app = await openApp({ configFile, athlete: athleteName, ...rest });
  try {
    if (oneAthlete) await app.requireAthlete();
    return await fn(app);
  } finally {
    await app.close();
  }
}

/**
 * The running daemon's local API when a daemon holds the embedded database
 * (DESIGN §4.2), else null. On PostgreSQL every process opens the database
 * itself, so commands never go through a daemon there.
 */
export async function runningDaemon(): Promise<LocalApiClient | null> {
  // The cheap reading of dataDir/databaseUrl first: status through a daemon is meant to be instant (issue 17).
  const [{ locateDataDir }, { readDaemonFile }, { localApiClient }] = await Promise.all([
    import('../local-api/locate.js'),
    import('../local-api/discovery.js'),
    import('../local-api/client.js'),
  ]);
  const where = (await locateDataDir(configFile)) ?? (await loadConfigFile());
  if (where.databaseUrl) return null;
  const daemon = readDaemonFile(where.dataDir);
  return daemon ? localApiClient(daemon, athleteName) : null;
}

/**
 * Runs a command through the running daemon when there is one, else on the
 * database directly. These are the quick lookups and edits a daemon answers.
 */
export async function withDaemonOrApp<T>(
  viaDaemon: (api: LocalApiClient) => Promise<T>,
  direct: (app: App) => Promise<T>,
  options: { oneAthlete?: boolean } = {},
): Promise<T> {
  const api = await runningDaemon();
  return api ? viaDaemon(api) : withApp({ ...options, quick: true }, direct);
}
