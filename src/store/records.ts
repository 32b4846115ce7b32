// Sync records (one per workout × destination) and the append-only ledger.
// transition() is the only way a state changes: check, write, log — one transaction.
import { workoutFromStored } from './workout-json.js';
import type { LedgerEntry, LedgerFilter, Store, SyncRecord, WorkoutListSummary } from '../sync/ports.js';
import type { SyncState } from '../sync/states.js';
import { parseRecordCode } from '../sync/failures.js';
import type { Db, Queryable, Row } from './db.js';
import { currentSummary, listSummary } from './list-summary.js';
import { iso, isoOrNull, json, strOrNull } from './rows.js';
import type { Scope } from './scope.js';

const COLUMNS = `r.workout_id, r.destination, r.state, r.code, r.external_id, r.upload_id, r.activity_id,
  r.attempts, r.last_error, r.next_attempt_at, r.updated_at`;

function toRecord(r: Row): SyncRecord {
  return {
    workoutId: String(r.workout_id),
    destination: String(r.destination),
    state: r.state as SyncState,
    code: parseRecordCode(r.code, `sync record of ${String(r.workout_id)}`),
    externalId: String(r.external_id),
    uploadId: strOrNull(r.upload_id),
    activityId: strOrNull(r.activity_id),
    attempts: Number(r.attempts),
    lastError: strOrNull(r.last_error),
    nextAttemptAt: isoOrNull(r.next_attempt_at),
    updatedAt: iso(r.updated_at),
  };
}

function toLedger(r: Row): LedgerEntry {
  return {
    id: Number(r.id),
    at: iso(r.at),
    workoutId: strOrNull(r.workout_id),
    accountId: strOrNull(r.account_id),
    event: String(r.event),
    fromState: strOrNull(r.from_state),
    toState: strOrNull(r.to_state),
    reason: String(r.reason),
    data: (r.data ?? null) as LedgerEntry['data'],
  };
}

/** The entry is its workout's athlete's, else its account's, else the scope's (null: an instance-wide entry). */
async function insertLedger(
  q: Queryable,
  at: string,
  e: Omit<LedgerEntry, 'id' | 'at'>,
  athleteId: string | null,
): Promise<void> {
  await q.query(
    `INSERT INTO ledger (at, workout_id, account_id, event, from_state, to_state, reason, data, athlete_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, COALESCE(
       (SELECT athlete_id FROM workouts WHERE id = $2), (SELECT athlete_id FROM accounts WHERE id = $3), $9::text))`,
    [
      at,
      e.workoutId,
      e.accountId,
      e.event,
      e.fromState,
      e.toState,
      e.reason,
      e.data === null ? null : json(e.data),
      athleteId,
    ],
  );
}

async function selectRecord(
  q: Queryable,
  workoutId: string,
  destination: string,
  athleteId: string | null,
  lock = false,
): Promise<(SyncRecord & { accountId: string }) | null> {
  const rows = await q.query(
    `SELECT ${COLUMNS}, w.account_id FROM sync_records r JOIN workouts w ON w.id = r.workout_id
     WHERE r.workout_id = $1 AND r.destination = $2 AND ($3::text IS NULL OR w.athlete_id = $3)${lock ? ' FOR UPDATE OF r' : ''}`,
    [workoutId, destination, athleteId],
  );
  return rows[0] ? { ...toRecord(rows[0]), accountId: String(rows[0].account_id) } : null;
}

type RecordMethods = Pick<
  Store,
  | 'ensureRecord'
  | 'getRecord'
  | 'transition'
  | 'listRecords'
  | 'countRecords'
  | 'countByState'
  | 'countRecordStates'
  | 'appendLedger'
  | 'listLedger'
  | 'countLedger'
  | 'ledgerEvents'
>;

type RecordFilter = Parameters<Store['listRecords']>[0];

