// bandsync athlete add NAME · athlete list [--json] · athlete remove NAME [--yes] · athlete admin NAME
// · athlete invites [--json] · athlete revoke-invite NAME
// Several people on one instance (issue 18), each with their own sources and
// Strava account, sharing the Strava application's rate limits.
import type { Command } from 'commander';
import { withApp } from '../app.js';
import { printJson } from '../print-json.js';

export function register(program: Command): void {
  const athlete = program
    .command('athlete')
    .description('Several athletes on one instance: add, list or remove them (then --athlete NAME on other commands)');

  athlete
    .command('add <name>')
    .description('Add an athlete; connect their accounts with --athlete NAME')
    .action(async (name: string) => {
      const added = await withApp({ quick: true }, (app) => app.athletes.add(name));
      process.stdout.write(
        `Added athlete ${added.name}. Connect their accounts: bandsync connect strava --athlete ${added.name}, bandsync connect zepp --athlete ${added.name} …\n`,
      );
    });

  athlete
    .command('list')
    .description('List the athletes, their accounts and workouts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { administratorAthlete, athleteOverviews } = await import('../../app/athletes.js');
      const [overviews, admin] = await withApp({ quick: true }, async (app) =>
        Promise.all([athleteOverviews(app), administratorAthlete(app)]),
      );
      const list = overviews.map((a) => ({
        ...a,
        // The dashboard's administrator is this athlete: they see its Strava data (athlete admin NAME).
        administrator: a.id === admin?.id,
        accounts: a.accounts.map((x) => ({ id: x.id, kind: x.kind, label: x.label, status: x.status })),
      }));
      if (opts.json) return printJson(list);
      if (list.length === 0) {
        process.stdout.write(
          'No athletes yet: the first connection creates one named "me" (or add one: bandsync athlete add NAME).\n',
        );
        return;
      }
      for (const a of list) {
        const total = Object.values(a.workouts).reduce((n, x) => n + x, 0);
        const strava = a.stravaAthleteId
          ? `Strava athlete ${a.stravaAthleteId}`
          : a.accounts.some((x) => x.kind === 'strava')
            ? 'Strava connected'
            : 'Strava not connected';
        const sources = a.accounts.filter((x) => x.kind !== 'strava').map((x) => x.kind);
        process.stdout.write(
          `${a.name}${a.administrator && list.length > 1 ? ' (administrator)' : ''}  ${strava}; sources: ${sources.length ? sources.join(', ') : 'none'}; ${total} workout${total === 1 ? '' : 's'}\n`,
        );
      }
    });

  athlete
    .command('admin <name>')
    .description(
      "Say which athlete the dashboard's administrator is: the one whose Strava data the dashboard shows them (default: the first athlete)",
    )
    .action(async (name: string) => {
      const { setAdministratorAthlete } = await import('../../app/athletes.js');
      const set = await withApp({ quick: true }, (app) => setAdministratorAthlete(app, name));
      process.stdout.write(
        `The dashboard's administrator is ${set.name}: other athletes' pages show their band's data and sync states, not their Strava data.\n`,
      );
    });

  athlete
    .command('invites')
    .description(
      "List the dashboard's invite links not yet used or expired: for whom and until when (the links are not kept)",
    )
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { pendingInvites } = await import('../../app/invites.js');
      const pending = await withApp({ quick: true }, (app) => pendingInvites(app));
      if (opts.json) return printJson(pending);
      if (pending.length === 0) {
        process.stdout.write('No pending invites (the dashboard makes them on its Athletes page).\n');
        return;
      }
      for (const i of pending) process.stdout.write(`${i.name}  made ${i.createdAt}, valid until ${i.expiresAt}\n`);
    });

  athlete
    .command('revoke-invite <name>')
    .description("Revoke the athlete's pending invite links: they stop working at once (the athlete stays)")
    .action(async (name: string) => {
      const { revokeInvites } = await import('../../app/invites.js');
      const revoked = await withApp({ quick: true }, (app) => revokeInvites(app, name));
      process.stdout.write(
        `Revoked ${revoked === 1 ? 'the invite' : `${revoked} invites`} for ${name}: ${revoked === 1 ? 'its link no longer works' : 'their links no longer work'}.\n`,
      );
    });

  athlete
    .command('remove <name>')
    .description('Remove an athlete: their Strava access is revoked, their accounts, workouts and log deleted')
    .option('--yes', 'do not ask for confirmation')
    .action(async (name: string, opts: { yes?: boolean }) => {
      if (!opts.yes) {
        const { askLine } = await import('../prompt.js');
        const answer = await askLine(
          `Remove athlete ${name}, revoke their Strava access and delete their accounts, workouts and log? Type the name to confirm: `,
        );
        if (answer !== name)
          throw new Error(
            answer === null
              ? `not confirmed (no terminal to ask): run bandsync athlete remove ${name} --yes`
              : 'not confirmed: nothing was removed',
          );
      }
      const { removeAthlete } = await import('../../app/athletes.js');
      const { revoked } = await withApp({ quick: true }, (app) => removeAthlete(app, name));
      process.stdout.write(
        `Removed athlete ${name}${revoked ? ' (Strava access revoked)' : ''}; their accounts, workouts and log are deleted.\n`,
      );
    });
}
