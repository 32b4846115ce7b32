// In-memory dashboard sessions. One process serves the dashboard, so a map
// is enough; a restart logs everyone out, which is the safe direction.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  readonly id: string;
  /** Sent back in every form / fetch that changes state. */
  readonly csrf: string;
  readonly authenticated: boolean;
  expiresAt: number;
  /** One message shown on the next page (post → redirect → get). */
  flash?: { kind: 'ok' | 'error'; text: string } | null;
}

const TTL_MS = 12 * 3600_000;
const MAX_SESSIONS = 1000;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => Date) {}

  create(authenticated: boolean): Session {
    if (this.sessions.size >= MAX_SESSIONS) {
      // Map keeps insertion order: drop the oldest.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const session: Session = {
      id: randomBytes(24).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
      authenticated,
      expiresAt: this.now().getTime() + TTL_MS,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= this.now().getTime()) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
