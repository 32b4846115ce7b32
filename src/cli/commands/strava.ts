// bandsync strava webhook subscribe --url URL · status · unsubscribe [--json]
// Strava's Webhook Events API (one subscription per application): its
// deauthorization event tells bandsync at once that an athlete revoked access
// (app/strava-webhook.ts). Strava validates the callback URL while the
// subscription is created, so the dashboard serving it (bandsync daemon or
// serve) must be running; with one running here, the command goes through it.
import type { Command } from 'commander';
import { withDaemonOrApp } from '../app.js';
import { printJson } from '../print-json.js';

export function register(program: Command): void {
  const strava = program.command('strava').description('Strava application settings (its webhook subscription)');
  const webhook = strava
    .command('webhook')
    .description("Strava's webhook: learn at once when an athlete revokes bandsync in Strava's settings");

  webhook
    .command('subscribe')
    .description(
      "Subscribe your Strava application to its events at URL (your dashboard's /strava/webhook, reachable from Strava)",
    )
    .requiredOption('--url <url>', 'the callback, e.g. https://bandsync.example.org/strava/webhook')
    .option('--json', 'print JSON')
    .action(async (opts: { url: string; json?: boolean }) => {
      const { subscribeStravaWebhook } = await import('../../app/strava-webhook.js');
      const subscription = await withDaemonOrApp(
        async (api) => (await api.stravaWebhook.subscribe(opts.url)).subscription,
        (app) => subscribeStravaWebhook(app, opts.url),
      );
      if (opts.json) return printJson({ subscription });
      process.stdout.write(
        `Subscribed: Strava sends its events to ${subscription.callbackUrl} (subscription ${subscription.id}).\n`,
      );
    });

  webhook
    .command('status')
    .description("Show the subscription bandsync made (as stored here; listing Strava's would put the secret in a URL)")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { stravaWebhookStatus } = await import('../../app/strava-webhook.js');
      const subscription = await withDaemonOrApp(
        async (api) => (await api.stravaWebhook.status()).subscription,
        (app) => stravaWebhookStatus(app),
      );
      if (opts.json) return printJson({ subscription });
      process.stdout.write(
        subscription
          ? `Subscribed since ${subscription.createdAt}: events go to ${subscription.callbackUrl} (subscription ${subscription.id}).\n`
          : 'Not subscribed: bandsync strava webhook subscribe --url https://…/strava/webhook\n',
      );
    });

  webhook
    .command('unsubscribe')
    .description('Delete the subscription bandsync made')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { unsubscribeStravaWebhook } = await import('../../app/strava-webhook.js');
      const removed = await withDaemonOrApp(
        async (api) => (await api.stravaWebhook.unsubscribe()).removed,
        (app) => unsubscribeStravaWebhook(app),
      );
      if (opts.json) return printJson({ removed });
      process.stdout.write(
        removed
          ? `Unsubscribed (subscription ${removed.id}${removed.strava === 'gone' ? ', which Strava no longer had' : ''}).\n`
          : 'There was no subscription to remove.\n',
      );
    });
}
