// Prometheus text exposition (format 0.0.4) from a plain snapshot. The daemon
// gathers the snapshot from the store, queue and rate budget on each scrape;
// this file only renders, so it is pure and testable with a parser.
import type { RateBudgetSnapshot } from '../sync/ports.js';

export interface SourcePollStat {
  readonly accountId: string;
  readonly kind: string;
  /** Duration of the last completed poll. */
  readonly lastLatencySeconds: number;
  /** When the last poll finished (ISO). */
  readonly lastPollAt: string | null;
  readonly ok: boolean;
}

export interface QueueStat {
  readonly depth: number;
  /** Age of the oldest job not yet completed; 0 when empty. */
  readonly oldestAgeSeconds: number;
}

export interface MetricsSnapshot {
  /** Sync records by state (store.countByState()). */
  readonly workoutsByState: Readonly<Record<string, number>>;
  /** Uploads sent to Strava since the process started. */
  readonly uploadsTotal: number;
  /** Failures recorded since the process started, by failure code. */
  readonly failuresByCode: Readonly<Record<string, number>>;
  readonly stravaBudget: RateBudgetSnapshot | null;
  readonly sourcePolls: readonly SourcePollStat[];
  readonly queues: Readonly<Record<string, QueueStat>>;
  readonly process?: {
    readonly uptimeSeconds: number;
    readonly residentMemoryBytes: number;
    readonly heapUsedBytes: number;
  };
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;
interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: [Labels, number][];
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function renderMetrics(s: MetricsSnapshot): string {
  const families: Family[] = [];
  const fam = (name: string, type: Family['type'], help: string, samples: [Labels, number][]) =>
    families.push({ name, type, help, samples });

  fam(
    'bandsync_workouts',
    'gauge',
    'Sync records by state.',
    Object.entries(s.workoutsByState)
      .sort()
      .map(([state, n]) => [{ state }, n]),
  );
  fam('bandsync_uploads_total', 'counter', 'Uploads sent to Strava by this process.', [[{}, s.uploadsTotal]]);
  fam(
    'bandsync_failures_total',
    'counter',
    'Failures recorded by this process, by failure code.',
    Object.entries(s.failuresByCode)
      .sort()
      .map(([code, n]) => [{ code }, n]),
  );

  if (s.stravaBudget) {
    const b = s.stravaBudget;
    const windows: [string, string, number, number][] = [
      ['overall', '15m', b.overall.limit15, b.overall.usage15],
      ['overall', 'day', b.overall.limitDay, b.overall.usageDay],
      ['read', '15m', b.read.limit15, b.read.usage15],
      ['read', 'day', b.read.limitDay, b.read.usageDay],
    ];
    fam(
      'bandsync_strava_requests_used',
      'gauge',
      'Strava requests used in the current window (from X-RateLimit-Usage).',
      windows.map(([kind, window, , used]) => [{ kind, window }, used]),
    );
    fam(
      'bandsync_strava_requests_left',
      'gauge',
      'Strava requests left in the current window.',
      windows.map(([kind, window, limit, used]) => [{ kind, window }, Math.max(0, limit - used)]),
    );
    fam(
      'bandsync_strava_requests_limit',
      'gauge',
      'Strava request limit of the window.',
      windows.map(([kind, window, limit]) => [{ kind, window }, limit]),
    );
    fam('bandsync_strava_blocked', 'gauge', '1 while a 429 blocks all Strava requests until the next window.', [
      [{}, b.blockedUntil ? 1 : 0],
    ]);
  }

  fam(
    'bandsync_source_poll_latency_seconds',
    'gauge',
    'Duration of the last poll of each source account.',
    s.sourcePolls.map((p) => [{ account: p.accountId, kind: p.kind }, p.lastLatencySeconds]),
  );
  fam(
    'bandsync_source_last_poll_timestamp_seconds',
    'gauge',
    'Unix time of the last finished poll of each source account.',
    s.sourcePolls
      .filter((p) => p.lastPollAt)
      .map((p) => [{ account: p.accountId, kind: p.kind }, Date.parse(p.lastPollAt!) / 1000]),
  );
  fam(
    'bandsync_source_up',
    'gauge',
    '1 if the last poll of the source account succeeded.',
    s.sourcePolls.map((p) => [{ account: p.accountId, kind: p.kind }, p.ok ? 1 : 0]),
  );

  const queues = Object.entries(s.queues).sort();
  fam(
    'bandsync_queue_depth',
    'gauge',
    'Jobs not yet completed, by queue.',
    queues.map(([queue, q]) => [{ queue }, q.depth]),
  );
  fam(
    'bandsync_queue_oldest_job_age_seconds',
    'gauge',
    'Age of the oldest job not yet completed, by queue.',
    queues.map(([queue, q]) => [{ queue }, q.oldestAgeSeconds]),
  );

  if (s.process) {
    fam('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [
      [{}, s.process.residentMemoryBytes],
    ]);
    fam('bandsync_heap_used_bytes', 'gauge', 'V8 heap in use in bytes.', [[{}, s.process.heapUsedBytes]]);
    fam('bandsync_uptime_seconds', 'gauge', 'Seconds since the process started.', [[{}, s.process.uptimeSeconds]]);
  }

  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const [labels, value] of f.samples) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      out.push(`${f.name}${l ? `{${l}}` : ''} ${formatValue(value)}`);
    }
  }
  return out.join('\n') + '\n';
}
