// Dashboard sessions. Logged-in ones (the administrator's, an athlete's) live
// in the database behind DashboardAccess, found by the SHA-256 of the cookie
// value, so a restart keeps everyone logged in and a copy of the database
// signs no one in. Anonymous ones (a login form's CSRF token, a Strava
// sign-in under way) stay in memory with their own cap: visitors who are not
// logged in never write to the database and only ever push out each other,
// never a logged-in session; a restart costs them an unsent form.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DashboardAccess, SessionRow } from '../sync/ports.js';

export type Role = 'admin' | 'athlete';
export type Flash = { kind: 'ok' | 'error'; text: string };

export interface Session {
  /** The cookie value: in memory only, the database knows its hash. */
  readonly id: string;
  /** Sent back in every form / fetch that changes state. */
  readonly csrf: string;
  /** Who is logged in; null for an anonymous session. */
  readonly role: Role | null;
  /** The athlete an athlete session acts for; null otherwise. */
  readonly athleteId: string | null;
  /** Logged in, as the administrator or an athlete. */
  readonly authenticated: boolean;
  readonly expiresAt: number;
  /** One message shown on the next page (post → redirect → get). */
  flash?: Flash | null;
  /** The athlete the administrator chose to see (several athletes); unset = their own (server/athlete-scope.ts). */
  viewAthleteId?: string | null;
}

type SessionRows = Pick<DashboardAccess, 'createSession' | 'getSession' | 'updateSession' | 'deleteSession'>;

const TTL_MS = 12 * 3600_000;
/** last_seen_at is written at most this often (each write is flushed to disk on the embedded database). */
const SEEN_EVERY_MS = 60_000;
export const MAX_SESSIONS_PER_POOL = 1000;

export const hashToken = (value: string): string => createHash('sha256').update(value).digest('hex');

export class SessionStore {
  private readonly anonymous = new Map<string, Session>();
  /** What each loaded session's flash was, to write it back only when a page changed it. */
  private readonly loadedFlash = new WeakMap<Session, string>();
  private readonly rows: SessionRows;

  constructor(
    private readonly now: () => Date,
    rows?: SessionRows,
  ) {
    this.rows = rows ?? memoryRows();
  }

  async create(role: Role | null, athleteId: string | null = null): Promise<Session> {
    const t = this.now().getTime();
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(24).toString('base64url'),
      role,
      athleteId: role === 'athlete' ? athleteId : null,
      authenticated: role !== null,
      expiresAt: t + TTL_MS,
    };
    if (role === null) {
      // Map keeps insertion order and every session lives as long, so the
      // oldest is first: drop the expired ones, then the oldest if still full.
      for (const [id, s] of this.anonymous) {
        if (s.expiresAt > t && this.anonymous.size < MAX_SESSIONS_PER_POOL) break;
        this.anonymous.delete(id);
      }
      this.anonymous.set(session.id, session);
      return session;
    }
    const at = new Date(t).toISOString();
    await this.rows.createSession(
      {
        idHash: hashToken(session.id),
        csrf: session.csrf,
        role,
        athleteId: session.athleteId,
        flash: null,
        expiresAt: new Date(session.expiresAt).toISOString(),
        createdAt: at,
        lastSeenAt: at,
      },
      MAX_SESSIONS_PER_POOL,
    );
    this.loadedFlash.set(session, 'null');
    return session;
  }

  async get(id: string | undefined): Promise<Session | null> {
    if (!id) return null;
    const now = this.now();
    const anonymous = this.anonymous.get(id);
    if (anonymous) {
      if (anonymous.expiresAt > now.getTime()) return anonymous;
      this.anonymous.delete(id);
      return null;
    }
    const row = await this.rows.getSession(hashToken(id), now);
    if (!row) return null;
    if (now.getTime() - Date.parse(row.lastSeenAt) >= SEEN_EVERY_MS)
      await this.rows.updateSession(row.idHash, { lastSeenAt: now.toISOString() });
    const session = fromRow(id, row);
    this.loadedFlash.set(session, JSON.stringify(session.flash ?? null));
    return session;
  }

  /** Writes back the flash a page set or showed (anonymous sessions keep theirs in memory). */
  async saveFlash(session: Session): Promise<void> {
    const before = this.loadedFlash.get(session);
    const after = JSON.stringify(session.flash ?? null);
    if (before === undefined || before === after) return;
    this.loadedFlash.set(session, after);
    await this.rows.updateSession(hashToken(session.id), { flash: session.flash ?? null });
  }

  /** The administrator's choice in the athlete switcher, kept with the session. */
  async setViewAthlete(session: Session, athleteId: string | null): Promise<void> {
    session.viewAthleteId = athleteId;
    if (session.role === null) return;
    await this.rows.updateSession(hashToken(session.id), { viewAthleteId: athleteId });
  }

  async destroy(id: string): Promise<void> {
    if (!id) return;
    this.anonymous.delete(id);
    await this.rows.deleteSession(hashToken(id));
  }
}

function fromRow(id: string, row: SessionRow): Session {
  return {
    id,
    csrf: row.csrf,
    role: row.role,
    athleteId: row.athleteId,
    viewAthleteId: row.viewAthleteId ?? null,
    authenticated: true,
    expiresAt: Date.parse(row.expiresAt),
    flash: row.flash,
  };
}

/** Without a database (tests of the pages alone): the same rows in a map, lost on restart. */
function memoryRows(): SessionRows {
  const rows = new Map<string, SessionRow>();
  return {
    async createSession(row, cap) {
      for (const [k, r] of rows) if (Date.parse(r.expiresAt) <= Date.parse(row.createdAt)) rows.delete(k);
      for (const k of rows.keys()) {
        if (rows.size < cap) break;
        rows.delete(k);
      }
      rows.set(row.idHash, row);
    },
    async getSession(idHash, now) {
      const row = rows.get(idHash);
      if (row && Date.parse(row.expiresAt) <= now.getTime()) rows.delete(idHash);
      return row && Date.parse(row.expiresAt) > now.getTime() ? row : null;
    },
    async updateSession(idHash, change) {
      const row = rows.get(idHash);
      if (row) rows.set(idHash, { ...row, ...change });
    },
    async deleteSession(idHash) {
      rows.delete(idHash);
    },
  };
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
