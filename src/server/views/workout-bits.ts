// Pieces shown wherever a workout appears: its Strava link and, when it is
// not on Strava, why and the buttons that fix it.
import { workoutProblem, type FixAction } from '../../app/workout-problem.js';
import type { SyncRecord } from '../../sync/ports.js';
import { csrfField, html, type Html } from './html.js';
import { withoutStravaIds } from './strava-data.js';

type Linkable = Pick<SyncRecord, 'state' | 'activityId'>;

export function stravaActivityUrl(stravaWeb: string, activityId: string): string {
  return `${stravaWeb}/activities/${encodeURIComponent(activityId)}`;
}

/** "View on Strava" for an upload, "the matching activity" for a duplicate; nothing otherwise. */
export function stravaLink(stravaWeb: string, r: Linkable, id?: string): Html | '' {
  if (!r.activityId || (r.state !== 'synced' && r.state !== 'duplicate')) return '';
  const text = r.state === 'duplicate' ? 'matching activity on Strava' : 'View on Strava';
  return html`<a class="strava-link"${id ? html` id="${id}"` : ''} href="${stravaActivityUrl(stravaWeb, r.activityId)}" rel="noopener noreferrer" target="_blank">${text}<span class="visually-hidden"> (opens in a new tab)</span></a>` as Html;
}

const LABELS: Record<FixAction, string> = {
  retry: 'Retry',
  unskip: 'Upload it',
  reconnect: 'Re-connect',
  remap: 'Choose the sport',
  anyway: 'Upload anyway',
};

function actionControl(action: FixAction, workoutId: string, csrf: string, back: string): Html {
  const base = `/workouts/${encodeURIComponent(workoutId)}`;
  if (action === 'reconnect') return html`<a class="button" href="/connect">${LABELS[action]}</a>` as Html;
  if (action === 'remap') return html`<a class="button" href="${base}#actions">${LABELS[action]}</a>` as Html;
  // A damaged file held for you goes up only when you accept it ("Upload anyway"); the rest is a retry.
  const post = action === 'anyway' ? 'anyway' : 'retry';
  return html`<form method="post" action="${base}/${post}" class="inline-form">${csrfField(csrf)}<input type="hidden" name="back" value="${back}"><button name="action" value="${post}">${LABELS[action]}</button></form>` as Html;
}

/** The reason and the fixing actions of a failed, held or skipped workout. */
export function problemBlock(
  r: Pick<SyncRecord, 'workoutId' | 'state' | 'code' | 'lastError'>,
  csrf: string,
  back: string,
  compact = false,
  showStravaData = true,
): Html | '' {
  const p = workoutProblem(r);
  if (!p) return '';
  const detail = p.detail && withoutStravaIds(p.detail, showStravaData);
  return html`<div class="problem${compact ? ' small' : ''}"><p class="reason">${p.reason}${detail ? html`<br><span class="detail">${detail}</span>` : ''}</p>
<div class="fix">${p.actions.map((a) => actionControl(a, r.workoutId, csrf, back))}</div></div>` as Html;
}
