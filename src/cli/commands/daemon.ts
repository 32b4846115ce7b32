// bandsync daemon | worker | serve.
import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import type { DaemonOptions } from '../../daemon.js';
import { onShutdown } from '../shutdown.js';
import { getAthlete, getConfigFile } from '../app.js';

interface Flags {
  port?: string;
  host?: string;
  concurrency?: string;
  all?: boolean;
}

async function run(
  flags: Flags,
  mode: Pick<DaemonOptions, 'work' | 'dashboard'>,
  requireServer: boolean,
  command: string,
): Promise<void> {
  refuseAthlete(command);
  heapGrowth();
  const [{ openApp }, { startDaemon }] = await Promise.all([import('../../compose.js'), import('../../daemon.js')]);
  const app = await openApp({
    configFile: getConfigFile(),
    flags: { ...(flags.port ? { port: Number(flags.port) } : {}), ...(flags.host ? { host: flags.host } : {}) },
  });
  if (requireServer && app.storeKind !== 'postgres') {
    await app.close();
    throw new Error(
      'bandsync worker shares a PostgreSQL database with the daemon: set DATABASE_URL. On one machine, bandsync daemon runs the workers itself.',
    );
  }
  // SIGTERM/SIGINT: waits and new uploads stop at once, the rest closes; exit within 10 s in every state.
  const shutdown = onShutdown({ quiet: true });
  try {
    const daemon = await startDaemon(app, {
      ...mode,
      port: app.config.port,
      host: app.config.host,
      concurrency: Number(flags.concurrency ?? 1),
      password: process.env.BANDSYNC_DASHBOARD_PASSWORD,
      all: flags.all,
    });
    app.logger.info('bandsync started', {
      mode: mode.work === false ? 'serve' : mode.dashboard === false ? 'worker' : 'daemon',
      url: daemon.url,
      database: app.storeKind,
    });
    if (daemon.url) process.stdout.write(`bandsync dashboard: ${daemon.url}\n`);
    const name = await shutdown.requested;
    await daemon.close();
    app.logger.info('bandsync stopped', { signal: name });
  } finally {
    await app.close();
    shutdown.dispose();
  }
  // Nothing left to wait for: a timer or socket still open must not keep the process past its stop.
  process.exit(0);
}

/**
 * BANDSYNC_HEAP_GROWING_PERCENT=N (deploy/bandsync.service, the worker's unit and
 * the Dockerfile set 25; unset: V8's own policy): after each full collection V8
 * lets the JavaScript heap grow to (1 + N/100) times what survived it before the
 * next one, instead of up to about 4 times. A backfill makes short-lived garbage
 * fast (every workout is fetched, parsed, stored, read back, encoded and sent),
 * and with about 40-50 MB alive V8 let the heap reach 120-170 MB between
 * collections: most of the daemon's peak RSS (issue 17, npm run bench memory).
 * A growth policy, not a cap: a 55 MB file converted in the daemon still gets
 * the heap it needs (unlike --max-old-space-size), at the price of more frequent
 * full collections. Only the long-running commands read it; it cannot be given in
 * NODE_OPTIONS (Node refuses V8 flags it does not list there), so it is set here,
 * before the work starts (V8 reads it at every collection).
 */
export function heapGrowth(env: NodeJS.ProcessEnv = process.env): number | null {
  const value = env.BANDSYNC_HEAP_GROWING_PERCENT;
  if (value === undefined || value === '') return null;
  const percent = Number(value);
  if (!Number.isInteger(percent) || percent < 1 || percent > 1000)
    throw new Error(`BANDSYNC_HEAP_GROWING_PERCENT=${value}: give a whole number of percent from 1 to 1000`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}

/**
 * The daemon, its workers and the dashboard serve every athlete: Strava's
 * limits are one application's, shared fairly by one scheduler, and on
 * PostgreSQL every worker takes the next job of any athlete. A daemon for one
 * athlete would leave the others' workouts unsynced (only one daemon holds an
 * embedded data dir), so --athlete is refused rather than half-honoured.
 */
function refuseAthlete(command: string): void {
  const name = getAthlete();
  if (name === undefined) return;
  throw new Error(
    `bandsync ${command} serves every athlete (they share one Strava application's limits, and its queue takes any athlete's work): run it without --athlete. For ${name} alone: bandsync --athlete ${name} sync, or bandsync --athlete ${name} watch DIR for a folder of their files`,
  );
}

export function register(program: Command): void {
  program
    .command('daemon')
    .description('Poll the sources on a schedule, upload new workouts, serve the dashboard')
    .option('--port <port>', 'dashboard port')
    .option('--host <host>', 'dashboard bind address (non-loopback needs BANDSYNC_DASHBOARD_PASSWORD)')
    .option('--concurrency <n>', 'upload windows processed at once', '1')
    .option('--all', 'also upload history recorded before the accounts were connected')
    .action((flags: Flags) => run(flags, {}, false, 'daemon'));
  program
    .command('worker')
    .description('Run queue workers only (several, on one or many machines, against the same DATABASE_URL)')
    .option('--concurrency <n>', 'upload windows processed at once', '1')
    .action((flags: Flags) => run(flags, { dashboard: false }, true, 'worker'));
  program
    .command('serve')
    .description('Serve the dashboard only')
    .option('--port <port>', 'port')
    .option('--host <host>', 'bind address (non-loopback needs BANDSYNC_DASHBOARD_PASSWORD)')
    .action((flags: Flags) => run(flags, { work: false }, false, 'serve'));
}
