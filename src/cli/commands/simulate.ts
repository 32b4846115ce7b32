// bandsync simulate zepp|strava --port P: a simulator on its own, for trying
// bandsync or another client without real accounts. The first stdout line is
// one JSON object with the base URL and the credentials that work against it.
import type { Command } from 'commander';

export function register(program: Command): void {
  const simulate = program.command('simulate').description('Run a Zepp cloud or Strava simulator on loopback');

  simulate
    .command('zepp')
    .option('--port <port>', 'port (0 = any free port)', '0')
    .option('--host <host>', 'bind address', '127.0.0.1')
    .option('--workouts <n>', 'workouts in the generated history', '250')
    .option('--seed <seed>', 'seed of the generated history', '1')
    .option(
      '--newer-account',
      'behave like a newer Zepp account: e-mail/password login only through the encrypted flow',
    )
    .action(async (opts: { port: string; host: string; workouts: string; seed: string; newerAccount?: boolean }) => {
      const { startZeppSimulator } = await import('../../simulators/zepp-cloud/index.js');
      const sim = await startZeppSimulator({
        port: Number(opts.port),
        host: opts.host,
        workouts: Number(opts.workouts),
        seed: Number(opts.seed),
        newerAccount: !!opts.newerAccount,
      });
      process.stdout.write(JSON.stringify({ url: sim.url, ...sim.credentials }) + '\n');
      await untilStopped(() => sim.close());
    });

  simulate
    .command('strava')
    .option('--port <port>', 'port (0 = any free port)', '0')
    .option('--host <host>', 'bind address', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const { startStravaSimulator } = await import('../../simulators/strava/index.js');
      const sim = await startStravaSimulator({ port: Number(opts.port), host: opts.host });
      process.stdout.write(JSON.stringify({ url: sim.url, ...sim.credentials }) + '\n');
      await untilStopped(() => sim.close());
    });
}

export function untilStopped(close: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      void close().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
