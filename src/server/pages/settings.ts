// Settings: sport-mapping rules (with a preview of what they change, and of
// the activities already on Strava that saving updates there), privacy for
// backfilled history, poll interval, device name. A refused form comes back
// with everything that was typed and the wrong field marked. Every setting
// here is read by the code it names: rules and device name by the upload,
// privacy by the upload and by sport updates on Strava, the interval by the daemon.
import type { Hono } from 'hono';
import { sportWords, workoutTitle } from '../../app/workout-display.js';
import { sameRules } from '../../app/settings.js';
import type { DashboardSettings, RulePreview, SettingsSaved, SportRule } from '../deps.js';
import type { AppEnv } from '../security.js';
import { STRAVA_SPORT_TYPES, isStravaSportType } from '../../sync/strava-sport-types.js';
import { csrfField, html, type Html } from '../views/html.js';
import { fieldError, FieldError, invalid } from '../views/fields.js';
import { workoutDateTime } from '../views/time.js';
import { SPORTS } from './workouts.js';
import { redirectWith, render, type Ctx } from './render.js';

const BLANK_RULES = 3;
const MAX_RULES = 200;

/** The form as typed: strings, so a refused form can be shown again exactly. */
export interface SettingsFormValues {
  readonly rules: readonly { raw: string; sport: string; type: string }[];
  readonly hideBackfillFromHome: boolean;
  readonly pollMinutes: string;
  readonly deviceName: string;
}

export function formValues(body: Record<string, unknown>): SettingsFormValues {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const rules = [];
  for (let i = 0; i < MAX_RULES && `rule-${i}-type` in body; i++)
    rules.push({ raw: str(`rule-${i}-raw`), sport: str(`rule-${i}-sport`), type: str(`rule-${i}-type`) });
  return {
    rules,
    hideBackfillFromHome: body.hideBackfillFromHome === 'on',
    pollMinutes: str('pollMinutes'),
    deviceName: str('deviceName'),
  };
}

function valuesOf(s: DashboardSettings): SettingsFormValues {
  return {
    rules: s.sportRules.map((r) => ({ raw: r.rawSport ?? '', sport: r.sport ?? '', type: r.sportType })),
    hideBackfillFromHome: s.privacy.hideBackfillFromHome,
    pollMinutes: String(Math.round(s.pollIntervalSeconds / 60)),
    deviceName: s.deviceName ?? '',
  };
}

/** The posted form → settings; throws a FieldError naming the wrong field. */
export function parseSettingsForm(body: Record<string, unknown>): DashboardSettings {
  const v = formValues(body);
  const rules: SportRule[] = [];
  v.rules.forEach((r, i) => {
    if (!r.raw && !r.sport && !r.type) return;
    if (!r.raw && !r.sport)
      throw new FieldError(`rule-${i}-raw`, `Rule ${i + 1}: give a source code or choose a sport to match.`);
    if (r.sport && !SPORTS.includes(r.sport))
      throw new FieldError(
        `rule-${i}-sport`,
        `Rule ${i + 1}: "${r.sport.slice(0, 40)}" is not a sport bandsync knows.`,
      );
    if (!isStravaSportType(r.type))
      throw new FieldError(
        `rule-${i}-type`,
        r.type
          ? `Rule ${i + 1}: "${r.type.slice(0, 40)}" is not a Strava sport type.`
          : `Rule ${i + 1}: choose the Strava sport type.`,
      );
    rules.push({ ...(r.raw ? { rawSport: r.raw } : {}), ...(r.sport ? { sport: r.sport } : {}), sportType: r.type });
  });
  const poll = Number(v.pollMinutes);
  if (!v.pollMinutes || !Number.isFinite(poll) || poll < 1 || poll > 24 * 60)
    throw new FieldError('pollMinutes', 'Poll interval: a number of minutes between 1 and 1440.');
  if (v.deviceName.length > 60) throw new FieldError('deviceName', 'Device name: at most 60 characters.');
  return {
    sportRules: rules,
    privacy: { hideBackfillFromHome: v.hideBackfillFromHome },
    pollIntervalSeconds: Math.round(poll * 60),
    deviceName: v.deviceName || null,
  };
}

