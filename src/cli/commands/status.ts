// bandsync status [--json]: accounts and their health, workouts per state,
// the Strava budget, and what needs the user, each with the command that fixes it.
import type { Command } from 'commander';
import { ruleFor } from '../../sync/failures.js';
import { DESTINATION } from '../../sync/deps.js';
import { withApp } from '../app.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('Show connected accounts, workouts per state and anything that needs you')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const status = await withApp({}, async (app) => {
        const accounts = await app.store.listAccounts();
        const counts = await app.store.countByState(DESTINATION);
        const needsUser = await app.store.listRecords({ destination: DESTINATION, states: ['needs_user'], limit: 50 });
        const budget = await app.budget.snapshot(app.clock.now());
        return {
          dataDir: app.config.dataDir,
          database: app.storeKind,
          accounts: accounts.map((a) => ({ id: a.id, kind: a.kind, label: a.label, status: a.status, problem: a.problem, fix: a.problem ? ruleFor(a.problem).explain : null })),
          workouts: counts,
          needsUser: needsUser.map((r) => ({ workoutId: r.workoutId, startTime: r.startTime, code: r.code, fix: ruleFor(r.code ?? 'internal').explain })),
          stravaBudget: budget,
        };
      });
      if (opts.json) return printJson(status);
      const out: string[] = [`Data: ${status.dataDir} (${status.database})`, '', 'Accounts:'];
      if (status.accounts.length === 0) out.push('  none — connect one: bandsync connect zepp … / bandsync connect strava …');
      for (const a of status.accounts) out.push(`  ${a.status === 'ok' ? '✓' : '!'} ${a.kind.padEnd(13)} ${a.label}${a.problem ? `\n      ${a.problem}: ${a.fix}` : ''}`);
      out.push('', 'Workouts:');
      const entries = Object.entries(status.workouts);
      if (entries.length === 0) out.push('  none yet');
      for (const [state, n] of entries) out.push(`  ${state.padEnd(12)} ${n}`);
      if (status.needsUser.length) {
        out.push('', 'Needs you:');
        for (const n of status.needsUser) out.push(`  ${n.workoutId} (${n.startTime}): ${n.fix}`);
      }
      const b = status.stravaBudget;
      out.push('', `Strava budget: ${b.overall.usage15}/${b.overall.limit15} per 15 min, ${b.overall.usageDay}/${b.overall.limitDay} today (reads ${b.read.usage15}/${b.read.limit15}, ${b.read.usageDay}/${b.read.limitDay})${b.blockedUntil ? `; blocked until ${b.blockedUntil}` : ''}`);
      process.stdout.write(out.join('\n') + '\n');
    });
}
