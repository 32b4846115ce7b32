// Small key/value settings (jsonb), e.g. the OAuth state or the last poll time.
// The athlete's own settings (ATHLETE_SETTINGS: sport mapping, privacy) are
// kept per athlete under athlete:<id>:<key>; the rest are the instance's.
import type { Store } from '../sync/ports.js';
import type { Db } from './db.js';
import { json } from './rows.js';
import { ATHLETE_SETTINGS, athleteSettingKey, type Scope } from './scope.js';

export function settingMethods(db: Db, now: () => Date, scope: Scope): Pick<Store, 'getSetting' | 'setSetting'> {
  const readKey = async (key: string): Promise<string | null> => {
    if (!ATHLETE_SETTINGS.has(key)) return key;
    const athleteId = await scope.read();
    // No athlete yet: nothing of an athlete is stored. Several (the default store): no one athlete's settings.
    return athleteId === null ? null : athleteSettingKey(athleteId, key);
  };
  return {
    async getSetting<T>(key: string): Promise<T | null> {
      const stored = await readKey(key);
      if (stored === null) return null;
      const rows = await db.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [stored]);
      return rows[0] ? (rows[0].value as T) : null;
    },
    async setSetting(key, value) {
      const stored = ATHLETE_SETTINGS.has(key) ? athleteSettingKey(await scope.write(), key) : key;
      await db.query(
        `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2::jsonb, $3)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [stored, json(value ?? null), now().toISOString()],
      );
    },
  };
}
