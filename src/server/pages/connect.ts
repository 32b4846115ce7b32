// Connect: Strava by OAuth (button → Strava → callback here), Zepp by app
// token or e-mail/password, Mi Fitness by e-mail/password (or the browser
// sign-in when Xiaomi asks for more), an export zip, a Gadgetbridge database
// or a folder; disconnect with a confirmation. Secrets go in, never come out.
import type { Hono } from 'hono';
import type { LocalSourceInput, MiFitnessConnectForm, ServerDeps, ZeppConnectInput } from '../deps.js';
import type { AppEnv } from '../security.js';
import { csrfField, html, type Html } from '../views/html.js';
import { FieldError, fieldError, invalid } from '../views/fields.js';
import { stravaAppMissing } from '../views/first-run.js';
import { serviceTime } from '../views/time.js';
import { layout } from '../views/layout.js';
import { accountHealth } from './overview.js';
import { accountLabel } from '../views/strava-data.js';
import { errorText, formString, redirectWith, render, type Ctx } from './render.js';

const CALLBACK_PATH = '/connect/strava/callback';

export function registerConnect(app: Hono<AppEnv>, deps: ServerDeps): void {
  /** The local-path form as typed, with what was wrong with it, after a refused add. */
  interface LocalForm {
    readonly kind: string;
    readonly path: string;
    readonly error: FieldError;
  }

  async function connectPage(c: Ctx, local: LocalForm | null = null): Promise<Response> {
    const csrf = c.get('session').csrf;
    const now = deps.now();
    const [accounts, status] = await Promise.all([c.get('view').store.listAccounts(), c.get('view').engine.status()]);
    const strava = accounts.find((a) => a.kind === 'strava');
    const canConnectStrava = Boolean(strava) || status.stravaAppConfigured;
    const kindOption = (value: string, text: string) =>
      html`<option value="${value}" ${local?.kind === value ? 'selected' : ''}>${text}</option>`;
    const body = html`<h1>Connect</h1>
<section class="card" id="accounts"><h2>Connected</h2>
${
  accounts.length
    ? html`<table><tbody>${accounts.map((a) => {
        const h = accountHealth(a, now);
        return html`<tr data-account="${a.id}"><th>${accountLabel(a, c.get('view').showStravaData)}</th><td>${a.kind}</td><td class="health health-${h.level}">${h.text}</td><td class="muted">since ${serviceTime(a.createdAt)}</td>
<td><a class="button danger" href="/connect/${encodeURIComponent(a.id)}/disconnect">Disconnect…</a></td></tr>`;
      })}</tbody></table>`
    : html`<p class="muted">Nothing connected yet.</p>`
}
</section>
<section class="card" id="strava"><h2>Strava</h2>
${
  canConnectStrava
    ? html`<form method="post" action="/connect/strava">${csrfField(csrf)}<button id="connect-strava">${strava ? 'Re-connect Strava' : 'Connect with Strava'}</button>
<span class="muted">You will be sent to Strava to allow uploads (activity:write) and reading your activities (activity:read_all).</span></form>`
    : stravaAppMissing()
}
</section>
<section class="card" id="zepp"><h2>Zepp cloud</h2>
<form method="post" action="/connect/zepp">${csrfField(csrf)}<input type="hidden" name="method" value="token">
<label>App token <input type="password" name="appToken" autocomplete="off" required></label>
<label>User id <input name="userId" autocomplete="off" required></label><button>Connect with token</button></form>
<form method="post" action="/connect/zepp">${csrfField(csrf)}<input type="hidden" name="method" value="password">
<label>E-mail <input type="email" name="email" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label><button>Connect with e-mail</button></form>
</section>
<section class="card" id="mi-fitness"><h2>Mi Fitness (Xiaomi)</h2>
<p class="muted">Mi Band 8 and later, Xiaomi and Redmi watches. Built from public reverse-engineering notes, not checked against a live account.</p>
<form method="post" action="/connect/mi-fitness">${csrfField(csrf)}
<label>Xiaomi account <input name="email" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<label>Country <input name="country" size="3" maxlength="2" placeholder="DE"></label><button>Connect Mi Fitness</button></form>
</section>
<section class="card" id="local"><h2>Files on this machine</h2>
<form method="post" action="/connect/export" enctype="multipart/form-data">${csrfField(csrf)}
<label>Export <select name="kind"><option value="zepp-export">Zepp / Mi Fit export zip</option><option value="mi-fitness-export">Mi Fitness privacy-centre export zip</option></select></label>
<label>Zip file <input type="file" name="file" accept=".zip" required></label>
<label>Export password <input type="password" name="password" autocomplete="off"></label><button>Import export</button></form>
<form method="post" action="/connect/local" id="local-path">${csrfField(csrf)}
<label>Kind <select name="kind">${kindOption('gadgetbridge', 'Gadgetbridge database')}${kindOption('files', 'Folder of FIT/TCX/GPX')}</select></label>
<label>Full path on this machine <input name="path" required size="40" value="${local?.path ?? ''}" placeholder="/home/you/workouts" ${invalid(local?.error ?? null, 'path')}></label>${fieldError(local?.error ?? null, 'path')}<button>Add</button></form>
</section>`;
    return render(c, { title: 'Connect', active: 'connect' }, body as Html, local ? 400 : 200);
  }

  app.get('/connect', (c) => connectPage(c));

  // Strava's return carries no session cookie: whose connection it is comes from the `state` it started with.
  const started = new Map<string, { athleteId: string; showStravaData: boolean; until: number }>();
  app.post('/connect/strava', async (c) => {
    const redirectUri = new URL(CALLBACK_PATH, c.req.url).toString();
    const view = c.get('view');
    try {
      const { authorizeUrl } = await view.engine.stravaConnectStart(redirectUri);
      const state = new URL(authorizeUrl).searchParams.get('state');
      const now = deps.now().getTime();
      for (const [k, v] of started) if (v.until < now || started.size > 1000) started.delete(k);
      if (state && view.athleteId)
        started.set(state, { athleteId: view.athleteId, showStravaData: view.showStravaData, until: now + 600_000 });
      return c.redirect(authorizeUrl, 303);
    } catch (err) {
      return redirectWith(c, '/connect', 'error', errorText(err));
    }
  });

  // Strava sends the browser back here. The SameSite=Strict cookie is absent on
  // this cross-site arrival, so the page answers on its own and then moves on
  // with a same-site navigation (which carries the cookie again).
  app.get(CALLBACK_PATH, async (c) => {
    const error = c.req.query('error');
    const code = c.req.query('code');
    const state = c.req.query('state');
    let message: { kind: 'ok' | 'error'; text: string };
    if (error)
      message = {
        kind: 'error',
        text: error === 'access_denied' ? 'Strava access was not granted.' : 'Strava reported an error; try again.',
      };
    else if (!code || !state)
      message = { kind: 'error', text: 'The Strava answer lacks its code or state; start again from Connect.' };
    else {
      try {
        const whose = started.get(state);
        started.delete(state);
        const engine =
          whose && deps.perAthlete ? (await deps.perAthlete.view(whose.athleteId)).engine : c.get('view').engine;
        const account = await engine.stravaConnectCallback({ code, state, scope: c.req.query('scope') ?? null });
        message = { kind: 'ok', text: `Strava connected: ${accountLabel(account, whose?.showStravaData ?? true)}.` };
      } catch (err) {
        message = { kind: 'error', text: errorText(err) };
      }
    }
    c.header('Cache-Control', 'no-store');
    // On success move on by itself; an error stays on screen until the user reads it.
    const body = html`<h1>Strava</h1><p><a href="/connect" id="continue">Continue to the dashboard</a></p>${message.kind === 'ok' ? html`<meta http-equiv="refresh" content="1;url=/connect">` : ''}`;
    return c.html(
      layout({ title: 'Strava', active: 'none', csrf: '', flash: message }, body as Html),
      message.kind === 'ok' ? 200 : 400,
    );
  });

  app.post('/connect/zepp', async (c) => {
    const method = await formString(c, 'method');
    let input: ZeppConnectInput;
    if (method === 'token') {
      const appToken = await formString(c, 'appToken');
      const userId = await formString(c, 'userId');
      if (!appToken) return redirectWith(c, '/connect', 'error', 'Paste the Zepp app token.');
      input = { method: 'token', appToken, ...(userId ? { userId } : {}) };
    } else {
      const email = await formString(c, 'email');
      const password = await formString(c, 'password');
      if (!email || !password) return redirectWith(c, '/connect', 'error', 'Give the Zepp e-mail and password.');
      input = { method: 'password', email, password };
    }
    try {
      const account = await c.get('view').engine.connectZepp(input);
      return redirectWith(c, '/connect', 'ok', `Zepp connected: ${account.label}.`);
    } catch (err) {
      return redirectWith(c, '/connect', 'error', errorText(err));
    }
  });

  app.post('/connect/export', async (c) => {
    const body = await c.req.parseBody();
    const file = body['file'];
    if (!(file instanceof File) || file.size === 0)
      return redirectWith(c, '/connect', 'error', 'Choose the export zip file.');
    const password = typeof body['password'] === 'string' && body['password'] !== '' ? body['password'] : undefined;
    return connectLocal(c, {
      kind: body['kind'] === 'mi-fitness-export' ? 'mi-fitness-export' : 'zepp-export',
      fileName: file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
      ...(password ? { password } : {}),
    });
  });

  // Mi Fitness: a captcha, a code or a device approval turns into the browser sign-in, on a page of its own.
  app.post('/connect/mi-fitness', async (c) => {
    const email = await formString(c, 'email');
    const password = await formString(c, 'password');
    const callbackUrl = await formString(c, 'callbackUrl');
    const country = (await formString(c, 'country'))?.trim() || undefined;
    let input: MiFitnessConnectForm;
    if (callbackUrl) input = { callbackUrl, ...(email ? { email } : {}), ...(country ? { country } : {}) };
    else if (email && password) input = { email, password, ...(country ? { country } : {}) };
    else return redirectWith(c, '/connect', 'error', 'Give the Xiaomi account and its password.');
    try {
      const outcome = await c.get('view').engine.connectMiFitness(input);
      if (outcome.kind === 'connected')
        return redirectWith(c, '/connect', 'ok', `Mi Fitness connected: ${outcome.account.label}.`);
      const body = html`<h1>Sign in to Xiaomi in your browser</h1>
<p id="mi-reason">${outcome.reason}</p>
<ol><li><a href="${outcome.url}" target="_blank" rel="noopener noreferrer" id="mi-login-link">Open the Xiaomi sign-in page</a> and sign in (solve what Xiaomi asks).</li>
<li>Copy the address of the page you end on and paste it here.</li></ol>
<form method="post" action="/connect/mi-fitness">${csrfField(c.get('session').csrf)}
<input type="hidden" name="email" value="${email ?? ''}"><input type="hidden" name="country" value="${country ?? ''}">
<label>Final address <input name="callbackUrl" required size="60" autocomplete="off"></label><button>Finish connecting</button></form>
<p><a href="/connect">Cancel</a></p>`;
      return render(c, { title: 'Mi Fitness sign-in', active: 'connect' }, body as Html);
    } catch (err) {
      return redirectWith(c, '/connect', 'error', errorText(err));
    }
  });

  app.post('/connect/local', async (c) => {
    const kind = await formString(c, 'kind');
    const path = await formString(c, 'path');
    if (kind !== 'gadgetbridge' && kind !== 'files')
      return redirectWith(c, '/connect', 'error', 'Choose Gadgetbridge or a folder.');
    try {
      const account = await c.get('view').engine.connectLocal({ kind, path });
      return redirectWith(c, '/connect', 'ok', `Added ${account.label}.`);
    } catch (err) {
      // Refused before anything was saved: the form comes back as typed, the path marked with the reason.
      return connectPage(c, { kind, path, error: new FieldError('path', errorText(err)) });
    }
  });

  async function connectLocal(c: Ctx, input: LocalSourceInput): Promise<Response> {
    try {
      const account = await c.get('view').engine.connectLocal(input);
      return redirectWith(c, '/connect', 'ok', `Added ${account.label}.`);
    } catch (err) {
      return redirectWith(c, '/connect', 'error', errorText(err));
    }
  }

  app.get('/connect/:id/disconnect', async (c) => {
    const account = await c.get('view').store.getAccount(c.req.param('id'));
    if (!account) return redirectWith(c, '/connect', 'error', 'No such account.');
    const body = html`<h1>Disconnect ${accountLabel(account, c.get('view').showStravaData)}?</h1>
<p>${account.kind === 'strava' ? 'bandsync revokes its Strava access and forgets the tokens. Activities already on Strava stay there.' : "bandsync forgets this account's login. Workouts already imported stay in the list."}</p>
<form method="post" action="/connect/${encodeURIComponent(account.id)}/disconnect">${csrfField(c.get('session').csrf)}
<button class="danger" id="confirm-disconnect">Disconnect</button> <a href="/connect">Cancel</a></form>`;
    return render(c, { title: 'Disconnect', active: 'connect' }, body as Html);
  });

  app.post('/connect/:id/disconnect', async (c) => {
    const account = await c.get('view').store.getAccount(c.req.param('id'));
    if (!account) return redirectWith(c, '/connect', 'error', 'No such account.');
    try {
      await c.get('view').engine.disconnect(account.id);
      return redirectWith(c, '/connect', 'ok', `${accountLabel(account, c.get('view').showStravaData)} disconnected.`);
    } catch (err) {
      return redirectWith(c, '/connect', 'error', errorText(err));
    }
  });
}
