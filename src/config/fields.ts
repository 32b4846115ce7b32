// Per-key facts the schema cannot carry by itself: which environment variable
// sets a key and whether its value is a secret (masked by `config show`,
// registered with the log redactor).
import { LIMIT_ENV } from '../core/limits.js';

export interface FieldInfo {
  /** Dotted path in the config (`notify.email.host`). */
  readonly path: string;
  readonly env?: string;
  readonly secret?: boolean;
}

export const FIELDS: readonly FieldInfo[] = [
  { path: 'dataDir', env: 'BANDSYNC_DATA_DIR' },
  { path: 'databaseUrl', env: 'DATABASE_URL', secret: true },
  { path: 'secretKey', env: 'BANDSYNC_SECRET_KEY', secret: true },
  { path: 'zeppUrl', env: 'BANDSYNC_ZEPP_URL' },
  { path: 'miFitnessUrl', env: 'BANDSYNC_MI_FITNESS_URL' },
  { path: 'miFitnessPayloadDir', env: 'BANDSYNC_MI_PAYLOAD_DIR' },
  { path: 'summaryOnlyUploads', env: 'BANDSYNC_SUMMARY_ONLY' },
  { path: 'stravaUrl', env: 'BANDSYNC_STRAVA_URL' },
  { path: 'stravaClientId', env: 'STRAVA_CLIENT_ID' },
  { path: 'stravaClientSecret', env: 'STRAVA_CLIENT_SECRET', secret: true },
  { path: 'deviceName', env: 'BANDSYNC_DEVICE_NAME' },
  { path: 'pollIntervalSeconds', env: 'BANDSYNC_POLL_INTERVAL' },
  { path: 'hideBackfillFromHome', env: 'BANDSYNC_HIDE_BACKFILL' },
  { path: 'port', env: 'BANDSYNC_PORT' },
  { path: 'host', env: 'BANDSYNC_HOST' },
  { path: 'behindProxy', env: 'BANDSYNC_BEHIND_PROXY' },
  { path: 'metricsToken', env: 'BANDSYNC_METRICS_TOKEN', secret: true },
  { path: 'logLevel', env: 'BANDSYNC_LOG_LEVEL' },
  { path: 'logFormat', env: 'BANDSYNC_LOG_FORMAT' },
  { path: 'watchDir', env: 'BANDSYNC_WATCH_DIR' },
  { path: 'strict', env: 'BANDSYNC_STRICT' },
  { path: 'sportRules' },
  { path: 'notify.webhookUrl', env: 'BANDSYNC_NOTIFY_WEBHOOK_URL', secret: true },
  { path: 'notify.repeatedFailures', env: 'BANDSYNC_NOTIFY_REPEATED_FAILURES' },
  { path: 'notify.email.host', env: 'BANDSYNC_SMTP_HOST' },
  { path: 'notify.email.port', env: 'BANDSYNC_SMTP_PORT' },
  { path: 'notify.email.secure', env: 'BANDSYNC_SMTP_SECURE' },
  { path: 'notify.email.user', env: 'BANDSYNC_SMTP_USER' },
  { path: 'notify.email.password', env: 'BANDSYNC_SMTP_PASSWORD', secret: true },
  { path: 'notify.email.from', env: 'BANDSYNC_NOTIFY_EMAIL_FROM' },
  { path: 'notify.email.to', env: 'BANDSYNC_NOTIFY_EMAIL_TO' },
  ...Object.entries(LIMIT_ENV).map(([name, env]) => ({ path: `limits.${name}`, env })),
];

export const SECRET_PATHS: ReadonlySet<string> = new Set(FIELDS.filter((f) => f.secret).map((f) => f.path));
