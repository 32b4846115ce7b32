// Dashboard sessions and athlete invites in the database (issue 18), so a
// restart keeps everyone logged in. Only hashes of the cookie values and
// invite tokens are stored (the caller hashes them).
import type { DashboardAccess, SessionRow } from '../sync/ports.js';
import type { Db, Row } from './db.js';
import { iso, json, strOrNull } from './rows.js';

function toSession(r: Row): SessionRow {
  return {
    idHash: String(r.id_hash),
    csrf: String(r.csrf),
    role: r.role === 'athlete' ? 'athlete' : 'admin',
    athleteId: strOrNull(r.athlete_id),
    viewAthleteId: strOrNull(r.view_athlete_id),
    flash: (r.flash as SessionRow['flash']) ?? null,
    expiresAt: iso(r.expires_at),
    createdAt: iso(r.created_at),
    lastSeenAt: iso(r.last_seen_at),
  };
}

export function accessMethods(db: Db): DashboardAccess {
  return {
    async createSession(row, cap) {
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM sessions WHERE expires_at <= $1', [row.createdAt]);
        // Full: the oldest go (every session lives as long, so they expire first anyway).
        await tx.query(
          `DELETE FROM sessions WHERE id_hash IN (
             SELECT id_hash FROM sessions ORDER BY created_at DESC, id_hash OFFSET $1)`,
          [Math.max(0, cap - 1)],
        );
        await tx.query(
          `INSERT INTO sessions (id_hash, csrf, role, athlete_id, flash, expires_at, created_at, last_seen_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
          [
            row.idHash,
            row.csrf,
            row.role,
            row.athleteId,
            row.flash ? json(row.flash) : null,
            row.expiresAt,
            row.createdAt,
            row.lastSeenAt,
          ],
        );
      });
    },
    async getSession(idHash, now) {
      const rows = await db.query('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
      if (!rows[0]) return null;
      const session = toSession(rows[0]);
      if (Date.parse(session.expiresAt) > now.getTime()) return session;
      await db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
      return null;
    },
    async updateSession(idHash, change) {
      if (change.lastSeenAt !== undefined)
        await db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [idHash, change.lastSeenAt]);
      if (change.flash !== undefined)
        await db.query('UPDATE sessions SET flash = $2::jsonb WHERE id_hash = $1', [
          idHash,
          change.flash ? json(change.flash) : null,
        ]);
      if (change.viewAthleteId !== undefined)
        await db.query('UPDATE sessions SET view_athlete_id = $2 WHERE id_hash = $1', [idHash, change.viewAthleteId]);
    },
    async deleteSession(idHash) {
      await db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
    },
    async createInvite(input) {
      await db.query('INSERT INTO invites (token_hash, athlete_id, expires_at, created_at) VALUES ($1, $2, $3, $4)', [
        input.tokenHash,
        input.athleteId,
        input.expiresAt,
        input.createdAt,
      ]);
    },
    async inviteAthlete(tokenHash, now) {
      const rows = await db.query<{ athlete_id: string }>(
        'SELECT athlete_id FROM invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2',
        [tokenHash, now.toISOString()],
      );
      return rows[0]?.athlete_id ?? null;
    },
    async takeInvite(tokenHash, now) {
      const rows = await db.query<{ athlete_id: string }>(
        `UPDATE invites SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
         RETURNING athlete_id`,
        [tokenHash, now.toISOString()],
      );
      return rows[0]?.athlete_id ?? null;
    },
    async releaseInvite(tokenHash) {
      await db.query('UPDATE invites SET used_at = NULL WHERE token_hash = $1', [tokenHash]);
    },
    async pendingInvites(now) {
      const rows = await db.query(
        `SELECT athlete_id, created_at, expires_at FROM invites WHERE used_at IS NULL AND expires_at > $1
         ORDER BY created_at, athlete_id`,
        [now.toISOString()],
      );
      return rows.map((r) => ({
        athleteId: String(r.athlete_id),
        createdAt: iso(r.created_at),
        expiresAt: iso(r.expires_at),
      }));
    },
    async revokeInvites(athleteId, now) {
      const rows = await db.query<{ expires_at: unknown }>(
        'DELETE FROM invites WHERE athlete_id = $1 AND used_at IS NULL RETURNING expires_at',
        [athleteId],
      );
      return rows.filter((r) => Date.parse(iso(r.expires_at)) > now.getTime()).length;
    },
  };
}
