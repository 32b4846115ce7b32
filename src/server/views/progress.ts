// The backfill progress block, updated live by app.js from /events.
import type { BackfillProgress } from '../deps.js';
import { html, type Html } from './html.js';

export function percent(p: BackfillProgress): number {
  return p.total > 0 ? Math.floor((p.done / p.total) * 100) : p.finished ? 100 : 0;
}

export function progressBlock(p: BackfillProgress | null): Html {
  if (!p)
    return html`<section id="backfill" class="card" data-live="1"><h2>Backfill</h2><p class="muted" data-field="summary">No backfill has run. <a href="/backfill">Start one</a>.</p></section>` as Html;
  const pct = percent(p);
  return html`<section id="backfill" class="card" data-live="1">
<h2>Backfill ${p.finished ? 'finished' : 'running'}</h2>
<progress id="backfill-progress" max="100" value="${pct}">${pct} %</progress>
<p><strong data-field="percent">${pct} %</strong> · <span data-field="summary">${p.done} of ${p.total} done · ${p.uploaded} uploaded · ${p.duplicates} duplicates · ${p.skipped} skipped · ${p.failed} failed</span></p>
<p class="muted" data-field="waiting">${p.waiting ?? ''}</p>
</section>` as Html;
}