function recordWhere(filter: RecordFilter, athleteId: string | null): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (athleteId !== null) add('w.athlete_id = ?', athleteId);
  if (filter.destination !== undefined) add('r.destination = ?', filter.destination);
  if (filter.state !== undefined) add('r.state = ?', filter.state);
  if (filter.states !== undefined) add('r.state = ANY(?::text[])', [...filter.states]);
  if (filter.accountId !== undefined) add('w.account_id = ?', filter.accountId);
  if (filter.sport !== undefined) add('w.sport = ?', filter.sport);
  if (filter.since !== undefined) add('w.start_time >= ?', filter.since);
  if (filter.until !== undefined) add('w.start_time < ?', filter.until);
  if (filter.workoutIds !== undefined) add('r.workout_id = ANY(?::text[])', [...filter.workoutIds]);
  if (filter.exceptWorkoutIds !== undefined && filter.exceptWorkoutIds.length > 0)
    add('NOT (r.workout_id = ANY(?::text[]))', [...filter.exceptWorkoutIds]);
  if (filter.text !== undefined && filter.text !== '') {
    params.push(`%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, [...(filter.textCodes ?? [])]);
    const p = `$${params.length - 1}`;
    where.push(
      `(w.name ILIKE ${p} OR w.sport ILIKE ${p} OR w.source_id ILIKE ${p} OR r.code ILIKE ${p}` +
        ` OR r.last_error ILIKE ${p} OR r.code = ANY($${params.length}::text[]))`,
    );
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

function ledgerWhere(filter: LedgerFilter, athleteId: string | null): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [
    ['athlete_id', athleteId ?? undefined],
    ['workout_id', filter.workoutId],
    ['account_id', filter.accountId],
    ['event', filter.event],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** Each listed workout's summary; missing or outdated ones are computed from the workout and kept. */
async function summariesOf(db: Db, rows: Row[]): Promise<Map<string, WorkoutListSummary>> {
  const out = new Map<string, WorkoutListSummary>();
  const stale: string[] = [];
  for (const r of rows) {
    const s = currentSummary(r.list_summary);
    if (s) out.set(String(r.workout_id), s);
    else stale.push(String(r.workout_id));
  }
  if (stale.length) {
    const workouts = await db.query('SELECT id, workout FROM workouts WHERE id = ANY($1::text[])', [stale]);
    for (const w of workouts) {
      const summary = listSummary(workoutFromStored(w.workout, String(w.id)));
      await db.query('UPDATE workouts SET list_summary = $2::jsonb WHERE id = $1', [String(w.id), json(summary)]);
      out.set(String(w.id), currentSummary(summary)!);
    }
  }
  return out;
}

export function recordMethods(db: Db, now: () => Date, scope: Scope): RecordMethods {
  return {
    async ensureRecord(workoutId, destination, externalId) {
      const athleteId = await scope.read();
      // Only for a workout of the scope's athlete (else "no workout" below, before anything is written).
      if (athleteId !== null) {
        const own = await db.query('SELECT 1 FROM workouts WHERE id = $1 AND athlete_id = $2', [workoutId, athleteId]);
        if (own.length === 0) throw new Error(`no workout with id ${workoutId}`);
      }
      return db.transaction(async (tx) => {
        const at = now().toISOString();
        const inserted = await tx.query(
          `INSERT INTO sync_records (workout_id, destination, state, external_id, updated_at)
           VALUES ($1, $2, 'discovered', $3, $4) ON CONFLICT (workout_id, destination) DO NOTHING RETURNING workout_id`,
          [workoutId, destination, externalId, at],
        );
        const record = await selectRecord(tx, workoutId, destination, athleteId);
        if (!record) throw new Error(`no workout with id ${workoutId}`);
        if (inserted.length > 0) {
          await insertLedger(
            tx,
            at,
            {
              workoutId,
              accountId: record.accountId,
              event: 'transition',
              fromState: null,
              toState: 'discovered',
              reason: 'workout discovered',
              data: { destination, externalId },
            },
            athleteId,
          );
        }
        const { accountId: _, ...plain } = record;
        return plain;
      });
    },

    async getRecord(workoutId, destination) {
      const record = await selectRecord(db, workoutId, destination, await scope.read());
      if (!record) return null;
      const { accountId: _, ...plain } = record;
      return plain;
    },

    async transition(input) {
      const athleteId = await scope.read();
      return db.transaction(async (tx) => {
        const current = await selectRecord(tx, input.workoutId, input.destination, athleteId, true);
        if (!current || !input.from.includes(current.state)) return null;
        const patch = input.patch ?? {};
        const pick = <K extends keyof typeof patch>(key: K, old: SyncRecord[K]): SyncRecord[K] =>
          key in patch ? (patch[key] as SyncRecord[K]) : old;
        const at = now().toISOString();
        const rows = await tx.query(
          `UPDATE sync_records r SET state = $3, code = $4, upload_id = $5, activity_id = $6, attempts = $7,
             last_error = $8, next_attempt_at = $9, updated_at = $10
           WHERE workout_id = $1 AND destination = $2 RETURNING ${COLUMNS}`,
          [
            input.workoutId,
            input.destination,
            input.to,
            pick('code', current.code),
            pick('uploadId', current.uploadId),
            pick('activityId', current.activityId),
            pick('attempts', current.attempts),
            pick('lastError', current.lastError),
            pick('nextAttemptAt', current.nextAttemptAt),
            at,
          ],
        );
        await insertLedger(
          tx,
          at,
          {
            workoutId: input.workoutId,
            accountId: current.accountId,
            event: 'transition',
            fromState: current.state,
            toState: input.to,
            reason: input.reason,
            data: input.data ?? null,
          },
          athleteId,
        );
        return toRecord(rows[0]!);
      });
    },

    async listRecords(filter) {
      const { where, params } = recordWhere(filter, await scope.read());
      // No limit given means every matching record (the engine resumes from all of them).
      params.push(
        filter.limit === undefined ? null : Math.max(0, Math.floor(filter.limit)),
        Math.max(0, Math.floor(filter.offset ?? 0)),
      );
      const rows = await db.query(
        `SELECT ${COLUMNS}, w.start_time, w.sport, w.account_id, w.name, w.list_summary FROM sync_records r
         JOIN workouts w ON w.id = r.workout_id
         ${where}
         ORDER BY w.start_time DESC, r.workout_id, r.destination
         LIMIT $${params.length - 1}::bigint OFFSET $${params.length}::bigint`,
        params,
      );
      const summaries = await summariesOf(db, rows);
      return rows.map((r) => ({
        ...toRecord(r),
        startTime: iso(r.start_time),
        sport: String(r.sport),
        accountId: String(r.account_id),
        name: strOrNull(r.name),
        summary: summaries.get(String(r.workout_id))!,
      }));
    },

    async countRecords(filter) {
      const { where, params } = recordWhere(filter, await scope.read());
      const rows = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sync_records r JOIN workouts w ON w.id = r.workout_id ${where}`,
        params,
      );
      return Number(rows[0]?.n ?? 0);
    },

    async countRecordStates(filter) {
      const { where, params } = recordWhere(filter, await scope.read());
      const rows = await db.query<{ state: string; n: number }>(
        `SELECT r.state, count(*)::int AS n FROM sync_records r JOIN workouts w ON w.id = r.workout_id
         ${where} GROUP BY r.state`,
        params,
      );
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },

    async countByState(destination) {
      const athleteId = await scope.read();
      const rows = await db.query<{ state: string; n: number }>(
        athleteId === null
          ? `SELECT state, count(*)::int AS n FROM sync_records WHERE ($1::text IS NULL OR destination = $1) GROUP BY state`
          : `SELECT r.state, count(*)::int AS n FROM sync_records r JOIN workouts w ON w.id = r.workout_id
             WHERE ($1::text IS NULL OR r.destination = $1) AND w.athlete_id = $2 GROUP BY r.state`,
        athleteId === null ? [destination ?? null] : [destination ?? null, athleteId],
      );
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },

    async appendLedger(entry) {
      const athleteId = await scope.read();
      // A scoped store writes only about its own athlete's workouts and accounts.
      if (athleteId !== null && (entry.workoutId !== null || entry.accountId !== null)) {
        const own = await db.query(
          `SELECT 1 WHERE ($1::text IS NULL OR EXISTS (SELECT 1 FROM workouts WHERE id = $1 AND athlete_id = $3)
               OR NOT EXISTS (SELECT 1 FROM workouts WHERE id = $1))
             AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM accounts WHERE id = $2 AND athlete_id = $3)
               OR NOT EXISTS (SELECT 1 FROM accounts WHERE id = $2))`,
          [entry.workoutId, entry.accountId, athleteId],
        );
        if (own.length === 0) throw new Error('ledger entry about another athlete refused');
      }
      await insertLedger(db, now().toISOString(), entry, athleteId);
    },

    async listLedger(filter) {
      const limit = Math.max(1, Math.floor(filter.limit ?? 1000));
      const offset = Math.max(0, Math.floor(filter.offset ?? 0));
      const { where, params } = ledgerWhere(filter, await scope.read());
      const rows = await db.query(
        `SELECT * FROM ledger ${where} ORDER BY id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, limit, offset],
      );
      // Default: the newest `limit` entries, told in the order they happened.
      return filter.newestFirst ? rows.map(toLedger) : rows.map(toLedger).reverse();
    },

    async countLedger(filter) {
      const { where, params } = ledgerWhere(filter, await scope.read());
      const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger ${where}`, params);
      return Number(rows[0]?.n ?? 0);
    },

    async ledgerEvents() {
      const rows = await db.query<{ event: string }>(
        'SELECT DISTINCT event FROM ledger WHERE ($1::text IS NULL OR athlete_id = $1) ORDER BY event',
        [await scope.read()],
      );
      return rows.map((r) => String(r.event));
    },
  };
}
