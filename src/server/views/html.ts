// Escaping templates (hono/html escapes every interpolated value) and the
// small formatters every page shares.
import { html, raw } from 'hono/html';

export { html, raw };
export type Html = ReturnType<typeof raw>;

export function fmtNumber(value: number | null | undefined, unit: string, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(digits)}${unit ? ' ' + unit : ''}`;
}

/** Hidden CSRF field for every state-changing form. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">` as Html;
}
