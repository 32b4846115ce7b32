// bandsync config check | show | hash-password: validate the configuration (file
// + env), print the effective values with where each came from, secrets masked,
// and hash a dashboard password so only the hash needs to be kept.
import type { Command } from 'commander';
import { getConfigFile } from '../app.js';
import type { LoadedConfig } from '../../config.js';

// The config module (zod, TOML) loads when a subcommand runs, not at every start.
const configModule = () => import('../../config.js');

interface Opts {
  config?: string;
  json?: boolean;
}

async function load(opts: Opts): Promise<LoadedConfig> {
  const { loadConfigDetailed } = await configModule();
  // The global --config (bandsync --config F config check) and this command's own both work.
  return loadConfigDetailed({ configFile: opts.config ?? getConfigFile() });
}

/** Flattens to dotted keys so every line says `key = value  (origin)`. */
function flatten(value: unknown, prefix = ''): [string, unknown][] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, value]];
}

export function register(program: Command): void {
  const config = program.command('config').description('Check or show the configuration (file, environment, flags)');

  config
    .command('check')
    .description('Validate the config file and environment; exit 1 with every problem and its line')
    .option('--config <file>', 'config file (default: BANDSYNC_CONFIG or the per-user config.toml)')
    .action(async (opts: Opts) => {
      const { ConfigError, defaultConfigFile } = await configModule();
      try {
        const loaded = await load(opts);
        process.stdout.write(
          `config OK (${loaded.file ?? `no file; ${defaultConfigFile()} does not exist — defaults and environment only`})\n`,
        );
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 1;
      }
    });

  config
    .command('show')
    .description('Print the effective configuration, secrets masked')
    .option('--config <file>', 'config file (default: BANDSYNC_CONFIG or the per-user config.toml)')
    .option('--json', 'print one JSON object')
    .action(async (opts: Opts) => {
      const [{ describeOrigin }, { maskConfig }] = await Promise.all([configModule(), import('../../config/mask.js')]);
      const loaded = await load(opts);
      const masked = maskConfig(loaded.config);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ file: loaded.file, config: masked }, null, 2) + '\n');
        return;
      }
      const lines = [`# file: ${loaded.file ?? '(none)'}`];
      for (const [key, value] of flatten(masked)) {
        const origin = loaded.origins.get(key);
        lines.push(`${key} = ${JSON.stringify(value)}${origin ? `  # ${describeOrigin(origin)}` : '  # default'}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });

  config
    .command('hash-password')
    .description(
      'Print the scrypt hash of a dashboard password (read from stdin or BANDSYNC_DASHBOARD_PASSWORD), to keep only the hash in BANDSYNC_DASHBOARD_PASSWORD',
    )
    .action(async () => {
      const plain =
        process.env.BANDSYNC_DASHBOARD_PASSWORD ||
        (process.stdin.isTTY ? '' : (await readStdin()).replace(/\r?\n$/, ''));
      if (!plain)
        throw new Error(
          "no password given: pipe it in (printf '%s' 'your password' | bandsync config hash-password) or set BANDSYNC_DASHBOARD_PASSWORD",
        );
      const { hashPassword, isPasswordHash } = await import('../../server/password.js');
      if (isPasswordHash(plain)) throw new Error('that is already a scrypt hash; give the plain password');
      process.stdout.write((await hashPassword(plain)) + '\n');
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
