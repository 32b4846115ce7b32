// bandsync simulate zepp|mi-fitness|strava --port P: a simulator on its own, for trying
// bandsync or another client without real accounts. The first stdout line is
// one JSON object with the base URL and the credentials that work against it.
import type { Command } from 'commander';

export function register(program: Command): void {
  const simulate = program
    .command('simulate')
    .description('Run a Zepp cloud, Mi Fitness cloud or Strava simulator on loopback');

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
    .command('mi-fitness')
    .description(
      'The Xiaomi Mi Fitness cloud: passport, regional health hosts, FDS files (use with BANDSYNC_MI_FITNESS_URL)',
    )
    .option('--port <port>', 'port (0 = any free port)', '0')
    .option('--host <host>', 'bind address', '127.0.0.1')
    .option('--workouts <n>', 'workouts in the generated history', '250')
    .option('--seed <seed>', 'seed of the generated history', '1')
    .option('--region <region>', "the account's regional shard (cn, sg, us, de, ru, i2)", 'de')
    .option(
      '--login-challenge <kind>',
      'the password login answers captcha, step2 or notification (browser sign-in works)',
    )
    .action(
      async (opts: {
        port: string;
        host: string;
        workouts: string;
        seed: string;
        region: string;
        loginChallenge?: string;
      }) => {
        const { startMiFitnessSimulator, MI_SIM_REGIONS } = await import('../../simulators/mi-fitness/index.js');
        const region = MI_SIM_REGIONS.find((r) => r === opts.region);
        if (!region) throw new Error(`--region must be one of ${MI_SIM_REGIONS.join(', ')}`);
        const sim = await startMiFitnessSimulator({
          port: Number(opts.port),
          host: opts.host,
          workouts: Number(opts.workouts),
          seed: Number(opts.seed),
          region,
        });
        const challenge = opts.loginChallenge;
        if (challenge === 'captcha' || challenge === 'step2' || challenge === 'notification')
          sim.control.setLoginChallenge(challenge);
        else if (challenge !== undefined) throw new Error('--login-challenge must be captcha, step2 or notification');
        process.stdout.write(JSON.stringify({ baseUrl: sim.url, ...sim.credentials }) + '\n');
        await untilStopped(() => sim.close());
      },
    );

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
