// Paging links for long lists: newer/older, where we are, first and last.
import { html, type Html } from './html.js';

export function pager(page: number, pages: number, link: (page: number) => string): Html | '' {
  if (pages <= 1 && page <= 1) return '';
  const last = Math.max(1, pages);
  return html`<nav class="pager" aria-label="Pages">
  ${page > 2 ? html`<a href="${link(1)}">« First</a>` : ''}
  ${page > 1 ? html`<a rel="prev" href="${link(page - 1)}">← Previous</a>` : ''}
  <span aria-current="page">Page ${page} of ${last}</span>
  ${page < last ? html`<a rel="next" href="${link(page + 1)}">Next →</a>` : ''}
  ${page < last - 1 ? html`<a href="${link(last)}">Last »</a>` : ''}
</nav>` as Html;
}
