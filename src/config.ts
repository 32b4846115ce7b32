// Typed, validated configuration: flag > env > file > default.
// The file is TOML (`<configDir>/config.toml`, or --config / BANDSYNC_CONFIG).
// Every problem is reported with the key, where the value came from and, for
// the file, its line — a self-hoster editing a file on a NAS needs to know
// exactly what to fix.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import envPaths from 'env-paths';
import { parse as parseToml, TomlError } from 'smol-toml';
import { fieldsOf } from './config/fields.js';
import {
  DEFAULT_LIMITS,
  LIMIT_ENV,
  MAX_NEW_WORKOUT_RESERVE_PERCENT,
  NEW_WORKOUT_RESERVE_PERCENT,
  STRAVA_DEFAULT_LIMITS,
  type InputLimits,
  type StravaLimits,
} from './core/limits.js';
import { lineIndex, lineOf } from './config/toml-lines.js';

const SportRule = z
  .strictObject({
    match: z
      .strictObject({
        code: z
          .union([z.number().int(), z.string()])
          .optional()
          .describe('Source sport code (Zepp type number or name)'),
        device: z.string().optional().describe('Substring of the device name'),
        hasGps: z.boolean().optional(),
        name: z.string().optional().describe('Substring of the workout name'),
      })
      .describe('All given fields must match'),
    sportType: z.string().optional().describe('Strava sport_type to upload as'),
    skip: z.literal(true).optional().describe('Do not upload matching workouts'),
  })
  .refine((r) => (r.sportType === undefined) !== (r.skip === undefined), {
    message: 'a sport rule needs exactly one of sportType = "..." or skip = true',
  });

const EmailSchema = z.strictObject({
  host: z.string().describe('SMTP server host').meta({ env: 'BANDSYNC_SMTP_HOST' }),
  port: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(587)
    .describe('SMTP server port')
    .meta({ env: 'BANDSYNC_SMTP_PORT' }),
  secure: z
    .boolean()
    .default(false)
    .describe('Use TLS from the start (port 465); false = STARTTLS when offered')
    .meta({ env: 'BANDSYNC_SMTP_SECURE' }),
  user: z.string().optional().describe('SMTP user name').meta({ env: 'BANDSYNC_SMTP_USER' }),
  password: z.string().optional().describe('SMTP password').meta({ env: 'BANDSYNC_SMTP_PASSWORD', secret: true }),
  from: z.string().describe('Sender address').meta({ env: 'BANDSYNC_NOTIFY_EMAIL_FROM' }),
  to: z.string().describe('Recipient address(es), comma-separated').meta({ env: 'BANDSYNC_NOTIFY_EMAIL_TO' }),
});

const limit = (name: keyof InputLimits, min: number, description: string) =>
  z.number().int().min(min).default(DEFAULT_LIMITS[name]).describe(description).meta({ env: LIMIT_ENV[name] });

/** Budgets for untrusted input (core/limits.ts); the defaults fit a 48-hour 1 Hz recording and a 10-year export. */
const LimitsSchema = z.strictObject({
  fileBytes: limit(
    'fileBytes',
    1024,
    'Bytes of one file read into memory: a FIT/TCX/GPX/JSON file, a zip entry, a gzip file inflated, an uploaded export (a 48-hour TCX at 1 Hz is about 93 MB)',
  ),
  inflatedBytes: limit(
    'inflatedBytes',
    1024,
    'Bytes one zip entry or gzip stream may inflate to, also when streamed (the export CSVs)',
  ),
  archiveInflatedBytes: limit(
    'archiveInflatedBytes',
    1024,
    'Bytes all entries of one zip may inflate to together in one pass',
  ),
  archiveEntries: limit('archiveEntries', 1, 'Entries in one zip (its central directory may take 1 KiB per entry)'),
  csvRowChars: limit('csvRowChars', 64, 'Characters in one CSV row of an export'),
  csvFields: limit('csvFields', 2, 'Fields in one CSV row of an export'),
  csvRows: limit('csvRows', 1, 'Rows in one CSV file of an export (10 years of per-minute heart rate is 5.3 million)'),
  xmlDepth: limit('xmlDepth', 8, 'Nesting depth of elements in a TCX/GPX file'),
  xmlElements: limit('xmlElements', 1000, 'Elements in one TCX/GPX file (a 48-hour TCX at 1 Hz has about 2.2 million)'),
  samples: limit(
    'samples',
    1000,
    'Samples (records, track points) in one workout (48 hours at 1 Hz is 172,800); a FIT file may hold 4 messages per sample',
  ),
  databaseBytes: limit('databaseBytes', 1024, 'Bytes of a Gadgetbridge database (read into memory whole)'),
});

