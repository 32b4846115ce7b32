// A number with its unit set smaller, as sports apps print them ("4:52 /km").
import type { Quantity } from '../../app/units.js';
import { html, type Html } from './html.js';

export function quantity(v: Quantity): Html {
  return html`${v.value}${v.unit ? html`<small> ${v.unit}</small>` : ''}` as Html;
}

/** Plain text, for table cells and attributes. */
export function quantityText(v: Quantity | null | undefined): string {
  return v ? `${v.value}${v.unit ? ` ${v.unit}` : ''}` : '—';
}
