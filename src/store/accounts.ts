// Accounts (source and Strava connections). Secrets are sealed before they
// reach SQL and unsealed only on explicit request; they never appear in errors.
import { randomUUID } from 'node:crypto';
import type { Account, AccountKind, Store } from '../sync/ports.js';
import type { Db, Row } from './db.js';
import { iso, json, strOrNull } from './rows.js';
import type { Sealer } from './secrets.js';
import type { Scope } from './scope.js';

const COLUMNS = 'id, kind, label, settings, status, problem, created_at, updated_at';

function toAccount(r: Row): Account {
  return {
    id: String(r.id),
    kind: r.kind as AccountKind,
    label: String(r.label),
    settings: (r.settings ?? {}) as Record<string, unknown>,
    status: r.status as Account['status'],
    problem: strOrNull(r.problem),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

type AccountMethods = Pick<
  Store,
  'saveAccount' | 'getAccount' | 'listAccounts' | 'getSecrets' | 'setSecrets' | 'setAccountStatus' | 'deleteAccount'
>;

/** Rows of the scope's athlete only ($n is the scope's athlete id, or null for no limit). */
const OWN = (n: number) => `($${n}::text IS NULL OR athlete_id = $${n})`;

export function accountMethods(db: Db, sealer: Sealer, now: () => Date, scope: Scope): AccountMethods {
  const getAccount = async (id: string): Promise<Account | null> => {
    const rows = await db.query(`SELECT ${COLUMNS} FROM accounts WHERE id = $1 AND ${OWN(2)}`, [
      id,
      await scope.read(),
    ]);
    return rows[0] ? toAccount(rows[0]) : null;
  };
  return {
    async saveAccount(input) {
      const at = now().toISOString();
      const id = input.id ?? randomUUID();
      // A reconnect keeps the account's athlete; a new account is the scope's athlete's.
      const existing = input.id
        ? (await db.query<{ athlete_id: string }>('SELECT athlete_id FROM accounts WHERE id = $1', [input.id]))[0]
        : undefined;
      const athleteId = existing ? await ownAthlete(existing.athlete_id) : await scope.write();
      const sealed = input.secrets ? sealer.seal(input.secrets, id) : null;
      // Saving again (reconnect) keeps the creation time and clears a needs_user problem.
      const rows = await db.query(
        `INSERT INTO accounts (id, kind, label, settings, secrets, status, problem, created_at, updated_at, athlete_id)
         VALUES ($1, $2, $3, $4::jsonb, $5, 'ok', NULL, $6, $6, $7)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, label = EXCLUDED.label, settings = EXCLUDED.settings,
           secrets = COALESCE(EXCLUDED.secrets, accounts.secrets), status = 'ok', problem = NULL, updated_at = EXCLUDED.updated_at
         RETURNING ${COLUMNS}`,
        [id, input.kind, input.label, json(input.settings), sealed, at, athleteId],
      );
      return toAccount(rows[0]!);
    },
    getAccount,
    async listAccounts() {
      return (
        await db.query(`SELECT ${COLUMNS} FROM accounts WHERE ${OWN(1)} ORDER BY created_at, id`, [await scope.read()])
      ).map(toAccount);
    },
    async getSecrets(accountId) {
      const rows = await db.query<{ secrets: string | null }>(
        `SELECT secrets FROM accounts WHERE id = $1 AND ${OWN(2)}`,
        [accountId, await scope.read()],
      );
      if (!rows[0]) throw new Error(`no account with id ${accountId}`);
      return rows[0].secrets ? sealer.unseal(rows[0].secrets, accountId) : {};
    },
    async setSecrets(accountId, secrets) {
      const rows = await db.query(
        `UPDATE accounts SET secrets = $2, updated_at = $3 WHERE id = $1 AND ${OWN(4)} RETURNING id`,
        [accountId, sealer.seal(secrets, accountId), now().toISOString(), await scope.read()],
      );
      if (rows.length === 0) throw new Error(`no account with id ${accountId}`);
    },
    async setAccountStatus(accountId, status, problem) {
      const rows = await db.query(
        `UPDATE accounts SET status = $2, problem = $3, updated_at = $4 WHERE id = $1 AND ${OWN(5)} RETURNING id`,
        [accountId, status, problem, now().toISOString(), await scope.read()],
      );
      if (rows.length === 0) throw new Error(`no account with id ${accountId}`);
    },
    async deleteAccount(id) {
      // Workouts and their sync records go with the account; the ledger stays (append-only).
      await db.query(`DELETE FROM accounts WHERE id = $1 AND ${OWN(2)}`, [id, await scope.read()]);
    },
  };

  /** An existing account is saved again only by its own athlete's scope (or the unlimited one). */
  async function ownAthlete(athleteId: string): Promise<string> {
    const own = await scope.read();
    if (own !== null && own !== athleteId) throw new Error('no account with that id for this athlete');
    return athleteId;
  }
}

/**
 * Reseals secrets stored by bandsync 0.1.0 (not bound to their account) in
 * the current format, leaving every other column as it was. Runs when the
 * store opens; secrets that do not open with this key stay as they are, and
 * reading them reports the wrong key as before.
 */
export async function resealLegacySecrets(db: Db, sealer: Sealer): Promise<void> {
  const rows = await db.query<{ id: string; secrets: string }>(
    "SELECT id, secrets FROM accounts WHERE secrets LIKE 'v1:%'",
  );
  for (const { id, secrets } of rows) {
    let plain: Record<string, string>;
    try {
      plain = sealer.unsealLegacy(secrets, id);
    } catch {
      continue;
    }
    // Only if unchanged meanwhile (another process may be doing the same).
    await db.query('UPDATE accounts SET secrets = $3 WHERE id = $1 AND secrets = $2', [
      id,
      secrets,
      sealer.seal(plain, id),
    ]);
  }
}