const stravaLimit = (name: Exclude<keyof StravaLimits, 'newWorkoutReservePercent'>, env: string, description: string) =>
  z.number().int().min(1).default(STRAVA_DEFAULT_LIMITS[name]).describe(description).meta({ env });

const RESERVE_RANGE = `must be a whole percent from 0 to ${MAX_NEW_WORKOUT_RESERVE_PERCENT}: the share of Strava's daily limits a backfill leaves to new workouts (default ${NEW_WORKOUT_RESERVE_PERCENT})`;

/** Strava's limits per application; Strava raises them on request, and a raise is used once it is set here. */
const StravaLimitsSchema = z.strictObject({
  overall15: stravaLimit('overall15', 'BANDSYNC_STRAVA_LIMIT_15MIN', 'Strava requests per 15 minutes (all kinds)'),
  overallDay: stravaLimit('overallDay', 'BANDSYNC_STRAVA_LIMIT_DAY', 'Strava requests per UTC day (all kinds)'),
  read15: stravaLimit('read15', 'BANDSYNC_STRAVA_READ_LIMIT_15MIN', 'Strava read requests per 15 minutes'),
  readDay: stravaLimit('readDay', 'BANDSYNC_STRAVA_READ_LIMIT_DAY', 'Strava read requests per UTC day'),
  newWorkoutReservePercent: z
    .number({ error: RESERVE_RANGE })
    .int({ error: RESERVE_RANGE })
    .min(0, { error: RESERVE_RANGE })
    .max(MAX_NEW_WORKOUT_RESERVE_PERCENT, { error: RESERVE_RANGE })
    .default(NEW_WORKOUT_RESERVE_PERCENT)
    .describe(
      'Percent of the daily limits above that a backfill may not spend, at least: kept for new workouts of every athlete, so a long history never holds them until midnight UTC; more is kept on a day they come faster than that covers (0 to 50)',
    )
    .meta({ env: 'BANDSYNC_STRAVA_NEW_WORKOUT_RESERVE_PERCENT' }),
});

