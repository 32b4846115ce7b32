// Strava's per-application limits, on the simulator's clock: two buckets
// (overall; "read" = everything but creating uploads/activities) in two
// windows (quarter hour, UTC day). Kept separate from src/strava's maths on
// purpose: the simulator is the independent reference the client is tested against.

export interface Limits {
  overall15: number;
  overallDay: number;
  read15: number;
  readDay: number;
}

export const DEFAULT_LIMITS: Limits = { overall15: 200, overallDay: 2000, read15: 100, readDay: 1000 };

const QUARTER_MS = 900_000;
const DAY_MS = 86_400_000;

export class RateLimiter {
  limits: Limits;
  private quarter = -1;
  private day = -1;
  private usage = { overall15: 0, overallDay: 0, read15: 0, readDay: 0 };

  constructor(limits: Limits) {
    this.limits = { ...limits };
  }

  private roll(nowMs: number): void {
    const q = Math.floor(nowMs / QUARTER_MS);
    const d = Math.floor(nowMs / DAY_MS);
    if (d !== this.day) {
      this.day = d;
      this.usage.overallDay = 0;
      this.usage.readDay = 0;
    }
    if (q !== this.quarter) {
      this.quarter = q;
      this.usage.overall15 = 0;
      this.usage.read15 = 0;
    }
  }

  /**
   * Counts one request (over-limit requests count too, as on Strava) and
   * says which limit, if any, it broke.
   */
  take(kind: 'upload' | 'read', nowMs: number): { exceeded: null | 'overall rate limit' | 'read rate limit' } {
    this.roll(nowMs);
    const u = this.usage;
    const l = this.limits;
    let exceeded: null | 'overall rate limit' | 'read rate limit' = null;
    if (u.overall15 >= l.overall15 || u.overallDay >= l.overallDay) exceeded = 'overall rate limit';
    else if (kind === 'read' && (u.read15 >= l.read15 || u.readDay >= l.readDay)) exceeded = 'read rate limit';
    u.overall15++;
    u.overallDay++;
    if (kind === 'read') {
      u.read15++;
      u.readDay++;
    }
    return { exceeded };
  }

  /** The four headers exactly as Strava spells their values ("15min,daily"); read usage is "," on upload calls. */
  headers(kind: 'upload' | 'read'): Record<string, string> {
    const u = this.usage;
    const l = this.limits;
    return {
      'X-RateLimit-Limit': `${l.overall15},${l.overallDay}`,
      'X-RateLimit-Usage': `${u.overall15},${u.overallDay}`,
      'X-ReadRateLimit-Limit': `${l.read15},${l.readDay}`,
      'X-ReadRateLimit-Usage': kind === 'read' ? `${u.read15},${u.readDay}` : ',',
    };
  }

  snapshot(nowMs: number): Limits {
    this.roll(nowMs);
    return { ...this.usage };
  }
}

export function kindOf(method: string, path: string): 'upload' | 'read' {
  return method === 'POST' && /^\/api\/v3\/(uploads|activities)\/?$/.test(path) ? 'upload' : 'read';
}

/** Strava meters the API and deauthorize; the token endpoint's recorded answers carry no rate headers. */
export function isMetered(path: string): boolean {
  // Webhook subscriptions are the application's, with limits of their own (recorded: 600,30000).
  if (path.startsWith('/api/v3/push_subscriptions')) return false;
  return (path.startsWith('/api/v3/') && !path.startsWith('/api/v3/oauth/')) || path === '/oauth/deauthorize';
}
