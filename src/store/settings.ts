// Small key/value settings (jsonb), e.g. the OAuth state or the last poll time.
import type { Store } from '../sync/ports.js';
import type { Db } from './db.js';
import { json } from './rows.js';

export function settingMethods(db: Db, now: () => Date): Pick<Store, 'getSetting' | 'setSetting'> {
  return {
    async getSetting<T>(key: string): Promise<T | null> {
      const rows = await db.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [key]);
      return rows[0] ? (rows[0].value as T) : null;
    },
    async setSetting(key, value) {
      await db.query(
        `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2::jsonb, $3)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [key, json(value ?? null), now().toISOString()],
      );
    },
  };
}
