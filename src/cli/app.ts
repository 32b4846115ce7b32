// Opens the composed application for one command and always closes it, so
// the embedded database's lock is released even when the command fails.
import type { App, AppOptions } from '../compose.js';
import type { Config } from '../config.js';

export interface GlobalFlags { dataDir?: string; databaseUrl?: string; config?: string }

export function flagsToConfig(flags: GlobalFlags): Partial<Config> {
  const out: Partial<Config> = {};
  if (flags.dataDir) out.dataDir = flags.dataDir;
  if (flags.databaseUrl) out.databaseUrl = flags.databaseUrl;
  return out;
}

let configFile: string | undefined;

export const getConfigFile = (): string | undefined => configFile;

/** Set once from the global --config flag. */
export function setConfigFile(file: string | undefined): void {
  configFile = file;
}

export async function withApp<T>(options: AppOptions, fn: (app: App) => Promise<T>): Promise<T> {
  // Loaded on use, so `--help` and file-only commands do not load the store and adapters.
  const { openApp } = await import('../compose.js');
  const app = await openApp({ configFile, ...options });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
