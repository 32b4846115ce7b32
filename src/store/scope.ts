// Athlete scoping (issue 18). Every store method takes its athlete from a
// Scope: a fixed athlete (Athletes.scoped), or the default one, which stands
// for the only athlete of a single-athlete instance so that nothing changes
// for it (no --athlete needed; `me` is created by the first write of a new
// database). With several athletes the default scope reads all of them (the
// administrator's view) and refuses a write that needs one athlete.
import { randomUUID } from 'node:crypto';
import type { Athlete } from '../sync/ports.js';
import type { Db, Row } from './db.js';
import { iso, strOrNull } from './rows.js';

export interface Scope {
  /** The athlete reads are limited to; null = no limit (no athlete yet, or the administrator's view of several). */
  read(): Promise<string | null>;
  /** The athlete a new row belongs to. */
  write(): Promise<string>;
}

export const ATHLETE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/** The settings that are each athlete's own, stored under athlete:<id>:<key>. */
// 'strava-activity-updates': the sport changes waiting to reach that athlete's Strava (sync/activity-updates.ts).
export const ATHLETE_SETTINGS: ReadonlySet<string> = new Set(['mapping', 'privacy', 'strava-activity-updates']);

export const athleteSettingKey = (athleteId: string, key: string): string => `athlete:${athleteId}:${key}`;

export function toAthlete(r: Row): Athlete {
  return {
    id: String(r.id),
    name: String(r.name),
    stravaAthleteId: strOrNull(r.strava_athlete_id),
    createdAt: iso(r.created_at),
  };
}

export function checkAthleteName(name: string): string {
  if (!ATHLETE_NAME.test(name))
    throw new Error(
      `invalid athlete name ${JSON.stringify(name)}: use 1-40 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  return name;
}

export async function insertAthlete(db: Db, name: string, now: () => Date): Promise<Athlete> {
  checkAthleteName(name);
  const at = now().toISOString();
  const rows = await db.query(
    `INSERT INTO athletes (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)
     ON CONFLICT (name) DO NOTHING RETURNING *`,
    [randomUUID(), name, at],
  );
  if (!rows[0]) throw new Error(`an athlete named ${name} already exists`);
  return toAthlete(rows[0]);
}

export function fixedScope(athleteId: string): Scope {
  return { read: async () => athleteId, write: async () => athleteId };
}

/** The message a command that needs one athlete gives when there are several. */
export function severalAthletesMessage(names: readonly string[]): string {
  return `there are ${names.length} athletes (${names.join(', ')}): name one with --athlete NAME`;
}

/** A write that needs one athlete, on the default store of an instance with several. */
export class SeveralAthletesError extends Error {
  constructor(readonly names: readonly string[]) {
    super(severalAthletesMessage(names));
    this.name = 'SeveralAthletesError';
  }
}

export function defaultScope(db: Db, now: () => Date): Scope & { forget(): void } {
  let sole: string | null = null;
  const athletes = async () =>
    db.query<{ id: string; name: string }>('SELECT id, name FROM athletes ORDER BY created_at, name');
  return {
    async read() {
      if (sole) return sole;
      const rows = await athletes();
      if (rows.length === 1) sole = rows[0]!.id;
      return rows.length === 1 ? rows[0]!.id : null;
    },
    async write() {
      if (sole) return sole;
      let rows = await athletes();
      if (rows.length === 0) {
        // Two processes may both create it: the name is unique, so one wins and both use it.
        await db.query(
          `INSERT INTO athletes (id, name, created_at, updated_at) VALUES ($1, 'me', $2, $2) ON CONFLICT (name) DO NOTHING`,
          [randomUUID(), now().toISOString()],
        );
        rows = await athletes();
      }
      if (rows.length > 1) throw new SeveralAthletesError(rows.map((r) => r.name));
      sole = rows[0]!.id;
      return sole;
    },
    forget() {
      sole = null;
    },
  };
}
