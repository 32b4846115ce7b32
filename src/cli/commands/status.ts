// bandsync status [--json]: accounts and their health, workouts per state,
// the Strava budget, and what needs the user, each with the command that fixes it.
// While the daemon runs on the embedded database, the answer comes from it.
import type { Command } from 'commander';
import type { StatusReport } from '../../app/status.js';
import { withDaemonOrApp } from '../app.js';
import { printJson } from '../print-json.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('Show connected accounts, workouts per state and anything that needs you')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const status = await withDaemonOrApp(
        (api) => api.status(),
        async (app): Promise<StatusReport | AthleteStatus[]> => {
          const { buildStatusReport } = await import('../../app/status.js');
          const where = { dataDir: app.config.dataDir, database: app.storeKind };
          const all = await app.athletes.list();
          // Several athletes and none named: one report per athlete.
          if (app.athlete || all.length <= 1)
            return buildStatusReport({ store: app.store, budget: app.budget, now: app.clock.now() }, where);
          const out: AthleteStatus[] = [];
          for (const a of all) {
            const one = await app.forAthlete(a);
            out.push({
              athlete: a.name,
              ...(await buildStatusReport({ store: one.store, budget: app.budget, now: app.clock.now() }, where)),
            });
          }
          return out;
        },
      );
      if (Array.isArray(status)) {
        if (opts.json) printJson({ athletes: status });
        else process.stdout.write(status.map((s) => `Athlete ${s.athlete}:\n${render(s)}`).join('\n'));
      } else if (opts.json) printJson(status);
      else process.stdout.write(render(status));
    });
}

type AthleteStatus = StatusReport & { readonly athlete: string };

function render(status: StatusReport): string {
  const via = status.via
    ? `; answered by the running daemon, pid ${status.via.daemonPid}, dashboard ${status.via.dashboard}`
    : '';
  const out: string[] = [`Data: ${status.dataDir} (${status.database}${via})`, '', 'Accounts:'];
  if (status.accounts.length === 0)
    out.push('  none — connect one: bandsync connect zepp … / bandsync connect strava …');
  for (const a of status.accounts)
    out.push(
      `  ${a.status === 'ok' ? '✓' : '!'} ${a.kind.padEnd(13)} ${a.label}${a.problem ? `\n      ${a.problem}: ${a.fix}` : ''}`,
    );
  out.push('', 'Workouts:');
  const entries = Object.entries(status.workouts);
  if (entries.length === 0) out.push('  none yet');
  for (const [state, n] of entries) out.push(`  ${state.padEnd(12)} ${n}`);
  if (status.waitingForBackfill)
    out.push(
      '',
      `${status.waitingForBackfill} workout(s) recorded before their account was connected wait for a backfill: bandsync sync --all (or --since DATE)`,
    );
  if (status.stuck.length) {
    out.push('', 'Stuck (nothing will move these by itself; please report it):');
    for (const s of status.stuck) out.push(`  ${s.workoutId} (${s.startTime}, ${s.state}): ${s.reason}. Fix: ${s.fix}`);
  }
  if (status.needsUser.length) {
    out.push('', 'Needs you:');
    for (const n of status.needsUser) out.push(`  ${n.workoutId} (${n.startTime}): ${n.fix}`);
  }
  // A daemon of an older release answers without it.
  const pending = status.pendingStravaUpdates ?? [];
  if (pending.length) {
    out.push('', 'Strava updates pending (a sport changed here; sent by the next sync or poll):');
    for (const p of pending)
      out.push(`  ${p.workoutId}${p.notBefore ? ` (not before ${p.notBefore})` : ''}: ${p.reason ?? ''}`);
  }
  const b = status.stravaBudget;
  out.push(
    '',
    `Strava budget: ${b.overall.usage15}/${b.overall.limit15} per 15 min, ${b.overall.usageDay}/${b.overall.limitDay} today (reads ${b.read.usage15}/${b.read.limit15}, ${b.read.usageDay}/${b.read.limitDay})${b.blockedUntil ? `; blocked until ${b.blockedUntil}` : ''}`,
  );
  return out.join('\n') + '\n';
}
