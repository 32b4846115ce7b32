// argv → exit code. Each command lives in cli/commands/ and registers itself.
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { setAthlete, setConfigFile } from './app.js';

export async function main(argv: string[]): Promise<number> {
  // Everything bandsync writes (data dir, keys, exports) is the owner's alone.
  process.umask(0o077);
  const program = new Command('bandsync')
    .description('Keeps your Strava complete and correct with the workouts your Mi Band / Amazfit recorded.')
    .option('--config <file>', 'config file (else BANDSYNC_CONFIG or the per-user config.toml)')
    .option(
      '--athlete <name>',
      'the athlete a command acts for (bandsync athlete list); may be left out when there is one athlete',
    )
    .exitOverride()
    .showHelpAfterError();
  // The global --config reaches every command that opens the app.
  program.hook('preAction', (cmd) => {
    const opts = cmd.opts<{ config?: string; athlete?: string }>();
    setConfigFile(opts.config);
    setAthlete(opts.athlete);
  });
  registerCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`bandsync: ${message}\n`);
    if (process.env.BANDSYNC_DEBUG) console.error(err);
    return 1;
  }
}
