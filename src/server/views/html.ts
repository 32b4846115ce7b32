// Escaping templates (hono/html escapes every interpolated value) and the
// small formatters every page shares.
import { html, raw } from 'hono/html';

export { html, raw };
export type Html = ReturnType<typeof raw>;

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
}

export function fmtKm(meters: number | null | undefined): string {
  if (meters === null || meters === undefined || !Number.isFinite(meters)) return '—';
  return `${(meters / 1000).toFixed(2)} km`;
}

export function fmtNumber(value: number | null | undefined, unit: string, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(digits)}${unit ? ' ' + unit : ''}`;
}

/** Hidden CSRF field for every state-changing form. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">` as Html;
}
