// The guided first run: until Strava and a source are connected (and until a
// first backfill), the overview is a short checklist — connect Strava →
// connect a source → preview the history → backfill — each step saying what
// it needs and done through the page itself.
import type { Account } from '../../sync/ports.js';
import { csrfField, html, type Html } from './html.js';
import { groupDigits } from '../../core/group-digits.js';

/** What "Connect with Strava" needs before it can work, said where the button would be. */
export function stravaAppMissing(): Html {
  return html`<p class="setup-needs" id="strava-app-missing">Connecting Strava needs your own Strava API application
(<a href="https://www.strava.com/settings/api" rel="noopener noreferrer">strava.com/settings/api</a>, callback domain
<code>127.0.0.1</code> or this dashboard's host): set <code>STRAVA_CLIENT_ID</code> and <code>STRAVA_CLIENT_SECRET</code>
to its id and secret and restart bandsync. The README's "Connect your real accounts" walks through it.</p>` as Html;
}

export interface SetupState {
  readonly strava: Account | undefined;
  readonly sources: readonly Account[];
  readonly stravaAppConfigured: boolean;
  /** Workouts read from the sources so far. */
  readonly workouts: number;
  /** A backfill ran, or workouts are already on Strava. */
  readonly backfilled: boolean;
}

export function setupDone(s: SetupState): boolean {
  return Boolean(s.strava) && s.sources.length > 0 && s.backfilled;
}

/** Both accounts connected: the rest of the overview has something to say. */
export function accountsConnected(s: SetupState): boolean {
  return Boolean(s.strava) && s.sources.length > 0;
}

function step(key: string, title: string, state: 'done' | 'current' | 'todo', body: unknown): Html {
  return html`<li data-step="${key}" data-done="${state === 'done' ? 'true' : 'false'}" class="${state}"${state === 'current' ? html` aria-current="step"` : ''}>
<h3>${title}${state === 'done' ? html` <span class="step-state">— done</span>` : ''}</h3>
${body}</li>` as Html;
}

export function firstRunChecklist(s: SetupState, csrf: string): Html {
  const connected = accountsConnected(s);
  const done = [Boolean(s.strava), s.sources.length > 0, s.workouts > 0, s.backfilled];
  const current = done.indexOf(false);
  const state = (i: number) => (done[i] ? 'done' : i === current ? 'current' : 'todo');
  const later = (what: string) => html`<p class="muted">${what}</p>` as Html;
  return html`<section class="card" id="first-run" aria-labelledby="first-run-title">
<h2 id="first-run-title">Get started</h2>
<p class="muted">Four steps bring your band's history to Strava. Nothing is uploaded before you confirm a backfill.</p>
<ol class="checklist">
${step(
  'strava',
  'Connect Strava',
  state(0),
  s.strava
    ? html`<p>Connected as ${s.strava.label}.</p>`
    : s.stravaAppConfigured
      ? html`<p>bandsync uploads with your permission: Strava asks you to allow uploads and reading your activities.</p>
<form method="post" action="/connect/strava">${csrfField(csrf)}<button class="primary" id="setup-connect-strava">Connect with Strava</button></form>`
      : stravaAppMissing(),
)}
${step(
  'source',
  'Connect a source',
  state(1),
  s.sources.length
    ? html`<p>Connected: ${s.sources.map((a, i) => html`${i ? ', ' : ''}${a.label}`)}.</p>`
    : html`<p>Where your workouts are: the Zepp cloud (the Zepp or Zepp Life app's account), Mi Fitness, an export zip,
a Gadgetbridge database or a folder of FIT, TCX or GPX files.</p><p><a class="button" href="/connect" id="setup-connect-source">Connect a source</a></p>`,
)}
${step(
  'preview',
  'Preview your history',
  state(2),
  s.workouts > 0
    ? html`<p>${groupDigits(s.workouts)} workout${s.workouts === 1 ? '' : 's'} read from your sources. <a href="/workouts">See them</a>.</p>`
    : connected
      ? html`<p>A dry run reads your history and lists what a backfill would upload, what is already on Strava and why. Nothing is uploaded.</p>
<p><a class="button" href="/backfill" id="setup-preview">Preview your history</a></p>`
      : later('After the steps above: a dry run shows what a backfill would upload, and uploads nothing.'),
)}
${step(
  'backfill',
  'Backfill',
  state(3),
  s.backfilled
    ? html`<p>History sent. New workouts now go up by themselves.</p>`
    : connected && s.workouts > 0
      ? html`<p>Confirm the dry run's plan on the Backfill page to upload your history. Strava cannot delete in bulk, so check the plan first; new workouts then go up by themselves.</p>
<p><a class="button" href="/backfill" id="setup-backfill">Go to Backfill</a></p>`
      : later('After the preview: upload the history you chose.'),
)}
</ol></section>` as Html;
}
