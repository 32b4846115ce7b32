// `bandsync doctor`: each check explains what it found in one line and, when
// something is wrong, the fix. Checks take their I/O as injected functions so
// every broken set-up can be reproduced in a test; the CLI wires the real ones.
import { randomBytes } from 'node:crypto';
import { statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Account, RateBudgetSnapshot } from '../sync/ports.js';
import { isFailureCode, ruleFor } from '../sync/failures.js';
import type { InvariantReport } from '../sync/invariant-report.js';
import { REQUIRED_SCOPES } from '../sync/deps.js';
import { ACCOUNT_SETTINGS } from '../sync/account-settings.js';
import { createRedactor, type Redactor } from './redact.js';
import { findExposed, type Exposure } from '../private-files.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly fix?: string;
}

export interface LockHolderInfo {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
  readonly alive: boolean;
}

export interface DatabaseProbe {
  /** 'pglite' or 'postgres', and where (URL redacted by the caller). */
  readonly kind: 'pglite' | 'postgres';
  readonly where: string;
  /** Versions recorded in schema_migrations. */
  readonly applied: readonly number[];
  /** Versions this build ships. */
  readonly available: readonly number[];
}

export interface DoctorDeps {
  readonly dataDir: string;
  /** Set when the store is PostgreSQL (the data-dir lock does not apply then). */
  readonly databaseUrl?: string;
  readonly now: () => Date;
  readonly redactor?: Redactor;
  readonly readLockHolder: (dataDir: string) => LockHolderInfo | null;
  /** Throws when the data dir cannot be written. Default: create and delete a file. */
  readonly checkWritable?: (dir: string) => Promise<void>;
  /** Free bytes for unprivileged users. Default: fs.statfs. */
  readonly freeBytes?: (dir: string) => Promise<number>;
  /** Opens (read-only as far as possible) and reports migrations; throws when unreachable. Absent: skipped. */
  readonly database?: () => Promise<DatabaseProbe>;
  /** Connected accounts; absent when the database is unreachable. */
  readonly accounts?: () => Promise<readonly Account[]>;
  /** Live test of a cloud source's account (Zepp, Mi Fitness: lists one page); throws a BandsyncError on failure. */
  readonly probeSource?: (account: Account) => Promise<void>;
  /**
   * Live test of the Strava token (refreshes if needed, reads the athlete); returns the granted scopes,
   * null when nobody knows them (a connection made with a refresh token: Strava's refresh answer has none).
   */
  readonly probeStrava?: (account: Account) => Promise<{ scopes: readonly string[] | null }>;
  /** One activity listing with the Strava token: throws when reading is refused. */
  readonly probeStravaListing?: (account: Account) => Promise<void>;
  readonly rateBudget?: () => Promise<RateBudgetSnapshot>;
  /** The Date header of a trusted server (Strava), for clock skew. */
  readonly serverDate?: () => Promise<Date | null>;
  /** What in the data dir group or others could reach before this doctor run opened the store (which makes it owner-only). */
  readonly exposureAtStart?: Exposure;
  /** The workouts checked against the invariant (issue 12): stuck ones are a failure. */
  readonly workouts?: () => Promise<InvariantReport>;
  /** Whether the daemon answers on its local API. */
  readonly daemon?: () => Promise<{ running: boolean; url: string; detail?: string }>;
}

const GB = 1024 ** 3;
const MB = 1024 ** 2;

async function defaultWritable(dir: string): Promise<void> {
  const probe = join(dir, `.doctor-${process.pid}-${randomBytes(3).toString('hex')}`);
  await writeFile(probe, 'ok', { mode: 0o600 });
  await unlink(probe);
}

async function defaultFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

