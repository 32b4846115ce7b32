// Structured logs satisfying the sync Logger port: JSON lines for machines
// (journald, docker logs) and a short readable line for a terminal. Every
// message and field goes through the redactor first.
import type { Logger } from '../sync/ports.js';
import { createRedactor, type Redactor } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  /** true: JSON lines; false: pretty; undefined: JSON unless the stream is a TTY. */
  json?: boolean;
  level?: LogLevel;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  redactor?: Redactor;
  /** Secret values to redact (e.g. configSecrets(config)); added to the redactor. */
  secrets?: Iterable<string>;
  /** Fields on every line (e.g. { service: 'daemon' }). */
  fields?: Record<string, unknown>;
  now?: () => Date;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const json = options.json ?? !stream.isTTY;
  const min = RANK[options.level ?? 'info'];
  const redactor = options.redactor ?? createRedactor();
  for (const secret of options.secrets ?? []) redactor.addSecret(secret);
  const now = options.now ?? (() => new Date());

  const make = (bound: Record<string, unknown>): Logger => {
    const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
      if (RANK[level] < min) return;
      const all = redactor.redactValue({ ...bound, ...fields });
      const text = redactor.redact(msg);
      const time = now().toISOString();
      const line = json ? JSON.stringify({ time, level, msg: text, ...all }) : pretty(time, level, text, all);
      stream.write(line + '\n');
    };
    return {
      debug: (m, f) => write('debug', m, f),
      info: (m, f) => write('info', m, f),
      warn: (m, f) => write('warn', m, f),
      error: (m, f) => write('error', m, f),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

function pretty(time: string, level: LogLevel, msg: string, fields: Record<string, unknown>): string {
  const extra = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? '  ' + extra : ''}`;
}

/** A logger that drops everything (for commands that must print nothing but their result). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
