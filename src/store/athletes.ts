// The athletes of the instance (issue 18): add, list, remove, and the store
// scoped to one of them.
import type { Athletes, Store } from '../sync/ports.js';
import type { Db } from './db.js';
import { ATHLETE_SETTINGS, athleteSettingKey, insertAthlete, toAthlete } from './scope.js';

export function athleteMethods(
  db: Db,
  now: () => Date,
  hooks: { scoped(athleteId: string): Store; changed(): void },
): Athletes {
  return {
    async list() {
      return (await db.query('SELECT * FROM athletes ORDER BY created_at, name')).map(toAthlete);
    },
    async byName(name) {
      const rows = await db.query('SELECT * FROM athletes WHERE name = $1', [name]);
      return rows[0] ? toAthlete(rows[0]) : null;
    },
    async add(name) {
      const athlete = await insertAthlete(db, name, now);
      hooks.changed();
      return athlete;
    },
    async remove(id) {
      await db.transaction(async (tx) => {
        // Accounts, workouts and sync records go by cascade; the ledger and settings by hand.
        await tx.query('DELETE FROM ledger WHERE athlete_id = $1', [id]);
        await tx.query('DELETE FROM settings WHERE key = ANY($1::text[])', [
          [...ATHLETE_SETTINGS].map((k) => athleteSettingKey(id, k)),
        ]);
        await tx.query('DELETE FROM athletes WHERE id = $1', [id]);
      });
      hooks.changed();
    },
    async setStravaAthleteId(id, stravaAthleteId) {
      await db.query('UPDATE athletes SET strava_athlete_id = $2, updated_at = $3 WHERE id = $1', [
        id,
        stravaAthleteId,
        now().toISOString(),
      ]);
    },
    scoped: (athleteId) => hooks.scoped(athleteId),
  };
}