function age(fromIso: string, now: Date): string {
  const s = Math.max(0, (now.getTime() - Date.parse(fromIso)) / 1000);
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 2 * 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

function fixFor(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return isFailureCode(code) && code !== 'internal' ? ruleFor(code).explain : undefined;
}

type Check = (d: DoctorDeps) => Promise<CheckResult | CheckResult[]>;

const checkDataDir: Check = async (d) => {
  const title = 'data dir';
  try {
    await (d.checkWritable ?? defaultWritable)(d.dataDir);
  } catch (err) {
    return {
      id: 'data-dir',
      title,
      status: 'fail',
      summary: `${d.dataDir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      fix: `create it and give the bandsync user write access: mkdir -p ${d.dataDir} && chown $USER ${d.dataDir} && chmod 700 ${d.dataDir} (systemd: add it to ReadWritePaths=)`,
    };
  }
  if (d.databaseUrl)
    return {
      id: 'data-dir',
      title,
      status: 'ok',
      summary: `${d.dataDir} is writable (database on PostgreSQL: no data-dir lock)`,
    };
  const holder = d.readLockHolder(d.dataDir);
  if (!holder) return { id: 'data-dir', title, status: 'ok', summary: `${d.dataDir} is writable and not locked` };
  if (!holder.alive) {
    return {
      id: 'data-dir',
      title,
      status: 'warn',
      summary: `${d.dataDir} has a stale lock from pid ${holder.pid} (${holder.command}), which is gone`,
      fix: 'nothing to do: the next bandsync process reclaims it',
    };
  }
  return {
    id: 'data-dir',
    title,
    status: 'ok',
    summary: `${d.dataDir} is writable; locked by pid ${holder.pid} (${holder.command}) since ${holder.startedAt}`,
  };
};

const octal = (mode: number | null): string => (mode === null ? '?' : mode.toString(8).padStart(4, '0'));
const listed = (e: Exposure): string =>
  `${e.count} ${e.count === 1 ? 'entry' : 'entries'}, e.g. ${e.examples.join(', ')}; the data dir is ${octal(e.mode)}`;

const checkDataDirPrivate: Check = async (d) => {
  const id = 'data-dir-private';
  const title = 'data dir privacy';
  const now = findExposed(d.dataDir);
  if (now.mode === null) return { id, title, status: 'skip', summary: `${d.dataDir} does not exist yet` };
  if (now.count > 0)
    return {
      id,
      title,
      status: 'fail',
      summary: `group or others can read or change ${d.dataDir} (${listed(now)})`,
      fix: `make it owner-only: chmod -R go= ${d.dataDir} (bandsync does this itself when it finds the data dir or what lies directly in it open, unless the files belong to another user: then chown -R $USER ${d.dataDir})`,
    };
  const before = d.exposureAtStart;
  if (before && before.count > 0)
    return {
      id,
      title,
      status: 'fail',
      summary: `group or others could read or change ${d.dataDir} until this check opened it (${listed(before)}); it is owner-only now`,
      fix: 'nothing is open any more; if other people use this machine, they could read your workouts and change the database until now: check your accounts (bandsync status) and reconnect them if in doubt',
    };
  return { id, title, status: 'ok', summary: `${d.dataDir} and everything in it is owner-only` };
};

const checkDatabase: Check = async (d) => {
  const title = 'database';
  if (!d.database)
    return {
      id: 'database',
      title,
      status: 'skip',
      summary: 'not checked (the data dir is in use by another process; the daemon reports it)',
    };
  let probe: DatabaseProbe;
  try {
    probe = await d.database();
  } catch (err) {
    const message = (err as Error).message;
    return {
      id: 'database',
      title,
      status: 'fail',
      summary: `cannot open the database: ${message}`,
      fix: d.databaseUrl
        ? 'check DATABASE_URL (host, port, user, password) and that PostgreSQL is running: pg_isready -d "$DATABASE_URL"'
        : 'run bandsync doctor again after stopping the other bandsync process, or restore a backup into an empty data dir',
    };
  }
  const known = new Set(probe.available);
  const unknown = probe.applied.filter((v) => !known.has(v));
  if (unknown.length) {
    return {
      id: 'database',
      title,
      status: 'fail',
      summary: `${probe.kind} at ${probe.where} has migrations ${unknown.join(', ')} this bandsync does not know (a newer version wrote it)`,
      fix: 'upgrade bandsync to the version that last used this database (migrations are forward-only)',
    };
  }
  const pending = probe.available.filter((v) => !probe.applied.includes(v));
  if (pending.length) {
    return {
      id: 'database',
      title,
      status: 'warn',
      summary: `${probe.kind} at ${probe.where} reachable; ${pending.length} migration(s) pending (${pending.join(', ')})`,
      fix: 'they are applied automatically at the next start; take a backup first: bandsync backup FILE',
    };
  }
  return {
    id: 'database',
    title,
    status: 'ok',
    summary: `${probe.kind} at ${probe.where} reachable, migrated (version ${probe.applied.reduce((a, b) => Math.max(a, b), 0)})`,
  };
};

async function accountsOf(d: DoctorDeps): Promise<readonly Account[] | null> {
  if (!d.accounts) return null;
  try {
    return await d.accounts();
  } catch {
    return null;
  }
}

/** A cloud source's accounts: each one's state and a live listing (one request). */
const checkCloudSource =
  (kind: 'zepp-cloud' | 'mi-fitness', id: string, name: string, connect: string, expired: string): Check =>
  async (d) => {
    const title = id;
    const accounts = await accountsOf(d);
    if (!accounts) return { id, title, status: 'skip', summary: 'not checked (database not available)' };
    const connected = accounts.filter((a) => a.kind === kind);
    if (connected.length === 0)
      return { id, title, status: 'skip', summary: `no ${name} account connected`, fix: connect };
    return Promise.all(
      connected.map(async (a): Promise<CheckResult> => {
        const connectedAt = typeof a.settings.connectedAt === 'string' ? a.settings.connectedAt : a.updatedAt;
        const tokenAge = `token ${age(connectedAt, d.now())} old`;
        const checkId = `${id}:${a.id}`;
        if (a.status === 'needs_user')
          return {
            id: checkId,
            title,
            status: 'fail',
            summary: `${a.label}: ${a.problem ?? 'needs you'} (${tokenAge})`,
            fix: ruleFor(a.problem ?? expired).explain,
          };
        if (!d.probeSource)
          return { id: checkId, title, status: 'ok', summary: `${a.label}: connected, ${tokenAge} (not contacted)` };
        try {
          await d.probeSource(a);
          return { id: checkId, title, status: 'ok', summary: `${a.label}: reachable, ${tokenAge}` };
        } catch (err) {
          return {
            id: checkId,
            title,
            status: 'fail',
            summary: `${a.label}: ${(err as Error).message} (${tokenAge})`,
            fix: fixFor(err) ?? 'check the network; bandsync retries on its own',
          };
        }
      }),
    );
  };

const checkZepp = checkCloudSource(
  'zepp-cloud',
  'zepp',
  'Zepp cloud',
  'bandsync connect zepp (optional if you import files)',
  'zepp_token_expired',
);
const checkMiFitness = checkCloudSource(
  'mi-fitness',
  'mi-fitness',
  'Mi Fitness',
  'bandsync connect mi-fitness (optional; for a Mi Band 8 or later)',
  'mi_fitness_token_expired',
);

const checkStrava: Check = async (d) => {
  const title = 'strava';
  const accounts = await accountsOf(d);
  if (!accounts) return { id: 'strava', title, status: 'skip', summary: 'not checked (database not available)' };
  const strava = accounts.find((a) => a.kind === 'strava');
  if (!strava)
    return {
      id: 'strava',
      title,
      status: 'fail',
      summary: 'no Strava account connected',
      fix: ruleFor('strava_not_connected').explain,
    };
  if (strava.status === 'needs_user')
    return {
      id: 'strava',
      title,
      status: 'fail',
      summary: `${strava.label}: ${strava.problem ?? 'needs you'}`,
      fix: ruleFor(strava.problem ?? 'strava_auth_revoked').explain,
    };
  let scopes: readonly string[] | null =
    ACCOUNT_SETTINGS.strava.shape.scopes.safeParse(strava.settings.scopes).data ?? null;
  if (d.probeStrava) {
    try {
      scopes = (await d.probeStrava(strava)).scopes;
    } catch (err) {
      return {
        id: 'strava',
        title,
        status: 'fail',
        summary: `${strava.label}: token not accepted: ${(err as Error).message}`,
        fix: fixFor(err) ?? ruleFor('strava_auth_revoked').explain,
      };
    }
  }
  if (scopes === null) return unknownScopes(d, strava);
  const missing = REQUIRED_SCOPES.filter((s) => !scopes.includes(s));
  if (missing.length)
    return {
      id: 'strava',
      title,
      status: 'fail',
      summary: `${strava.label}: token valid but scope ${missing.join(' and ')} not granted (has: ${scopes.join(',') || 'none'})`,
      fix: ruleFor('strava_scope_missing').explain,
    };
  return {
    id: 'strava',
    title,
    status: 'ok',
    summary: `${strava.label}: token valid${d.probeStrava ? '' : ' (not contacted)'}, scopes ${REQUIRED_SCOPES.join(', ')}`,
  };
};

/**
 * Scopes nobody recorded (connected with a refresh token): one listing shows
 * whether reading works; writing shows at the first upload, which stops with
 * strava_scope_missing if it is not granted. Not a failure of the set-up.
 */
async function unknownScopes(d: DoctorDeps, strava: Account): Promise<CheckResult> {
  const base = { id: 'strava', title: 'strava' } as const;
  if (!d.probeStravaListing)
    return {
      ...base,
      status: 'warn',
      summary: `${strava.label}: scopes unknown (not contacted); writing is checked by the first upload`,
      fix: 'nothing to do if uploads work; else reconnect with bandsync connect strava and tick both boxes',
    };
  try {
    await d.probeStravaListing(strava);
  } catch (err) {
    return {
      ...base,
      status: 'fail',
      summary: `${strava.label}: scopes unknown, and listing activities failed: ${(err as Error).message}`,
      fix: fixFor(err) ?? ruleFor('strava_scope_missing').explain,
    };
  }
  return {
    ...base,
    status: 'warn',
    summary: `${strava.label}: scopes unknown; reading works; writing is checked by the first upload`,
    fix: 'nothing to do if uploads work (connected with a refresh token, whose answer names no scopes); to record them, reconnect with bandsync connect strava',
  };
}

const checkBudget: Check = async (d) => {
  const title = 'rate budget';
  if (!d.rateBudget)
    return { id: 'rate-budget', title, status: 'skip', summary: 'not checked (database not available)' };
  const b = await d.rateBudget();
  const left15 = b.overall.limit15 - b.overall.usage15;
  const leftDay = b.overall.limitDay - b.overall.usageDay;
  const summary = `${left15}/${b.overall.limit15} requests left this 15 min, ${leftDay}/${b.overall.limitDay} today (reads ${b.read.limit15 - b.read.usage15}/${b.read.limit15})`;
  if (b.blockedUntil && Date.parse(b.blockedUntil) > d.now().getTime()) {
    return {
      id: 'rate-budget',
      title,
      status: 'warn',
      summary: `Strava rate limit hit; waiting until ${b.blockedUntil}. ${summary}`,
      fix: 'nothing to do: uploads resume at the next window',
    };
  }
  if (leftDay < b.overall.limitDay * 0.1)
    return {
      id: 'rate-budget',
      title,
      status: 'warn',
      summary,
      fix: 'the daily budget is almost spent (another app on the same Strava API application?); uploads continue after midnight UTC',
    };
  return { id: 'rate-budget', title, status: 'ok', summary };
};

const checkClock: Check = async (d) => {
  const title = 'clock';
  if (!d.serverDate) return { id: 'clock', title, status: 'skip', summary: 'not checked' };
  let server: Date | null;
  try {
    server = await d.serverDate();
  } catch (err) {
    return { id: 'clock', title, status: 'skip', summary: `could not read a server time: ${(err as Error).message}` };
  }
  if (!server) return { id: 'clock', title, status: 'skip', summary: 'the server sent no Date header' };
  const skew = (d.now().getTime() - server.getTime()) / 1000;
  const text = `local clock is ${Math.abs(skew).toFixed(0)} s ${skew >= 0 ? 'ahead of' : 'behind'} the server`;
  // Date headers have 1 s resolution plus the round trip; rate windows reset on the quarter hour.
  if (Math.abs(skew) > 300)
    return {
      id: 'clock',
      title,
      status: 'fail',
      summary: text,
      fix: 'turn on time sync: sudo timedatectl set-ntp true',
    };
  if (Math.abs(skew) > 30)
    return {
      id: 'clock',
      title,
      status: 'warn',
      summary: text,
      fix: 'turn on time sync: sudo timedatectl set-ntp true',
    };
  return { id: 'clock', title, status: 'ok', summary: text };
};

const checkDisk: Check = async (d) => {
  const title = 'disk';
  let free: number;
  try {
    free = await (d.freeBytes ?? defaultFreeBytes)(d.dataDir);
  } catch (err) {
    return {
      id: 'disk',
      title,
      status: 'skip',
      summary: `could not read free space: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    };
  }
  const text = `${free >= GB ? `${(free / GB).toFixed(1)} GB` : `${Math.round(free / MB)} MB`} free in ${d.dataDir}`;
  if (free < 100 * MB)
    return {
      id: 'disk',
      title,
      status: 'fail',
      summary: text,
      fix: 'free some space: the database cannot grow (backups, logs and old exports are the usual suspects)',
    };
  if (free < 1 * GB)
    return { id: 'disk', title, status: 'warn', summary: text, fix: 'less than 1 GB left; free some space soon' };
  return { id: 'disk', title, status: 'ok', summary: text };
};

const checkDaemon: Check = async (d) => {
  const title = 'daemon';
  if (!d.daemon) return { id: 'daemon', title, status: 'skip', summary: 'not checked' };
  const r = await d.daemon();
  if (r.running)
    return {
      id: 'daemon',
      title,
      status: 'ok',
      summary: `running, answering on ${r.url}${r.detail ? ` (${r.detail})` : ''}`,
    };
  return {
    id: 'daemon',
    title,
    status: 'warn',
    summary: `not running (nothing answers on ${r.url}${r.detail ? `: ${r.detail}` : ''}); nothing syncs automatically`,
    fix: 'start it: systemctl --user enable --now bandsync (see docs/deploy.md) or bandsync daemon',
  };
};

const checkWorkouts: Check = async (d) => {
  const title = 'workouts';
  if (!d.workouts) return { id: 'workouts', title, status: 'skip', summary: 'not checked (no database)' };
  const r = await d.workouts();
  const { done, scheduled, needsUser, stuck } = r.standing;
  const text = `${done} done, ${scheduled} in progress, ${needsUser} waiting for you${r.waitingForBackfill ? ` (${r.waitingForBackfill} of them for a backfill)` : ''}, ${stuck} stuck`;
  if (stuck > 0)
    return {
      id: 'workouts',
      title,
      status: 'fail',
      summary: `${text}: ${r.stuck
        .slice(0, 5)
        .map((w) => `${w.workoutId} (${w.state}): ${w.reason}`)
        .join('; ')}${stuck > 5 ? '; …' : ''}`,
      fix: r.stuck
        .slice(0, 5)
        .map((w) => `${w.workoutId}: ${w.fix}`)
        .join('; '),
    };
  // History waiting for a backfill is a choice, not a problem; anything else waiting for you is worth a warning.
  if (needsUser > r.waitingForBackfill)
    return {
      id: 'workouts',
      title,
      status: 'warn',
      summary: text,
      fix: 'bandsync status lists what waits for you and the fix of each',
    };
  return { id: 'workouts', title, status: 'ok', summary: text };
};

export const CHECKS: readonly Check[] = [
  checkDataDir,
  checkDataDirPrivate,
  checkDatabase,
  checkZepp,
  checkMiFitness,
  checkStrava,
  checkBudget,
  checkClock,
  checkDisk,
  checkDaemon,
  checkWorkouts,
];

/** Runs every check; a check that throws is reported as failed, never aborts the others. Secrets are redacted. */
export async function runDoctor(deps: DoctorDeps): Promise<CheckResult[]> {
  const redactor = deps.redactor ?? createRedactor();
  const results = await Promise.all(
    CHECKS.map(async (check, i): Promise<CheckResult[]> => {
      try {
        const r = await check(deps);
        return Array.isArray(r) ? r : [r];
      } catch (err) {
        return [
          { id: `check-${i}`, title: 'doctor', status: 'fail', summary: `check crashed: ${(err as Error).message}` },
        ];
      }
    }),
  );
  return results
    .flat()
    .map((r) => ({ ...r, summary: redactor.redact(r.summary), ...(r.fix ? { fix: redactor.redact(r.fix) } : {}) }));
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

export function formatDoctor(results: readonly CheckResult[]): string {
  return (
    results
      .map(
        (r) =>
          `${MARK[r.status]} ${r.title.padEnd(12)} ${r.summary}${r.fix && r.status !== 'ok' ? `\n  ${' '.repeat(13)}fix: ${r.fix}` : ''}`,
      )
      .join('\n') + '\n'
  );
}

/** Reads a server's Date header (HEAD, no credentials) for the clock check. */
export async function fetchServerDate(
  url: string,
  doFetch: typeof fetch = fetch,
  timeoutMs = 5000,
): Promise<Date | null> {
  const res = await doFetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const header = res.headers.get('date');
  const t = header ? Date.parse(header) : NaN;
  return Number.isNaN(t) ? null : new Date(t);
}

/** Asks the daemon's /healthz whether it runs. */
export async function probeDaemon(
  baseUrl: string,
  doFetch: typeof fetch = fetch,
  timeoutMs = 3000,
): Promise<{ running: boolean; url: string; detail?: string }> {
  const url = new URL('/healthz', baseUrl).toString();
  try {
    const res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? { running: true, url } : { running: false, url, detail: `HTTP ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { running: false, url, detail: cause ?? (err as Error).message };
  }
}
