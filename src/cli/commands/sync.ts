// bandsync sync [--all | --since DATE] [--dry-run] [--json]
import type { Command } from 'commander';
import type { SyncRunSummary } from '../../app/sync.js';
import type { AthleteSyncSummary } from '../../app/athletes.js';
import { runningDaemon, withApp } from '../app.js';
import type { LocalApiClient } from '../../local-api/client.js';
import { printJson } from '../print-json.js';
import { onShutdown } from '../shutdown.js';

export function register(program: Command): void {
  program
    .command('sync')
    .description('Read every connected source and upload what is new to Strava')
    .option('--all', 'backfill the whole history (default: only workouts recorded since the account was connected)')
    .option('--since <date>', 'backfill workouts that started on or after this date (YYYY-MM-DD or ISO time)')
    .option('--dry-run', 'show what would be uploaded or skipped, and why; change nothing on Strava')
    .option('--json', 'print one JSON object')
    .action(async (opts: { all?: boolean; since?: string; dryRun?: boolean; json?: boolean }) => {
      const since = opts.since ? parseDate(opts.since) : undefined;
      const daemon = await runningDaemon();
      if (daemon) return syncThroughDaemon(daemon, { all: opts.all, since, dryRun: opts.dryRun }, opts);
      const [{ syncNow }, { progressView }] = await Promise.all([import('../../app/sync.js'), import('../output.js')]);
      const shutdown = onShutdown();
      try {
        const summary = await withApp({}, async (app) => {
          const view = progressView({ json: !!opts.json });
          const options = {
            all: opts.all,
            since,
            dryRun: opts.dryRun,
            onProgress: view.listener,
            wait: (until: Date) => app.clock.wait(until, shutdown.signal),
            signal: shutdown.signal,
          };
          try {
            // Several athletes and none named: every athlete's, new workouts first.
            if (!app.athlete && (await app.athletes.list()).length > 1)
              return (await import('../../app/athletes.js')).syncEveryAthlete(app, options);
            return await syncNow(app, options);
          } finally {
            view.stop();
          }
        });
        if (Array.isArray(summary)) await outputEach(summary, opts);
        else await output(summary, opts);
      } catch (err) {
        // Stopped by SIGTERM/SIGINT: the database is closed; the next run resumes.
        if (!shutdown.signal.aborted) throw err;
        process.exitCode = 143;
      } finally {
        shutdown.dispose();
      }
    });
}

async function outputEach(summaries: AthleteSyncSummary[], opts: { json?: boolean; dryRun?: boolean }): Promise<void> {
  if (opts.json) printJson({ athletes: summaries });
  else {
    const { renderPlan, renderSummary } = await import('../render.js');
    for (const s of summaries) {
      process.stdout.write(`Athlete ${s.athlete}:\n`);
      if (opts.dryRun) process.stdout.write(renderPlan(s.plan) + '\n');
      process.stdout.write(renderSummary(s) + '\n');
    }
  }
  if (summaries.some((s) => s.stoppedBy || s.accounts.some((a) => a.problem))) process.exitCode = 3;
}

/** The daemon holds the embedded database: it plans a dry run itself, or starts the sync and answers at once. */
async function syncThroughDaemon(
  api: LocalApiClient,
  request: { all?: boolean; since?: string; dryRun?: boolean },
  opts: { json?: boolean; dryRun?: boolean },
): Promise<void> {
  const answer = await api.sync(request);
  if (!('started' in answer)) return await output(answer, opts);
  const where = `the running daemon (pid ${api.daemon.pid})`;
  if (opts.json) return printJson({ started: true, daemonPid: api.daemon.pid, dashboard: api.daemon.url });
  process.stdout.write(
    `${where} is syncing now; follow it with bandsync status, bandsync log, or on the dashboard at ${api.daemon.url}\n`,
  );
}

async function output(summary: SyncRunSummary, opts: { json?: boolean; dryRun?: boolean }): Promise<void> {
  if (opts.json) printJson(summary);
  else {
    const { renderPlan, renderSummary } = await import('../render.js');
    if (opts.dryRun) process.stdout.write(renderPlan(summary.plan) + '\n');
    process.stdout.write(renderSummary(summary) + '\n');
  }
  // Scripts (cron) must notice what needs the user: 3 = something needs you
  // (a stopped run or a source account), 0 otherwise; failed workouts are
  // reported in the summary and retried by the next run.
  if (summary.stoppedBy || summary.accounts.some((a) => a.problem)) process.exitCode = 3;
}

export function parseDate(text: string): string {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new Error(`--since: "${text}" is not a date (use YYYY-MM-DD or an ISO time)`);
  return new Date(ms).toISOString();
}
