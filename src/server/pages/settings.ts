// Settings: sport-mapping rules (with a preview of what they change), privacy
// defaults for backfilled history, poll interval, device name.
import type { Hono } from 'hono';
import type { DashboardSettings, RulePreviewRow, ServerDeps, SportRule, Visibility } from '../deps.js';
import type { AppEnv } from '../security.js';
import { STRAVA_SPORT_TYPES, isStravaSportType } from '../sport-types.js';
import { csrfField, fmtTime, html, type Html } from '../views/html.js';
import { errorText, redirectWith, render, type Ctx } from './render.js';

const BLANK_RULES = 3;
const MAX_RULES = 200;
const VISIBILITIES: readonly Visibility[] = ['everyone', 'followers_only', 'only_me'];

/** The posted form → settings; throws a message naming the bad field. */
export function parseSettingsForm(body: Record<string, unknown>): DashboardSettings {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const rules: SportRule[] = [];
  for (let i = 0; i < MAX_RULES; i++) {
    if (!(`rule-${i}-type` in body)) break;
    const rawSport = str(`rule-${i}-raw`);
    const sport = str(`rule-${i}-sport`);
    const sportType = str(`rule-${i}-type`);
    if (!rawSport && !sport && !sportType) continue;
    if (!rawSport && !sport) throw new Error(`Rule ${i + 1}: give a source code or a sport to match.`);
    if (!isStravaSportType(sportType))
      throw new Error(`Rule ${i + 1}: "${sportType.slice(0, 40)}" is not a Strava sport type.`);
    rules.push({ ...(rawSport ? { rawSport } : {}), ...(sport ? { sport } : {}), sportType });
  }
  const poll = Number(str('pollMinutes'));
  if (!Number.isFinite(poll) || poll < 1 || poll > 24 * 60)
    throw new Error('Poll interval must be between 1 and 1440 minutes.');
  const visibility = str('backfillVisibility') as Visibility;
  if (!VISIBILITIES.includes(visibility)) throw new Error('Choose a visibility for backfilled history.');
  const deviceName = str('deviceName');
  if (deviceName.length > 60) throw new Error('Device name: at most 60 characters.');
  return {
    sportRules: rules,
    privacy: { hideBackfillFromHome: body.hideBackfillFromHome === 'on', backfillVisibility: visibility },
    pollIntervalSeconds: Math.round(poll * 60),
    deviceName: deviceName || null,
  };
}

function ruleRow(i: number, r: SportRule | null): Html {
  return html`<tr class="rule"><td><input name="rule-${i}-raw" value="${r?.rawSport ?? ''}" placeholder="e.g. 1" size="6"></td>
<td><input name="rule-${i}-sport" value="${r?.sport ?? ''}" placeholder="e.g. treadmill" size="14"></td>
<td><select name="rule-${i}-type"><option value="">—</option>${STRAVA_SPORT_TYPES.map((t) => html`<option ${r?.sportType === t ? 'selected' : ''}>${t}</option>`)}</select></td></tr>` as Html;
}

function form(csrf: string, s: DashboardSettings, preview: RulePreviewRow[] | null, error: string | null): Html {
  const rules = [...s.sportRules, ...Array<null>(BLANK_RULES).fill(null)];
  return html`<h1>Settings</h1>
${error ? html`<p class="flash flash-error">${error}</p>` : ''}
<form method="post" action="/settings" id="settings-form">${csrfField(csrf)}
<section class="card"><h2>Sport mapping rules</h2>
<p class="muted">A rule matches the source's sport code (first) or bandsync's sport, and sets the Strava sport type.</p>
<table id="rules"><thead><tr><th>Source code</th><th>Sport</th><th>Strava sport type</th></tr></thead><tbody>
${rules.map((r, i) => ruleRow(i, r))}
</tbody></table>
<button formaction="/settings/preview" id="preview-rules">Preview</button>
${
  preview
    ? html`<div id="rule-preview"><h3>${preview.length ? `${preview.length} workouts would change` : 'No stored workout changes with these rules'}</h3>
${
  preview.length
    ? html`<table class="list"><thead><tr><th>Start</th><th>Sport</th><th>Code</th><th>Now</th><th>With rules</th></tr></thead><tbody>
${preview.map((p) => html`<tr><td><a href="/workouts/${encodeURIComponent(p.workoutId)}">${fmtTime(p.startTime)}</a></td><td>${p.sport}</td><td>${p.rawSport ?? ''}</td><td>${p.from}</td><td><strong>${p.to}</strong></td></tr>`)}
</tbody></table>`
    : ''
}</div>`
    : ''
}
</section>
<section class="card"><h2>Privacy for backfilled history</h2>
<label><input type="checkbox" name="hideBackfillFromHome" ${s.privacy.hideBackfillFromHome ? 'checked' : ''}> Hide backfilled workouts from home feeds</label>
<label>Visibility <select name="backfillVisibility">${VISIBILITIES.map((v) => html`<option value="${v}" ${v === s.privacy.backfillVisibility ? 'selected' : ''}>${v.replace('_', ' ')}</option>`)}</select></label>
</section>
<section class="card"><h2>Sync</h2>
<label>Poll every <input type="number" name="pollMinutes" min="1" max="1440" value="${Math.round(s.pollIntervalSeconds / 60)}"> minutes</label>
<label>Device name in uploaded files <input name="deviceName" value="${s.deviceName ?? ''}" placeholder="the band model" maxlength="60"></label>
</section>
<button id="save-settings">Save settings</button>
</form>` as Html;
}

async function bodyOf(c: Ctx): Promise<Record<string, unknown>> {
  return (await c.req.parseBody()) as Record<string, unknown>;
}

export function registerSettings(app: Hono<AppEnv>, deps: ServerDeps): void {
  app.get('/settings', async (c) => {
    const settings = await deps.engine.getSettings();
    return render(c, { title: 'Settings', active: 'settings' }, form(c.get('session').csrf, settings, null, null));
  });

  app.post('/settings/preview', async (c) => {
    const csrf = c.get('session').csrf;
    let settings: DashboardSettings;
    try {
      settings = parseSettingsForm(await bodyOf(c));
    } catch (err) {
      return render(
        c,
        { title: 'Settings', active: 'settings' },
        form(csrf, await deps.engine.getSettings(), null, errorText(err)),
        400,
      );
    }
    const preview = await deps.engine.previewSportRules(settings.sportRules, 200);
    return render(c, { title: 'Settings', active: 'settings' }, form(csrf, settings, preview, null));
  });

  app.post('/settings', async (c) => {
    try {
      await deps.engine.setSettings(parseSettingsForm(await bodyOf(c)));
      return redirectWith(c, '/settings', 'ok', 'Settings saved.');
    } catch (err) {
      return render(
        c,
        { title: 'Settings', active: 'settings' },
        form(c.get('session').csrf, await deps.engine.getSettings(), null, errorText(err)),
        400,
      );
    }
  });
}
