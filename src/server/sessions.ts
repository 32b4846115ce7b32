// In-memory dashboard sessions. One process serves the dashboard, so a map
// is enough; a restart logs everyone out, which is the safe direction.
// Anonymous sessions (a login form's CSRF token) and logged-in ones live in
// separate pools with their own caps, so however many anonymous visitors
// arrive, they only ever push out each other, never the owner's session.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  readonly id: string;
  /** Sent back in every form / fetch that changes state. */
  readonly csrf: string;
  readonly authenticated: boolean;
  readonly expiresAt: number;
  /** One message shown on the next page (post → redirect → get). */
  flash?: { kind: 'ok' | 'error'; text: string } | null;
}

const TTL_MS = 12 * 3600_000;
export const MAX_SESSIONS_PER_POOL = 1000;

export class SessionStore {
  private readonly anonymous = new Map<string, Session>();
  private readonly authenticated = new Map<string, Session>();

  constructor(private readonly now: () => Date) {}

  create(authenticated: boolean): Session {
    const pool = authenticated ? this.authenticated : this.anonymous;
    // Map keeps insertion order and every session lives as long, so the
    // oldest is first: drop the expired ones, then the oldest if still full.
    const t = this.now().getTime();
    for (const [id, s] of pool) {
      if (s.expiresAt > t && pool.size < MAX_SESSIONS_PER_POOL) break;
      pool.delete(id);
    }
    const session: Session = {
      id: randomBytes(24).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
      authenticated,
      expiresAt: t + TTL_MS,
    };
    pool.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | null {
    if (!id) return null;
    const session = this.authenticated.get(id) ?? this.anonymous.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now().getTime()) {
      this.destroy(id);
      return null;
    }
    return session;
  }

  destroy(id: string): void {
    this.anonymous.delete(id);
    this.authenticated.delete(id);
  }
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
