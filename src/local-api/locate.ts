// Where the data dir is, read the cheap way, for the commands a running daemon
// may answer (status, log, retry, skip, sync). The full config module (zod
// schema, every setting) costs about 90 ms to load; finding daemon.json needs
// two settings: dataDir and databaseUrl, with the same precedence (env > file >
// default). Anything this cannot read plainly (a config file that is missing
// or not valid TOML) returns undefined, and the caller loads the full config,
// which reports the problem with its line.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';

export interface Location {
  readonly dataDir: string;
  /** Set: commands open PostgreSQL themselves, never through a daemon. */
  readonly databaseUrl: string | undefined;
}

export async function locateDataDir(
  configFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Location | undefined> {
  const paths = envPaths('bandsync', { suffix: '' });
  const chosen = configFile ?? (env.BANDSYNC_CONFIG || undefined);
  const file = chosen ? path.resolve(chosen) : path.join(paths.config, 'config.toml');
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    const { parse } = await import('smol-toml');
    try {
      fromFile = parse(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  } else if (chosen) return undefined;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  if (fromFile.dataDir !== undefined && typeof fromFile.dataDir !== 'string') return undefined;
  return {
    dataDir: text(env.BANDSYNC_DATA_DIR) ?? text(fromFile.dataDir) ?? paths.data,
    databaseUrl: text(env.DATABASE_URL) ?? text(fromFile.databaseUrl),
  };
}
