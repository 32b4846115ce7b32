// bandsync connect strava|zepp|zepp-export|gadgetbridge|files …, and disconnect.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { withApp } from '../app.js';
import { waitForOAuthCallback } from '../oauth-callback.js';
import { askLine } from '../prompt.js';

export function register(program: Command): void {
  const connect = program.command('connect').description('Connect a source or your Strava account');

  connect
    .command('strava')
    .description('Connect Strava: opens the browser login, or takes a refresh token for headless set-ups')
    .option(
      '--refresh-token <token>',
      'headless: a refresh token of your Strava app with activity:write,activity:read_all',
    )
    .option('--client-id <id>', 'your Strava API application id (else STRAVA_CLIENT_ID)')
    .option('--client-secret <secret>', 'your Strava API application secret (else STRAVA_CLIENT_SECRET)')
    .option('--no-open', 'print the login URL instead of opening a browser')
    .action(async (opts: { refreshToken?: string; clientId?: string; clientSecret?: string; open: boolean }) => {
      const account = await withApp({ oneAthlete: true }, async (app) => {
        if (opts.refreshToken)
          return app.accounts.connectStravaWithRefreshToken({
            refreshToken: opts.refreshToken,
            clientId: opts.clientId,
            clientSecret: opts.clientSecret,
          });
        const { code, scope } = await waitForOAuthCallback(
          (redirectUri, state) => app.accounts.stravaAuthorizeUrl({ redirectUri, state, clientId: opts.clientId }),
          (url) => {
            process.stderr.write(
              `Open this address to let bandsync upload to your Strava (tick both boxes):\n  ${url}\nWaiting for Strava…\n`,
            );
            if (opts.open) openBrowser(url);
          },
        );
        return app.accounts.connectStravaWithCode({
          code,
          scope,
          clientId: opts.clientId,
          clientSecret: opts.clientSecret,
        });
      });
      process.stdout.write(`Connected: ${account.label} (${account.id})\n`);
    });

  connect
    .command('zepp')
    .description('Connect the Zepp / Zepp Life / Mi Fit cloud account')
    .option('--app-token <token>', 'a Zepp app token (from the app or a previous login)')
    .option('--user-id <id>', 'the Zepp user id that goes with the app token')
    .option('--email <email>', 'log in with e-mail …')
    .option('--password <password>', '… and password (prefer BANDSYNC_ZEPP_PASSWORD to keep it out of shell history)')
    .option('--url <url>', 'Zepp API base URL (else BANDSYNC_ZEPP_URL or the region discovered at login)')
    .option(
      '--region <region>',
      "your account's region (eu, us, or a country code such as DE): a newer account's login then asks only that region",
    )
    .action(
      async (opts: {
        appToken?: string;
        userId?: string;
        email?: string;
        password?: string;
        url?: string;
        region?: string;
      }) => {
        const password = opts.password ?? process.env.BANDSYNC_ZEPP_PASSWORD;
        if (!(opts.appToken && opts.userId) && !(opts.email && password)) {
          throw new Error('connect zepp needs --app-token and --user-id, or --email and --password');
        }
        const account = await withApp({ oneAthlete: true }, (app) =>
          opts.appToken
            ? app.accounts.connectZepp({ appToken: opts.appToken, userId: opts.userId!, baseUrl: opts.url })
            : app.accounts.connectZepp({
                email: opts.email!,
                password: password!,
                baseUrl: opts.url,
                region: opts.region,
              }),
        );
        process.stdout.write(
          `Connected: ${account.label} (${account.id}). Backfill its history with: bandsync sync --all --dry-run, then bandsync sync --all\n`,
        );
      },
    );

  connect
    .command('mi-fitness')
    .description('Connect the Xiaomi Mi Fitness cloud account (Mi Band 8 and later, Xiaomi / Redmi watches)')
    .requiredOption(
      '--email <email>',
      'the Xiaomi account (e-mail, phone or id); the password comes from BANDSYNC_MI_PASSWORD or a prompt',
    )
    .option(
      '--country <CC>',
      "your account's country (e.g. DE, US, IN): picks the regional host; else it is probed once",
    )
    .option('--url <url>', 'one base URL for every Xiaomi host (else BANDSYNC_MI_FITNESS_URL or the real hosts)')
    .option(
      '--callback-url <url>',
      'the address the browser sign-in ended on (the fallback when Xiaomi asks for a captcha or a code)',
    )
    .action(async (opts: { email: string; country?: string; url?: string; callbackUrl?: string }) => {
      const common = { email: opts.email, country: opts.country, baseUrl: opts.url };
      const outcome = await withApp({ oneAthlete: true }, async (app) => {
        if (opts.callbackUrl) return app.accounts.connectMiFitness({ ...common, callbackUrl: opts.callbackUrl });
        const password = process.env.BANDSYNC_MI_PASSWORD || (await askLine('Xiaomi password: ', { hidden: true }));
        if (!password)
          throw new Error('connect mi-fitness needs the password: set BANDSYNC_MI_PASSWORD or type it at the prompt');
        const first = await app.accounts.connectMiFitness({ ...common, password });
        if (first.kind === 'connected') return first;
        // Captcha, a code or a device approval: the browser sign-in is the way on.
        process.stderr.write(
          `${first.reason}\n\n  1. Open ${first.url}\n  2. Sign in (solve what Xiaomi asks)\n  3. Copy the address of the page you end on\n\n`,
        );
        const pasted = await askLine('Paste that address here: ');
        if (!pasted)
          throw new Error(
            `no address pasted; run again with --callback-url '<the address>' after signing in at ${first.url}`,
          );
        return app.accounts.connectMiFitness({ ...common, callbackUrl: pasted });
      });
      if (outcome.kind !== 'connected')
        throw new Error(`Xiaomi still asks for a sign-in in the browser: ${outcome.url} (then --callback-url)`);
      process.stdout.write(
        `Connected: ${outcome.account.label} (${outcome.account.id}). Backfill its history with: bandsync sync --all --dry-run, then bandsync sync --all\n`,
      );
    });

  for (const [kind, what] of [
    ['mi-fitness-export', 'a Mi Fitness privacy-centre export zip (sport records + GPX links)'],
    ['zepp-export', 'a Zepp / Mi Fit personal-data export zip'],
    ['gadgetbridge', 'a Gadgetbridge exported database'],
    ['files', 'a folder of FIT/TCX/GPX files'],
  ] as const) {
    const cmd = connect.command(`${kind} <path>`).description(`Register ${what} as a source`);
    if (kind === 'gadgetbridge') cmd.option('--gpx-dir <dir>', 'folder holding the GPX files Gadgetbridge wrote');
    if (kind === 'zepp-export' || kind === 'mi-fitness-export')
      cmd.option(
        '--password <password>',
        "the zip's password from the vendor's e-mail (prefer BANDSYNC_EXPORT_PASSWORD to keep it out of shell history)",
      );
    if (kind === 'files')
      cmd.option(
        '--password <password>',
        'for password-protected zips in it (prefer BANDSYNC_ZIP_PASSWORD to keep it out of shell history)',
      );
    cmd.action(async (path: string, opts: { gpxDir?: string; password?: string }) => {
      const full = resolve(path);
      if (!existsSync(full)) throw new Error(`${full}: no such file or folder`);
      const password =
        opts.password ??
        (kind === 'zepp-export' || kind === 'mi-fitness-export'
          ? process.env.BANDSYNC_EXPORT_PASSWORD
          : kind === 'files'
            ? process.env.BANDSYNC_ZIP_PASSWORD
            : undefined);
      const account = await withApp({ oneAthlete: true }, (app) =>
        app.accounts.connectPath(kind, full, opts.gpxDir ? { gpxDir: resolve(opts.gpxDir) } : {}, { password }),
      ).catch((err: Error) => {
        // The zip's own reason says what is wrong; say how to give the password.
        if ((kind === 'zepp-export' || kind === 'mi-fitness-export') && /password/i.test(err.message))
          throw new Error(
            `${err.message} (bandsync connect ${kind} FILE --password …, or set BANDSYNC_EXPORT_PASSWORD)`,
          );
        throw err;
      });
      process.stdout.write(`Registered: ${account.label} (${account.id})\n`);
      if (kind === 'mi-fitness-export')
        process.stdout.write(
          'Workouts whose GPX link has expired are held with that reason unless summaryOnlyUploads = true (BANDSYNC_SUMMARY_ONLY).\n',
        );
    });
  }

  program
    .command('disconnect <account>')
    .description('Disconnect an account ("strava" or an account id); Strava access is revoked and its tokens deleted')
    .action(async (which: string) => {
      await withApp({ oneAthlete: true }, async (app) => {
        const accounts = await app.store.listAccounts();
        const account = accounts.find((a) => a.id === which) ?? accounts.find((a) => a.kind === which);
        if (!account) throw new Error(`No connected account "${which}" (see bandsync status)`);
        await app.accounts.disconnect(account.id);
        process.stdout.write(
          `Disconnected ${account.label}${account.kind === 'strava' ? ' (access revoked at Strava, tokens deleted)' : ''}\n`,
        );
      });
    });
}

function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(opener, [url], { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref();
  } catch {
    // No browser here (headless server): the printed URL is enough.
  }
}
