// Page checks every browser test can run: no horizontal overflow (the page is
// never wider than the screen) and an axe-core accessibility audit. axe is
// evaluated through the DevTools protocol, which the page's strict CSP does
// not apply to, so the page itself stays exactly as served.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: string[];
}

/** Serious and critical axe violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(
    `window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`,
  )) as Violation[];
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The document's width against the viewport's: wider means the page scrolls sideways. */
export async function widths(page: Page): Promise<{ document: number; viewport: number; widest: string }> {
  return (await page.evaluate(`(() => {
    const doc = document.documentElement;
    let widest = '';
    let max = doc.clientWidth;
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > max + 0.5) { max = r.right; widest = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''); }
    }
    return { document: doc.scrollWidth, viewport: doc.clientWidth, widest };
  })()`)) as { document: number; viewport: number; widest: string };
}
