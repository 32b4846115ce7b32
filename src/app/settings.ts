// The settings the dashboard edits while the daemon runs (sport rules, device
// name, privacy, poll interval), and a preview of what new rules would change.
// One source of truth: a value saved in the dashboard (database) wins over
// the config file's, which is the default until the dashboard saves one.
import { DESTINATION } from '../sync/deps.js';
import { recordPages } from './record-pages.js';
import type { Config } from '../config.js';
import type { Store } from '../sync/ports.js';
import type { AppContext } from './context.js';
import { saveMapping, type MappingSettings } from './sport-mapping.js';
import { updateOnStrava } from '../sync/activity-updates.js';

export interface PrivacySettings {
  /** Upload backfilled history (recorded more than 30 days before it is sent) hidden from home feeds (F13). */
  readonly hideBackfillFromHome: boolean;
}

export interface EditableSettings {
  readonly sportRules: readonly MappingSettings['rules'][number][];
  readonly privacy: PrivacySettings;
  readonly pollIntervalSeconds: number;
  /** Device name written into uploaded files; null = the band model (F6). */
  readonly deviceName: string | null;
}

type SettingsApp = Pick<AppContext, 'store' | 'config' | 'mapping' | 'sportForWith' | 'deps'>;

/** The privacy setting the sync applies: the dashboard's saved one, else the config file's. */
export async function privacySettings(app: {
  store: Store;
  config: Pick<Config, 'hideBackfillFromHome'>;
}): Promise<PrivacySettings> {
  // Rows saved before 0.2 also hold backfillVisibility, which Strava's API cannot set: ignored.
  const saved = await app.store.getSetting<Partial<PrivacySettings>>('privacy');
  return {
    hideBackfillFromHome:
      typeof saved?.hideBackfillFromHome === 'boolean' ? saved.hideBackfillFromHome : app.config.hideBackfillFromHome,
  };
}

export async function getSettings(app: SettingsApp): Promise<EditableSettings> {
  return {
    sportRules: app.mapping.rules.map((r) => ({ ...r })),
    privacy: await privacySettings(app),
    pollIntervalSeconds: await pollIntervalSeconds(app),
    deviceName: app.mapping.deviceName,
  };
}

/** Whether two rule lists are the same rules in the same order (key order aside: the database may reorder them). */
export function sameRules(
  a: readonly MappingSettings['rules'][number][],
  b: readonly MappingSettings['rules'][number][],
): boolean {
  const key = (r: MappingSettings['rules'][number]) =>
    JSON.stringify([r.rawSport ?? null, r.sport ?? null, r.sportType]);
  return a.length === b.length && a.every((r, i) => key(r) === key(b[i]!));
}

/** What saving the settings did to activities already on Strava (rules that change their sport). */
export interface SettingsSaved {
  readonly stravaUpdates: {
    readonly updated: number;
    /** Kept and sent by the next sync or poll (rate limit, Strava unavailable). */
    readonly pending: number;
    readonly refused: number;
    /** The earliest time a pending update can be sent, when Strava said (rate-limit reset). */
    readonly retryAt: string | null;
  };
}

/**
 * Validates and saves; throws with a user-facing message on an invalid value.
 * Workouts already on Strava whose sport the new rules change are updated
 * there (PUT), or kept pending; those not uploaded yet go up with the new sport.
 */
export async function setSettings(app: SettingsApp, settings: EditableSettings): Promise<SettingsSaved> {
  if (settings.pollIntervalSeconds < 60) throw new Error('The poll interval must be at least 60 seconds.');
  const rules = settings.sportRules.map((r) => ({ ...r }));
  const changed = sameRules(rules, app.mapping.rules)
    ? []
    : (await sportRuleChanges(app, rules, Infinity)).rows.filter((r) => r.onStrava);
  await saveMapping(app, { rules, deviceName: settings.deviceName });
  await app.store.setSetting('privacy', { hideBackfillFromHome: settings.privacy.hideBackfillFromHome });
  await app.store.setSetting('poll-interval', settings.pollIntervalSeconds);
  const tally = { updated: 0, pending: 0, refused: 0, retryAt: null as string | null };
  for (const row of changed) {
    const result = await updateOnStrava(app.deps, row.workoutId, `sport rules changed: ${row.from} → ${row.to}`);
    if (result.kind === 'updated') tally.updated++;
    else if (result.kind === 'refused') tally.refused++;
    else if (result.kind === 'pending') {
      tally.pending++;
      if (result.retryAt && (!tally.retryAt || result.retryAt < tally.retryAt)) tally.retryAt = result.retryAt;
    }
  }
  return { stravaUpdates: tally };
}

/** How often the daemon polls: the dashboard's choice, else the config's. */
export async function pollIntervalSeconds(app: Pick<AppContext, 'store' | 'config'>): Promise<number> {
  return (await app.store.getSetting<number>('poll-interval')) ?? app.config.pollIntervalSeconds;
}

export interface RuleChangeRow {
  readonly workoutId: string;
  readonly startTime: string;
  readonly utcOffsetSeconds: number;
  readonly sport: string;
  readonly rawSport: string | null;
  readonly from: string;
  readonly to: string;
  /** Already on Strava: saving updates the activity there. */
  readonly onStrava: boolean;
}

export interface RuleChanges {
  /** At most `limit` rows. */
  readonly rows: RuleChangeRow[];
  /** Every stored workout the rules would map differently. */
  readonly total: number;
  /** How many of them are on Strava and would be updated there. */
  readonly onStrava: number;
}

/** Which stored workouts the given rules would map differently, and how many of them are on Strava. */
export async function sportRuleChanges(
  app: Pick<AppContext, 'store' | 'mapping' | 'sportForWith'>,
  rules: readonly MappingSettings['rules'][number][],
  limit: number,
): Promise<RuleChanges> {
  const before = app.sportForWith(app.mapping.rules);
  const after = app.sportForWith(rules.map((x) => ({ ...x })));
  const rows: RuleChangeRow[] = [];
  let total = 0;
  let onStrava = 0;
  // Page by page (all of them: there was a cap of 100,000), each workout read on its own.
  for await (const page of recordPages(app.store, { destination: DESTINATION }))
    for (const r of page) {
      const stored = await app.store.getWorkout(r.workoutId);
      if (!stored) continue;
      const from = before(stored.workout).sportType;
      const to = after(stored.workout).sportType;
      if (from === to) continue;
      total++;
      const synced = r.activityId !== null || r.state === 'uploading' || r.state === 'processing';
      if (synced) onStrava++;
      if (rows.length < limit)
        rows.push({
          workoutId: r.workoutId,
          startTime: r.startTime,
          utcOffsetSeconds: stored.workout.utcOffsetSeconds,
          sport: stored.workout.sport,
          rawSport: stored.workout.rawSport ?? null,
          from,
          to,
          onStrava: synced,
        });
    }
  return { rows, total, onStrava };
}