function ruleRow(i: number, r: { raw: string; sport: string; type: string } | null, error: FieldError | null): Html {
  const n = i + 1;
  const sports = r?.sport && !SPORTS.includes(r.sport) ? [r.sport, ...SPORTS] : SPORTS;
  return html`<tr class="rule">
<td data-label="Source code"><input name="rule-${i}-raw" value="${r?.raw ?? ''}" placeholder="e.g. 1" size="6" aria-label="Rule ${n}: source sport code" ${invalid(error, `rule-${i}-raw`)}></td>
<td data-label="Sport"><select name="rule-${i}-sport" aria-label="Rule ${n}: bandsync sport" ${invalid(error, `rule-${i}-sport`)}><option value="">any</option>${sports.map((s) => html`<option value="${s}" ${r?.sport === s ? 'selected' : ''}>${sportWords(s)}</option>`)}</select></td>
<td data-label="Strava sport type"><select name="rule-${i}-type" aria-label="Rule ${n}: Strava sport type" ${invalid(error, `rule-${i}-type`)}><option value="">—</option>${STRAVA_SPORT_TYPES.map((t) => html`<option ${r?.type === t ? 'selected' : ''}>${t}</option>`)}</select></td></tr>
${error?.field.startsWith(`rule-${i}-`) ? html`<tr class="rule-error"><td colspan="3">${fieldError(error, error.field)}</td></tr>` : ''}` as Html;
}