export const ConfigSchema = z.strictObject({
  dataDir: z
    .string()
    .describe(
      'Where the embedded database, key file and lock live; unset = the per-user data directory (~/.local/share/bandsync on Linux)',
    )
    .meta({ env: 'BANDSYNC_DATA_DIR' }),
  databaseUrl: z
    .string()
    .optional()
    .describe('PostgreSQL server URL; unset = embedded PGlite in dataDir')
    .meta({ env: 'DATABASE_URL', secret: true }),
  secretKey: z
    .string()
    .optional()
    .describe('Key for encrypting tokens at rest (base64, 32 bytes); unset = generated key file')
    .meta({ env: 'BANDSYNC_SECRET_KEY', secret: true }),
  zeppUrl: z
    .string()
    .url()
    .optional()
    .describe('Zepp cloud API base URL; unset = discovered from the account region')
    .meta({ env: 'BANDSYNC_ZEPP_URL' }),
  miFitnessUrl: z
    .string()
    .url()
    .optional()
    .describe('One base URL standing for every Xiaomi / Mi Fitness host (simulator, proxy); unset = the real hosts')
    .meta({ env: 'BANDSYNC_MI_FITNESS_URL' }),
  miFitnessPayloadDir: z
    .string()
    .optional()
    .describe(
      'Save each Mi Fitness workout as received (list element + detail files) here, to inspect or report a mismatch',
    )
    .meta({ env: 'BANDSYNC_MI_PAYLOAD_DIR' }),
  summaryOnlyUploads: z
    .boolean()
    .default(false)
    .describe(
      'Upload Mi Fitness workouts whose detail files are missing from their summary alone (else they are held with the reason)',
    )
    .meta({ env: 'BANDSYNC_SUMMARY_ONLY' }),
  stravaUrl: z
    .string()
    .url()
    .default('https://www.strava.com')
    .describe('Strava base URL for OAuth and API paths')
    .meta({ env: 'BANDSYNC_STRAVA_URL' }),
  stravaClientId: z
    .string()
    .optional()
    .describe('Your Strava API application client id')
    .meta({ env: 'STRAVA_CLIENT_ID' }),
  stravaClientSecret: z
    .string()
    .optional()
    .describe('Your Strava API application client secret')
    .meta({ env: 'STRAVA_CLIENT_SECRET', secret: true }),
  deviceName: z
    .string()
    .optional()
    .describe('Device name written into uploaded files; unset = the band model')
    .meta({ env: 'BANDSYNC_DEVICE_NAME' }),
  pollIntervalSeconds: z
    .number()
    .int()
    .min(60)
    .default(900)
    .describe('How often the daemon polls each source account')
    .meta({ env: 'BANDSYNC_POLL_INTERVAL' }),
  hideBackfillFromHome: z
    .boolean()
    .default(true)
    .describe(
      'Upload backfilled history (recorded over 30 days before it is sent) hidden from home feeds, and hide it when a sport change updates it on Strava; the setting saved in the dashboard replaces this one',
    )
    .meta({ env: 'BANDSYNC_HIDE_BACKFILL' }),
  port: z.number().int().min(0).max(65535).default(8377).describe('Dashboard port').meta({ env: 'BANDSYNC_PORT' }),
  host: z.string().default('127.0.0.1').describe('Dashboard bind address').meta({ env: 'BANDSYNC_HOST' }),
  behindProxy: z
    .boolean()
    .default(false)
    .describe(
      'The dashboard is reached through a TLS reverse proxy: Secure cookies, the client address from X-Forwarded-For, a password required',
    )
    .meta({ env: 'BANDSYNC_BEHIND_PROXY' }),
  metricsToken: z
    .string()
    .min(16)
    .optional()
    .describe('Bearer token for GET /metrics when the dashboard is reachable from the network (16+ characters)')
    .meta({ env: 'BANDSYNC_METRICS_TOKEN', secret: true }),
  tileUrl: z
    .string()
    .regex(/^https?:\/\/[^\s"'<>]+$/, 'must be an http(s) URL')
    .refine((v) => ['{z}', '{x}', '{y}'].every((p) => v.includes(p)), 'must contain {z}, {x} and {y}')
    .optional()
    .describe(
      "Map tile URL template for the dashboard's maps, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (mind the server's usage policy); unset = a plain grid that works offline",
    )
    .meta({ env: 'BANDSYNC_TILE_URL' }),
  tileAttribution: z
    .string()
    .max(200)
    .optional()
    .describe('Credit the tile server asks for, shown on the map (e.g. © OpenStreetMap contributors)')
    .meta({ env: 'BANDSYNC_TILE_ATTRIBUTION' }),
  logLevel: z
    .enum(['debug', 'info', 'warn', 'error'])
    .default('info')
    .describe('Lowest log level written')
    .meta({ env: 'BANDSYNC_LOG_LEVEL' }),
  logFormat: z
    .enum(['auto', 'json', 'pretty'])
    .default('auto')
    .describe('auto = JSON lines when stderr is not a terminal')
    .meta({ env: 'BANDSYNC_LOG_FORMAT' }),
  watchDir: z
    .string()
    .optional()
    .describe('Folder of FIT/TCX/GPX files the daemon watches for new workouts')
    .meta({ env: 'BANDSYNC_WATCH_DIR' }),
  strict: z
    .boolean()
    .default(false)
    .describe('Unknown sport codes need a rule (needs_user) instead of a safe fallback')
    .meta({ env: 'BANDSYNC_STRICT' }),
  sportRules: z
    .array(SportRule)
    .default([])
    .describe(
      'Ordered sport rules `{ match = { code, device, hasGps, name }, sportType = "…" }` or `skip = true`; the first match wins (config file only)',
    ),
  notify: z
    .strictObject({
      webhookUrl: z
        .string()
        .url()
        .optional()
        .describe('POSTed a JSON message when a problem needs you')
        .meta({ env: 'BANDSYNC_NOTIFY_WEBHOOK_URL', secret: true }),
      repeatedFailures: z
        .number()
        .int()
        .min(1)
        .default(3)
        .describe('Notify after this many failed attempts of one workout')
        .meta({ env: 'BANDSYNC_NOTIFY_REPEATED_FAILURES' }),
      email: EmailSchema.optional().describe('SMTP settings for e-mail notifications'),
    })
    .prefault({}),
  stravaLimits: StravaLimitsSchema.prefault({}).describe(
    "Your Strava application's rate limits: Strava's defaults, or what Strava granted on request (the lower of these and what Strava's answers state is kept to)",
  ),
  limits: LimitsSchema.prefault({}).describe('Budgets for untrusted files: going over one is a clear error naming it'),
});

export type Config = z.infer<typeof ConfigSchema>;
export type SportRuleConfig = z.infer<typeof SportRule>;

/** Every key's path, environment variable and secrecy, read from the schema above. */
export const FIELDS = fieldsOf(ConfigSchema);
/** Secret values: masked by `config show`, registered with the log redactor. */
export const SECRET_PATHS: ReadonlySet<string> = new Set(FIELDS.filter((f) => f.secret).map((f) => f.path));

/** Environment variable → top-level config key. */
export const ENV_KEYS: Record<string, keyof Config> = Object.fromEntries(
  FIELDS.filter((f) => f.env && !f.path.includes('.')).map((f) => [f.env!, f.path as keyof Config]),
);

export type ConfigOrigin =
  | { kind: 'default' }
  | { kind: 'file'; file: string; line?: number }
  | { kind: 'env'; name: string }
  | { kind: 'flag' };

export interface ConfigProblem {
  readonly key: string;
  readonly origin: ConfigOrigin;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.key} (${describeOrigin(p.origin)}): ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export function describeOrigin(o: ConfigOrigin): string {
  switch (o.kind) {
    case 'default':
      return 'default';
    case 'flag':
      return 'command-line flag';
    case 'env':
      return `environment ${o.name}`;
    case 'file':
      return o.line ? `${o.file} line ${o.line}` : o.file;
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  flags?: Partial<Config>;
  /** Explicit config file (--config); else BANDSYNC_CONFIG; else <configDir>/config.toml if it exists. */
  configFile?: string;
}

export interface LoadedConfig {
  readonly config: Config;
  /** Absolute path of the file read, or null when none was. */
  readonly file: string | null;
  /** Where each set leaf value came from, by dotted path. */
  readonly origins: ReadonlyMap<string, ConfigOrigin>;
}

export function defaultConfigFile(): string {
  return path.join(envPaths('bandsync', { suffix: '' }).config, 'config.toml');
}

export function loadConfig(options: LoadOptions = {}): Config {
  return loadConfigDetailed(options).config;
}

export function loadConfigDetailed(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const origins = new Map<string, ConfigOrigin>();
  const merged: Record<string, unknown> = {};

  setLeaf(merged, ['dataDir'], envPaths('bandsync', { suffix: '' }).data);
  origins.set('dataDir', { kind: 'default' });

  const file = resolveFile(options.configFile, env);
  let lines = new Map<string, number>();
  if (file) {
    const text = readFileSync(file, 'utf8');
    lines = lineIndex(text);
    let data: Record<string, unknown>;
    try {
      data = parseToml(text) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof TomlError) {
        throw new ConfigError([
          {
            key: '(file)',
            origin: { kind: 'file', file, line: err.line },
            message: `not valid TOML: ${err.message.split('\n')[0]}`,
          },
        ]);
      }
      throw err;
    }
    mergeLayer(merged, data, [], origins, (p) => ({ kind: 'file', file, line: lineOf(lines, p) }));
  }

  for (const f of FIELDS) {
    const raw = f.env ? env[f.env] : undefined;
    if (raw === undefined || raw === '') continue;
    const keyPath = f.path.split('.');
    setLeaf(merged, keyPath, coerce(keyPath, raw));
    origins.set(f.path, { kind: 'env', name: f.env! });
  }

  mergeLayer(merged, stripUndefined(options.flags ?? {}) as Record<string, unknown>, [], origins, () => ({
    kind: 'flag',
  }));

  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue): ConfigProblem[] => {
      const base = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...base, k]) : [base];
      return keys.map((p) => ({
        key: p.join('.') || '(root)',
        origin: originOf(origins, p) ?? { kind: 'default' },
        message: issue.code === 'unrecognized_keys' ? `unknown key${suggest(p)}` : issue.message,
      }));
    });
    throw new ConfigError(problems);
  }
  return { config: parsed.data, file, origins };
}

