// Workouts, upserted by (account, source id). A content hash tells a workout
// the source edited ("changed") apart from one merely listed again.
import { createHash, randomUUID } from 'node:crypto';
import type { Store, StoredWorkout } from '../sync/ports.js';
import type { Db, Row } from './db.js';
import { listSummary } from './list-summary.js';
import { workoutFromStored, workoutToStored } from './workout-json.js';
import { iso, json, strOrNull } from './rows.js';
import type { Scope } from './scope.js';

const COLUMNS = 'id, account_id, workout, revision, created_at';

function toStored(r: Row): StoredWorkout {
  return {
    id: String(r.id),
    accountId: String(r.account_id),
    workout: workoutFromStored(r.workout, String(r.id)),
    revision: strOrNull(r.revision),
    createdAt: iso(r.created_at),
  };
}

type WorkoutMethods = Pick<
  Store,
  'saveWorkout' | 'getWorkout' | 'findWorkoutBySourceId' | 'findWorkoutsByFingerprint' | 'newestWorkoutStart'
>;

/** Rows of the scope's athlete only ($n is the scope's athlete id, or null for no limit). */
const OWN = (n: number) => `($${n}::text IS NULL OR athlete_id = $${n})`;

export function workoutMethods(db: Db, now: () => Date, scope: Scope): WorkoutMethods {
  return {
    async saveWorkout(accountId, workout, revision) {
      // The workout is its account's athlete's; a scoped store saves only under its own accounts.
      const owner = await db.query<{ athlete_id: string }>(
        `SELECT athlete_id FROM accounts WHERE id = $1 AND ${OWN(2)}`,
        [accountId, await scope.read()],
      );
      if (!owner[0]) throw new Error(`no account with id ${accountId}`);
      const athleteId = owner[0].athlete_id;
      // The hash is of the workout alone, so a new envelope version is not taken for an edit.
      const hash = createHash('sha256').update(json(workout)).digest('hex');
      const body = json(workoutToStored(workout));
      const at = now().toISOString();
      const summary = json(listSummary(workout));
      return db.transaction(async (tx) => {
        const inserted = await tx.query<{ id: string }>(
          `INSERT INTO workouts (id, account_id, source_id, start_time, sport, name, fingerprint, content_hash, revision, workout, created_at, updated_at, list_summary, athlete_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $11, $12::jsonb, $13)
           ON CONFLICT (account_id, source_id) DO NOTHING RETURNING id`,
          [
            randomUUID(),
            accountId,
            workout.source.id,
            workout.startTime,
            workout.sport,
            workout.name ?? null,
            workout.fingerprint,
            hash,
            revision ?? null,
            body,
            at,
            summary,
            athleteId,
          ],
        );
        if (inserted[0]) return { id: inserted[0].id, created: true, changed: false };
        const existing = await tx.query<{ id: string; content_hash: string; revision: string | null }>(
          'SELECT id, content_hash, revision FROM workouts WHERE account_id = $1 AND source_id = $2 FOR UPDATE',
          [accountId, workout.source.id],
        );
        const row = existing[0]!;
        const revisionChanged = revision !== undefined && revision !== row.revision;
        if (row.content_hash === hash && !revisionChanged) return { id: row.id, created: false, changed: false };
        await tx.query(
          `UPDATE workouts SET start_time = $2, sport = $3, name = $4, fingerprint = $5, content_hash = $6,
             revision = COALESCE($7, revision), workout = $8::jsonb, updated_at = $9, list_summary = $10::jsonb WHERE id = $1`,
          [
            row.id,
            workout.startTime,
            workout.sport,
            workout.name ?? null,
            workout.fingerprint,
            hash,
            revision ?? null,
            body,
            at,
            summary,
          ],
        );
        return { id: row.id, created: false, changed: true };
      });
    },
    async getWorkout(id) {
      const rows = await db.query(`SELECT ${COLUMNS} FROM workouts WHERE id = $1 AND ${OWN(2)}`, [
        id,
        await scope.read(),
      ]);
      return rows[0] ? toStored(rows[0]) : null;
    },
    async findWorkoutBySourceId(accountId, sourceId) {
      const rows = await db.query(
        `SELECT ${COLUMNS} FROM workouts WHERE account_id = $1 AND source_id = $2 AND ${OWN(3)}`,
        [accountId, sourceId, await scope.read()],
      );
      return rows[0] ? toStored(rows[0]) : null;
    },
    async findWorkoutsByFingerprint(fingerprint, exceptId) {
      // The same workout from another source of the same athlete only: never another athlete's.
      // The one just saved is left out in the query: reading and parsing it again only to drop it
      // cost every discovered workout a whole copy (issue 17).
      return (
        await db.query(
          `SELECT ${COLUMNS} FROM workouts WHERE fingerprint = $1 AND ${OWN(2)} AND ($3::text IS NULL OR id <> $3)
           ORDER BY start_time, id`,
          [fingerprint, await scope.read(), exceptId ?? null],
        )
      ).map(toStored);
    },
    async newestWorkoutStart(accountId) {
      const rows = await db.query(`SELECT max(start_time) AS t FROM workouts WHERE account_id = $1 AND ${OWN(2)}`, [
        accountId,
        await scope.read(),
      ]);
      return rows[0]?.t ? iso(rows[0].t) : null;
    },
  };
}
