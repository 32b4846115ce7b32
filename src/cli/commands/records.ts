// bandsync log [WORKOUT_ID] · retry ID · skip ID: the ledger and the two
// actions a user takes on one workout.
import type { Command } from 'commander';
import { DESTINATION } from '../../sync/deps.js';
import { withDaemonOrApp } from '../app.js';
import { printJson } from '../print-json.js';

// The use cases load when a command runs, not at every start.
const actions = () => import('../../app/workout-actions.js');

export function register(program: Command): void {
  program
    .command('log [workoutId]')
    .description('Show the ledger: every decision and state change, with its reason')
    .option('-n, --limit <n>', 'entries to show', '50')
    .option('--json', 'print JSON')
    .action(async (workoutId: string | undefined, opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new Error(`--limit: "${opts.limit}" is not a positive whole number`);
      const entries = await withDaemonOrApp(
        (api) => api.log({ workoutId, limit }),
        (app) => app.store.listLedger({ workoutId, limit }),
      );
      if (opts.json) return printJson(entries);
      for (const e of entries) {
        const move = e.fromState || e.toState ? ` ${e.fromState ?? '·'} → ${e.toState ?? '·'}` : '';
        process.stdout.write(`${e.at}  ${e.workoutId ?? e.accountId ?? ''}${move}  ${e.reason}\n`);
      }
      if (entries.length === 0) process.stdout.write('The ledger is empty.\n');
    });

  program
    .command('retry <workoutId>')
    .description('Queue a failed, skipped or needs-you workout for upload again')
    .option('--accept-damaged', 'upload what could be read of a file held as damaged (source_damaged)')
    .action(async (workoutId: string, opts: { acceptDamaged?: boolean }) => {
      const options = { acceptDamaged: !!opts.acceptDamaged };
      const r = await withDaemonOrApp(
        (api) => api.retry(workoutId, options),
        async (app) => (await actions()).retryWorkout(app.deps, workoutId, options),
        { oneAthlete: true },
      );
      process.stdout.write(
        `${workoutId}: ${r.state}. It uploads on the next sync (the daemon's next poll, or bandsync sync).\n`,
      );
    });

  program
    .command('skip <workoutId>')
    .description('Never upload this workout')
    .option('--reason <text>', 'why', 'skipped by the user')
    .action(async (workoutId: string, opts: { reason: string }) => {
      const r = await withDaemonOrApp(
        (api) => api.skip(workoutId, opts.reason),
        async (app) => (await actions()).skipWorkout(app.deps, workoutId, opts.reason),
        { oneAthlete: true },
      );
      process.stdout.write(`${workoutId}: ${r.state} (${DESTINATION} will not get it).\n`);
    });
}