function resolveFile(explicit: string | undefined, env: NodeJS.ProcessEnv): string | null {
  const chosen = explicit ?? (env.BANDSYNC_CONFIG || undefined);
  if (chosen) {
    const abs = path.resolve(chosen);
    if (!existsSync(abs))
      throw new ConfigError([{ key: '(file)', origin: { kind: 'file', file: abs }, message: 'config file not found' }]);
    return abs;
  }
  const fallback = defaultConfigFile();
  return existsSync(fallback) ? fallback : null;
}

/** The most specific recorded origin for a path (a whole table set by the file covers its children). */
function originOf(origins: Map<string, ConfigOrigin>, p: readonly (string | number)[]): ConfigOrigin | undefined {
  for (let n = p.length; n > 0; n--) {
    const hit = origins.get(p.slice(0, n).join('.'));
    if (hit) return hit;
  }
  // An unknown key deeper than anything recorded: look for any child origin (e.g. a file table).
  const prefix = p.join('.') + '.';
  for (const [k, v] of origins) if (k.startsWith(prefix)) return v;
  return undefined;
}

function suggest(p: readonly (string | number)[]): string {
  const last = String(p[p.length - 1]).toLowerCase();
  const parent = p.slice(0, -1).join('.');
  const siblings = FIELDS.map((f) => f.path)
    .filter((k) => k.startsWith(parent ? parent + '.' : '') && !k.slice(parent ? parent.length + 1 : 0).includes('.'))
    .map((k) => k.split('.').pop()!);
  const close = siblings.find(
    (s) => s.toLowerCase().includes(last) || last.includes(s.toLowerCase()) || editDistance(s.toLowerCase(), last) <= 2,
  );
  return close ? ` (did you mean "${close}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Deep-merges tables; arrays and scalars replace. Records an origin for every leaf. */
function mergeLayer(
  target: Record<string, unknown>,
  layer: Record<string, unknown>,
  at: (string | number)[],
  origins: Map<string, ConfigOrigin>,
  origin: (p: (string | number)[]) => ConfigOrigin,
): void {
  for (const [k, v] of Object.entries(layer)) {
    const p = [...at, k];
    if (isPlainObject(v)) {
      if (!isPlainObject(target[k])) target[k] = {};
      origins.set(p.join('.'), origin(p));
      mergeLayer(target[k] as Record<string, unknown>, v, p, origins, origin);
    } else {
      target[k] = v;
      recordLeaves(v, p, origins, origin);
    }
  }
}

function recordLeaves(
  v: unknown,
  p: (string | number)[],
  origins: Map<string, ConfigOrigin>,
  origin: (p: (string | number)[]) => ConfigOrigin,
): void {
  origins.set(p.join('.'), origin(p));
  if (Array.isArray(v)) v.forEach((item, i) => recordLeaves(item, [...p, i], origins, origin));
  else if (isPlainObject(v)) for (const [k, c] of Object.entries(v)) recordLeaves(c, [...p, k], origins, origin);
}

function setLeaf(target: Record<string, unknown>, keyPath: string[], value: unknown): void {
  let node = target;
  for (const k of keyPath.slice(0, -1)) {
    if (!isPlainObject(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keyPath[keyPath.length - 1]!] = value;
}

/** The schema type at a dotted path, with optional/default wrappers removed. */
function leafType(keyPath: string[]): string {
  let s: z.ZodType = ConfigSchema;
  for (const k of keyPath) {
    s = unwrap(s);
    const shape = (s as unknown as { shape?: Record<string, z.ZodType> }).shape;
    if (!shape?.[k]) return 'unknown';
    s = shape[k];
  }
  return unwrap(s)._zod.def.type;
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    const def = cur._zod.def as { type: string; innerType?: z.ZodType };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'prefault') && def.innerType)
      cur = def.innerType;
    else return cur;
  }
}

// Environment values are strings; convert only what is unambiguous and leave
// the rest as text so the schema reports "expected number" with the variable name.
function coerce(keyPath: string[], raw: string): unknown {
  const type = leafType(keyPath);
  if (type === 'number') return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  if (type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    return raw;
  }
  return raw;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
