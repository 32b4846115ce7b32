// Typed, validated configuration: flag > env > file > default.
// Issue #9 extends this with the config file; the shape below is the contract
// the rest of the code reads.
import { z } from 'zod';
import envPaths from 'env-paths';

export const ConfigSchema = z.object({
  dataDir: z.string().describe('Where the embedded database, key file and lock live. Env: BANDSYNC_DATA_DIR'),
  databaseUrl: z.string().optional().describe('PostgreSQL server URL; unset = embedded PGlite in dataDir. Env: DATABASE_URL'),
  secretKey: z.string().optional().describe('Key for encrypting tokens at rest (base64, 32 bytes); unset = generated key file. Env: BANDSYNC_SECRET_KEY'),
  zeppUrl: z.string().url().optional().describe('Zepp cloud API base URL; unset = discovered from the account region. Env: BANDSYNC_ZEPP_URL'),
  stravaUrl: z.string().url().default('https://www.strava.com').describe('Strava base URL for OAuth and API paths. Env: BANDSYNC_STRAVA_URL'),
  stravaClientId: z.string().optional().describe('Your Strava API application client id. Env: STRAVA_CLIENT_ID'),
  stravaClientSecret: z.string().optional().describe('Your Strava API application client secret. Env: STRAVA_CLIENT_SECRET'),
  deviceName: z.string().optional().describe('Device name written into uploaded files; unset = the band model. Env: BANDSYNC_DEVICE_NAME'),
  pollIntervalSeconds: z.number().int().min(60).default(900).describe('How often the daemon polls each source account. Env: BANDSYNC_POLL_INTERVAL'),
  hideBackfillFromHome: z.boolean().default(true).describe('Upload backfilled history hidden from home feeds. Env: BANDSYNC_HIDE_BACKFILL'),
  port: z.number().int().min(0).max(65535).default(8377).describe('Dashboard port. Env: BANDSYNC_PORT'),
  host: z.string().default('127.0.0.1').describe('Dashboard bind address. Env: BANDSYNC_HOST'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable → config key. */
export const ENV_KEYS: Record<string, keyof Config> = {
  BANDSYNC_DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  BANDSYNC_SECRET_KEY: 'secretKey',
  BANDSYNC_ZEPP_URL: 'zeppUrl',
  BANDSYNC_STRAVA_URL: 'stravaUrl',
  STRAVA_CLIENT_ID: 'stravaClientId',
  STRAVA_CLIENT_SECRET: 'stravaClientSecret',
  BANDSYNC_DEVICE_NAME: 'deviceName',
  BANDSYNC_POLL_INTERVAL: 'pollIntervalSeconds',
  BANDSYNC_HIDE_BACKFILL: 'hideBackfillFromHome',
  BANDSYNC_PORT: 'port',
  BANDSYNC_HOST: 'host',
};

function coerce(key: keyof Config, raw: string): unknown {
  const shape = ConfigSchema.shape[key];
  const inner = shape instanceof z.ZodDefault || shape instanceof z.ZodOptional ? shape.unwrap() : shape;
  if (inner instanceof z.ZodNumber) return Number(raw);
  if (inner instanceof z.ZodBoolean) return /^(1|true|yes|on)$/i.test(raw);
  return raw;
}

export function loadConfig(options: { env?: NodeJS.ProcessEnv; flags?: Partial<Config> } = {}): Config {
  const env = options.env ?? process.env;
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') fromEnv[key] = coerce(key, raw);
  }
  const merged = { dataDir: envPaths('bandsync', { suffix: '' }).data, ...fromEnv, ...stripUndefined(options.flags ?? {}) };
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`Invalid configuration: ${first?.path.join('.')}: ${first?.message}`);
  }
  return parsed.data;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
