// Turning Strava HTTP outcomes into BandsyncError codes, without ever putting
// a token or the client secret into a message.
import { BandsyncError } from '../sync/failures.js';

export interface StravaFault {
  message?: string;
  errors?: { resource?: string; field?: string; code?: string }[];
}

/** "Bad Request: Upload data empty" from a Fault body; the raw text (cut short) when it is not one. */
export function describeFault(status: number, bodyText: string): string {
  try {
    const fault = JSON.parse(bodyText) as StravaFault;
    const details = (fault.errors ?? []).map((e) => [e.resource, e.field, e.code].filter(Boolean).join(' ')).join('; ');
    return `HTTP ${status} ${fault.message ?? ''}${details ? `: ${details}` : ''}`.trim();
  } catch {
    return `HTTP ${status} ${bodyText.slice(0, 200)}`.trim();
  }
}

/** Removes every given secret from a message (belt and braces: messages are built from server text). */
export function redact(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

export function unavailable(what: string, cause: string): BandsyncError {
  return new BandsyncError('strava_unavailable', `Strava ${what}: ${cause}`);
}
