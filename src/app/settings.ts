// The settings the dashboard edits while the daemon runs (sport rules, device
// name, privacy, poll interval), and a preview of what new rules would change.
import { DESTINATION } from '../sync/deps.js';
import type { AppContext } from './context.js';
import { saveMapping, type MappingSettings } from './sport-mapping.js';

export type Visibility = 'everyone' | 'followers_only' | 'only_me';

export interface EditableSettings {
  readonly sportRules: readonly MappingSettings['rules'][number][];
  readonly privacy: {
    /** Upload backfilled history hidden from home feeds (F13). */
    readonly hideBackfillFromHome: boolean;
    readonly backfillVisibility: Visibility;
  };
  readonly pollIntervalSeconds: number;
  /** Device name written into uploaded files; null = the band model (F6). */
  readonly deviceName: string | null;
}

type SettingsApp = Pick<AppContext, 'store' | 'config' | 'mapping'>;

export async function getSettings(app: SettingsApp): Promise<EditableSettings> {
  const privacy = (await app.store.getSetting<EditableSettings['privacy']>('privacy')) ?? {
    hideBackfillFromHome: app.config.hideBackfillFromHome,
    backfillVisibility: 'everyone',
  };
  return {
    sportRules: app.mapping.rules.map((r) => ({ ...r })),
    privacy,
    pollIntervalSeconds: await pollIntervalSeconds(app),
    deviceName: app.mapping.deviceName,
  };
}

/** Validates and saves; throws with a user-facing message on an invalid value. */
export async function setSettings(app: SettingsApp, settings: EditableSettings): Promise<void> {
  if (settings.pollIntervalSeconds < 60) throw new Error('The poll interval must be at least 60 seconds.');
  await saveMapping(app, { rules: settings.sportRules.map((r) => ({ ...r })), deviceName: settings.deviceName });
  await app.store.setSetting('privacy', settings.privacy);
  await app.store.setSetting('poll-interval', settings.pollIntervalSeconds);
}

/** How often the daemon polls: the dashboard's choice, else the config's. */
export async function pollIntervalSeconds(app: Pick<AppContext, 'store' | 'config'>): Promise<number> {
  return (await app.store.getSetting<number>('poll-interval')) ?? app.config.pollIntervalSeconds;
}

/** Which stored workouts the given rules would map differently (at most `limit` rows). */
export async function previewSportRules(
  app: Pick<AppContext, 'store' | 'mapping' | 'sportForWith'>,
  rules: readonly MappingSettings['rules'][number][],
  limit: number,
) {
  const records = await app.store.listRecords({ destination: DESTINATION, limit: 2000 });
  const before = app.sportForWith(app.mapping.rules);
  const after = app.sportForWith(rules.map((x) => ({ ...x })));
  const rows = [];
  for (const r of records) {
    const stored = await app.store.getWorkout(r.workoutId);
    if (!stored) continue;
    const from = before(stored.workout).sportType;
    const to = after(stored.workout).sportType;
    if (from !== to)
      rows.push({
        workoutId: r.workoutId,
        startTime: r.startTime,
        utcOffsetSeconds: stored.workout.utcOffsetSeconds,
        sport: stored.workout.sport,
        rawSport: stored.workout.rawSport ?? null,
        from,
        to,
      });
    if (rows.length >= limit) break;
  }
  return rows;
}