function previewBlock(preview: RulePreview): Html {
  const { rows, total, onStrava } = preview;
  const heading = total
    ? `${total} workouts would change${onStrava ? `; ${onStrava} of them ${onStrava === 1 ? 'is' : 'are'} already on Strava and will be updated there` : ''}`
    : 'No stored workout changes with these rules';
  return html`<div id="rule-preview" role="status" data-total="${total}" data-on-strava="${onStrava}"><h3>${heading}</h3>
${total ? html`<p class="muted">Saving sends the new sport type to Strava for each activity already there (one request each, within Strava's rate limit; what the limit holds back is sent by the next sync). The others go up with it.</p>` : ''}
${
  rows.length
    ? html`<table class="cards list"><thead><tr><th scope="col">Workout</th><th scope="col">Sport</th><th scope="col">Code</th><th scope="col">Now</th><th scope="col">With rules</th><th scope="col">On Strava</th></tr></thead><tbody>
${rows.map((p) => html`<tr class="${p.onStrava ? 'on-strava' : ''}"><td class="lead"><a href="/workouts/${encodeURIComponent(p.workoutId)}">${workoutTitle({ sport: p.sport, startTime: p.startTime, utcOffsetSeconds: p.utcOffsetSeconds ?? 0 })}</a> <span class="muted">${workoutDateTime(p.startTime, p.utcOffsetSeconds ?? 0)}</span></td><td data-label="Sport">${sportWords(p.sport)}</td><td data-label="Code">${p.rawSport ?? ''}</td><td data-label="Now">${p.from}</td><td data-label="With rules"><strong>${p.to}</strong></td><td data-label="On Strava">${p.onStrava ? 'yes: updated there' : 'no'}</td></tr>`)}
</tbody></table>${rows.length < total ? html`<p class="muted">First ${rows.length} of ${total} shown.</p>` : ''}`
    : ''
}</div>` as Html;
}

/** The confirmation a save needs when it changes activities already on Strava. */
function confirmBlock(onStrava: number): Html {
  return html`<p class="flash flash-error" role="alert" id="confirm-rule-updates-note">Not saved yet: these rules change ${onStrava} ${onStrava === 1 ? 'activity' : 'activities'} already on Strava, and saving updates ${onStrava === 1 ? 'it' : 'them'} there.</p>
<button class="primary" name="confirmStravaUpdates" value="${onStrava}" id="confirm-rule-updates">Save and update ${onStrava} Strava ${onStrava === 1 ? 'activity' : 'activities'}</button>` as Html;
}

/** The flash after saving: what happened on Strava, never more than happened. */
export function savedMessage(saved: SettingsSaved): { kind: 'ok' | 'error'; text: string } {
  const { updated, pending, refused, retryAt } = saved.stravaUpdates;
  const parts = ['Settings saved.'];
  if (updated) parts.push(`${updated} Strava ${updated === 1 ? 'activity' : 'activities'} updated.`);
  if (pending)
    parts.push(
      `${pending} Strava ${pending === 1 ? 'activity is' : 'activities are'} not updated yet (Strava's rate limit, Strava unavailable or disconnected, or an upload still in progress; each workout's page says which): kept, and sent by the next sync or poll${retryAt ? `, not before ${retryAt.slice(11, 16)} UTC` : ''}.`,
    );
  if (refused)
    parts.push(
      `Strava refused the update of ${refused} ${refused === 1 ? 'activity' : 'activities'} (deleted there, or not yours): see ${refused === 1 ? 'its' : 'their'} ledger.`,
    );
  return { kind: pending || refused ? 'error' : 'ok', text: parts.join(' ') };
}

function form(
  csrf: string,
  v: SettingsFormValues,
  preview: RulePreview | null,
  error: FieldError | null,
  confirm = false,
  /** An athlete's own session: the poll interval is the instance's, the administrator's to set. */
  athlete = false,
): Html {
  const rules = [...v.rules, ...Array<null>(BLANK_RULES).fill(null)];
  return html`<h1>Settings</h1>
${error ? html`<p class="flash flash-error" role="alert">Not saved: ${error.message}</p>` : ''}
<form method="post" action="/settings" id="settings-form" class="stack">${csrfField(csrf)}
<section class="card"><h2>Sport mapping rules</h2>
<p class="muted">A rule matches the source's sport code (first) or bandsync's sport, and sets the Strava sport type. Preview shows what a rule would change before you save it.</p>
<table id="rules" class="cards"><thead><tr><th scope="col">Source code</th><th scope="col">Sport</th><th scope="col">Strava sport type</th></tr></thead><tbody>
${rules.map((r, i) => ruleRow(i, r, error))}
</tbody></table>
<button formaction="/settings/preview" id="preview-rules">Preview</button>
${preview ? previewBlock(preview) : ''}
</section>
<section class="card"><h2>Privacy for backfilled history</h2>
<label class="block"><input type="checkbox" name="hideBackfillFromHome" ${v.hideBackfillFromHome ? 'checked' : ''}> Hide backfilled workouts from home feeds</label>
<p class="muted small">Backfilled: recorded more than 30 days before bandsync sends it. Applied to uploads, and when a sport change updates such an activity on Strava. Saved here, it replaces the config file's <code>hideBackfillFromHome</code>. Who can see an activity follows your privacy default on Strava: Strava's API does not let an app set it.</p>
</section>
<section class="card"><h2>Sync</h2>
${
  athlete
    ? html`<p class="muted" id="poll-fixed">bandsync polls every ${v.pollMinutes} minutes (set by the administrator).</p><input type="hidden" name="pollMinutes" value="${v.pollMinutes}">`
    : html`<label>Poll every <input type="number" name="pollMinutes" min="1" max="1440" value="${v.pollMinutes}" ${invalid(error, 'pollMinutes')}> minutes</label>
${fieldError(error, 'pollMinutes')}`
}
<label>Device name in uploaded files <input name="deviceName" value="${v.deviceName}" placeholder="the band model" maxlength="60" ${invalid(error, 'deviceName')}></label>
${fieldError(error, 'deviceName')}
</section>
${confirm && preview ? confirmBlock(preview.onStrava) : html`<button class="primary" id="save-settings">Save settings</button>`}
</form>` as Html;
}

async function bodyOf(c: Ctx): Promise<Record<string, unknown>> {
  return (await c.req.parseBody()) as Record<string, unknown>;
}

export function registerSettings(app: Hono<AppEnv>): void {
  const page = (c: Ctx, body: Html, status: 200 | 400 = 200) =>
    render(c, { title: 'Settings', active: 'settings' }, body, status);
  const formFor = (
    c: Ctx,
    v: SettingsFormValues,
    preview: RulePreview | null,
    error: FieldError | null,
    confirm = false,
  ) => form(c.get('session').csrf, v, preview, error, confirm, c.get('session').role === 'athlete');

  app.get('/settings', async (c) => {
    const settings = await c.get('view').engine.getSettings();
    return page(c, formFor(c, valuesOf(settings), null, null));
  });

  app.post('/settings/preview', async (c) => {
    const body = await bodyOf(c);
    let settings: DashboardSettings;
    try {
      settings = parseSettingsForm(body);
    } catch (err) {
      return page(c, formFor(c, formValues(body), null, FieldError.from(err)), 400);
    }
    const preview = await c.get('view').engine.previewSportRules(settings.sportRules, 200);
    return page(c, formFor(c, formValues(body), preview, null));
  });

  app.post('/settings', async (c) => {
    const body = await bodyOf(c);
    try {
      const settings = parseSettingsForm(body);
      // Rules that change activities already on Strava are saved only once the user has seen how many.
      const current = await c.get('view').engine.getSettings();
      const preview = !sameRules(settings.sportRules, current.sportRules)
        ? await c.get('view').engine.previewSportRules(settings.sportRules, 200)
        : null;
      if (preview && preview.onStrava > 0 && body.confirmStravaUpdates !== String(preview.onStrava))
        return page(c, formFor(c, formValues(body), preview, null, true));
      // The poll interval is the instance's: an athlete's form cannot change it.
      const saved =
        c.get('session').role === 'athlete'
          ? { ...settings, pollIntervalSeconds: current.pollIntervalSeconds }
          : settings;
      const said = savedMessage(await c.get('view').engine.setSettings(saved));
      return redirectWith(c, '/settings', said.kind, said.text);
    } catch (err) {
      return page(c, formFor(c, formValues(body), null, FieldError.from(err)), 400);
    }
  });
}
