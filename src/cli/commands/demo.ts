// bandsync demo: the whole product in one command, with nothing real at
// stake. Both simulators start on loopback, both accounts connect through
// their real login/OAuth code paths, and a generated history is backfilled
// into the embedded database on a simulated clock (Strava's 15-minute rate
// windows pass in an instant instead of being waited out).
// What it runs is loaded when it runs (--help loads none of it).
import { rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { withApp } from '../app.js';

interface Options {
  workouts: string;
  seed: string;
  dataDir?: string;
  json?: boolean;
  source: string;
  serve?: boolean;
  port: string;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'Sync a generated Zepp (or Mi Fitness) history to a simulated Strava, end to end, on the embedded database',
    )
    .option('--workouts <n>', 'workouts in the generated history', '250')
    .option('--seed <seed>', 'seed of the generated history', '1')
    .option('--data-dir <dir>', 'where the demo database goes (wiped first)')
    .option('--json', 'print one JSON object')
    .option('--source <source>', 'the simulated band cloud: zepp or mi-fitness', 'zepp')
    .option('--serve', 'then keep both simulators and the dashboard running until Ctrl+C')
    .option('--port <port>', 'with --serve: the dashboard port (0 = any free port)', '8377')
    .action(async (opts: Options) => {
      if (opts.source !== 'zepp' && opts.source !== 'mi-fitness')
        throw new Error('--source must be zepp or mi-fitness');
      const mi = opts.source === 'mi-fitness';
      const [
        { default: envPaths },
        { simulatedClock },
        { syncNow },
        { printJson, progressView },
        { renderSummary },
        { waitForOAuthCallback },
        { untilStopped },
      ] = await Promise.all([
        import('env-paths'),
        import('../../clock.js'),
        import('../../app/sync.js'),
        import('../output.js'),
        import('../render.js'),
        import('../oauth-callback.js'),
        import('./simulate.js'),
      ]);
      const dataDir = opts.dataDir ?? join(envPaths('bandsync', { suffix: '' }).data, 'demo');
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // parents too: the default data dir is one
      const clock = simulatedClock();
      const say = (s: string) => {
        if (!opts.json) process.stderr.write(s + '\n');
      };
      const [{ startZeppSimulator }, { startMiFitnessSimulator }, { startStravaSimulator }] = await Promise.all([
        import('../../simulators/zepp-cloud/index.js'),
        import('../../simulators/mi-fitness/index.js'),
        import('../../simulators/strava/index.js'),
      ]);
      const history = { seed: Number(opts.seed), workouts: Number(opts.workouts), now: () => clock.now() };
      const band = mi ? await startMiFitnessSimulator(history) : await startZeppSimulator(history);
      const strava = await startStravaSimulator({ now: () => clock.now() });
      say(`${mi ? 'Mi Fitness' : 'Zepp'} cloud simulator: ${band.url}\nStrava simulator:      ${strava.url}`);
      try {
        const flags = {
          dataDir,
          ...(mi ? { miFitnessUrl: band.url } : { zeppUrl: band.url }),
          stravaUrl: strava.url,
          stravaClientId: strava.credentials.clientId,
          stravaClientSecret: strava.credentials.clientSecret,
        };
        await withApp({ flags, clock }, async (app) => {
          if (mi) {
            const { email, password } = band.credentials;
            const outcome = await app.accounts.connectMiFitness({ email, password, baseUrl: band.url });
            if (outcome.kind !== 'connected') throw new Error(outcome.reason);
            say('Mi Fitness: signed in to the Xiaomi account with e-mail and password');
          } else {
            const { email, password } = band.credentials;
            await app.accounts.connectZepp({ email, password, baseUrl: band.url });
            say('Zepp: logged in with e-mail and password');
          }
          // The real browser flow, with the simulator's consent page approving at once.
          const { code, scope } = await waitForOAuthCallback(
            (redirectUri, state) => app.accounts.stravaAuthorizeUrl({ redirectUri, state }),
            (url) => {
              void fetch(url).catch(() => {});
            },
          );
          await app.accounts.connectStravaWithCode({ code, scope });
          say('Strava: connected through OAuth\nBackfilling the whole history…');
          const view = progressView({ json: !!opts.json });
          const summary = await syncNow(app, {
            all: true,
            onProgress: view.listener,
            wait: (until) => clock.wait(until),
          })
            .then((s) => ({ ...s, simulatedWaitSeconds: Math.round(clock.skippedMs() / 1000) }))
            .finally(() => view.stop());
          const onStrava = strava.control.activities().length;
          if (opts.json) printJson({ ...summary, dataDir, activitiesOnStrava: onStrava });
          else
            process.stdout.write(
              [
                '',
                renderSummary(summary),
                `Activities now on the Strava simulator: ${onStrava}`,
                `Rate-limit waits skipped by the simulated clock: ${Math.round(summary.simulatedWaitSeconds / 60)} min`,
                '',
                'Where to look:',
                `  data (embedded PostgreSQL): ${dataDir}`,
                `  BANDSYNC_DATA_DIR=${dataDir} npx bandsync status`,
                `  BANDSYNC_DATA_DIR=${dataDir} npx bandsync log`,
                opts.serve
                  ? ''
                  : '  npx bandsync demo --serve     (the same, then the dashboard with both simulators kept running)',
                '',
              ].join('\n'),
            );
          if (!opts.serve) return;
          // The dashboard needs the simulators it synced with (its dry runs and Strava's numbers ask them),
          // so all three run in this process until Ctrl+C; "View on Strava" opens the simulator's page.
          const { startDaemon } = await import('../../daemon.js');
          const daemon = await startDaemon(app, { port: Number(opts.port), host: '127.0.0.1' });
          const line = `Dashboard: ${daemon.url}   (the ${mi ? 'Mi Fitness' : 'Zepp'} and Strava simulators keep running with it; Ctrl+C stops all three)`;
          if (opts.json) process.stderr.write(line + '\n');
          else process.stdout.write(line + '\n');
          await untilStopped(() => daemon.close());
        });
      } finally {
        await Promise.all([band.close(), strava.close()]);
      }
    });
}
