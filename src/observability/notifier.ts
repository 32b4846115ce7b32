// Tells the user about problems that need them (expired token, missing
// consent, repeated failures) through a webhook and/or e-mail — once per
// problem, not once per retry. A problem is keyed by (subject, code), where
// the subject is an account or a workout id; it is remembered in the store
// (so restarts and other workers do not resend) until resolved() clears it,
// after which a reappearance is sent again.
import type { Transporter } from 'nodemailer';
import type { Logger, Store, SyncRecord } from '../sync/ports.js';
import { ruleFor } from '../sync/failures.js';
import { createRedactor, type Redactor } from './redact.js';

export interface Problem {
  /** Account id or workout id the problem belongs to. */
  readonly subject: string;
  readonly code: string;
  /** What happened, for the user (redacted before sending). */
  readonly message: string;
  readonly accountId?: string;
  readonly workoutId?: string;
}

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
  readonly to: string;
}

export interface NotifierOptions {
  readonly webhookUrl?: string;
  readonly email?: SmtpSettings;
  /** Dedup memory; withLock (when present) makes check-and-mark atomic across workers. */
  readonly store: Pick<Store, 'getSetting' | 'setSetting'> & Partial<Pick<Store, 'withLock'>>;
  readonly logger?: Logger;
  readonly redactor?: Redactor;
  readonly now?: () => Date;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export interface NotifyResult {
  /** False when the problem was already notified and not resolved since. */
  readonly sent: boolean;
  readonly channels: readonly ('webhook' | 'email')[];
  readonly errors: readonly string[];
}

interface OpenProblem {
  subject: string;
  code: string;
  since: string;
}
const SETTING = 'notify.open';
// PostgreSQL's jsonb refuses NUL characters, so the key is a JSON pair, not a NUL-joined string.
const keyOf = (subject: string, code: string) => JSON.stringify([subject, code]);

export interface Notifier {
  problem(p: Problem): Promise<NotifyResult>;
  /** The problem is gone; `code` omitted = every problem of the subject. */
  resolved(subject: string, code?: string): Promise<void>;
  open(): Promise<OpenProblem[]>;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const redactor = options.redactor ?? createRedactor();
  const now = options.now ?? (() => new Date());
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const locked = <T>(fn: () => Promise<T>) => (options.store.withLock ? options.store.withLock('notify', fn) : fn());
  const load = async () => (await options.store.getSetting<Record<string, OpenProblem>>(SETTING)) ?? {};
  // nodemailer loads when the first mail goes out: an idle daemon does not hold it (about 3 MB of heap, issue 17).
  const email = options.email;
  let transport: Promise<Transporter> | null = null;
  const mailer = (): Promise<Transporter> =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: email!.host,
        port: email!.port,
        secure: email!.secure,
        ...(email!.user ? { auth: { user: email!.user, pass: email!.password ?? '' } } : {}),
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      }),
    ));
  if (options.email?.password) redactor.addSecret(options.email.password);

  const deliver = async (p: Problem, at: string): Promise<Pick<NotifyResult, 'channels' | 'errors'>> => {
    const rule = ruleFor(p.code);
    const message = redactor.redact(p.message);
    const channels: ('webhook' | 'email')[] = [];
    const errors: string[] = [];
    if (options.webhookUrl) {
      try {
        const res = await doFetch(options.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            event: 'problem',
            subject: p.subject,
            code: p.code,
            message,
            fix: rule.explain,
            accountId: p.accountId ?? null,
            workoutId: p.workoutId ?? null,
            at,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
        channels.push('webhook');
      } catch (err) {
        errors.push(`webhook: ${redactor.redact(err instanceof Error ? err.message : String(err))}`);
      }
    }
    if (options.email) {
      try {
        await (
          await mailer()
        ).sendMail({
          from: options.email.from,
          to: options.email.to,
          subject: `bandsync: ${p.code}`,
          text: `${message}\n\n${rule.explain}\n\n(${p.subject}, ${at})\n`,
        });
        channels.push('email');
      } catch (err) {
        errors.push(`email: ${redactor.redact(err instanceof Error ? err.message : String(err))}`);
      }
    }
    return { channels, errors };
  };

  return {
    problem: (p) =>
      locked(async () => {
        const open = await load();
        const key = keyOf(p.subject, p.code);
        if (open[key]) return { sent: false, channels: [], errors: [] };
        const at = now().toISOString();
        const result = await deliver(p, at);
        const configured = Number(Boolean(options.webhookUrl)) + Number(Boolean(options.email));
        // Remember only what reached the user (or when there is nowhere to send): a failed delivery is tried again next time.
        if (result.channels.length > 0 || configured === 0) {
          await options.store.setSetting(SETTING, { ...open, [key]: { subject: p.subject, code: p.code, since: at } });
        }
        if (result.errors.length)
          options.logger?.warn('notification not delivered', {
            code: p.code,
            subject: p.subject,
            errors: result.errors,
          });
        return { sent: result.channels.length > 0, ...result };
      }),
    resolved: (subject, code) =>
      locked(async () => {
        const open = await load();
        const kept = Object.fromEntries(
          Object.entries(open).filter(([, v]) => !(v.subject === subject && (code === undefined || v.code === code))),
        );
        if (Object.keys(kept).length !== Object.keys(open).length) await options.store.setSetting(SETTING, kept);
      }),
    open: async () => Object.values(await load()),
  };
}

/**
 * The problem a sync record represents, if the user should hear about it:
 * anything that needs the user, and retryable failures once they have failed
 * `repeatedFailures` times.
 */
export function problemFromRecord(
  record: SyncRecord & { accountId?: string },
  repeatedFailures: number,
): Problem | null {
  if (record.state !== 'needs_user' && record.state !== 'failed') return null;
  const code = record.code ?? 'internal';
  const rule = ruleFor(code);
  if (record.state === 'failed' && !rule.needsUser && record.attempts < repeatedFailures) return null;
  // One message per thing the user must fix: a revoked Strava token is one problem, not one per workout.
  const subject =
    rule.scope === 'workout'
      ? record.workoutId
      : rule.scope === 'destination'
        ? `destination:${record.destination}`
        : (record.accountId ?? record.workoutId);
  return {
    subject,
    code,
    message:
      record.state === 'failed'
        ? `Workout ${record.workoutId} failed ${record.attempts} times: ${record.lastError ?? code}`
        : (record.lastError ?? rule.explain),
    workoutId: record.workoutId,
    ...(record.accountId ? { accountId: record.accountId } : {}),
  };
}
