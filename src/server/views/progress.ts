// The backfill progress block, updated live by app.js from /events. Each
// outcome is counted on its own (on Strava, processing, duplicates, skipped,
// failed, not sent yet), and a rate-limit wait says until when.
import type { BackfillProgress } from '../deps.js';
import { html, type Html } from './html.js';
import { serviceTime } from './time.js';

export function percent(p: BackfillProgress): number {
  return p.total > 0 ? Math.floor((p.done / p.total) * 100) : p.finished ? 100 : 0;
}

/** The counts as words, in the order a runner asks: what is on Strava, what is still under way, what went wrong. */
export const PROGRESS_PARTS: readonly [keyof BackfillProgress, string][] = [
  ['uploaded', 'on Strava'],
  ['processing', 'processing at Strava'],
  ['duplicates', 'already on Strava'],
  ['skipped', 'skipped'],
  ['failed', 'failed or need you'],
  ['pending', 'waiting to be sent'],
];

export function progressBlock(p: BackfillProgress | null): Html {
  if (!p)
    return html`<section id="backfill" class="card" data-live="1"><h2>Backfill</h2><p class="muted" data-field="summary">No backfill has run. <a href="/backfill">Start one</a>.</p></section>` as Html;
  const pct = percent(p);
  return html`<section id="backfill" class="card" data-live="1" data-percent="${pct}">
<h2>Backfill ${p.finished ? 'finished' : 'running'}</h2>
<progress id="backfill-progress" max="100" value="${pct}" aria-label="Backfill progress">${pct} %</progress>
<p><strong data-field="percent">${pct} %</strong> · <span data-field="done">${p.done} of ${p.total} done</span></p>
<ul class="progress-counts" data-field="counts">${PROGRESS_PARTS.map(([k, words]) => html`<li data-count="${k}"><strong>${String(p[k] ?? 0)}</strong> ${words}</li>`)}</ul>
<p class="muted" data-field="waiting">${p.waiting ?? ''}${p.resumesAt ? html`: resumes at ${serviceTime(p.resumesAt, 'until')}` : ''}</p>
</section>` as Html;
}
