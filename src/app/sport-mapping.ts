// Which Strava sport a workout goes up as (F7): the user's per-workout
// choice, then the dashboard's rules, then the config file's, then the
// destination's default for our sport. Also the mapping settings the
// dashboard edits while the daemon runs.
import { sportFamily } from '../core/workout/sport.js';
import type { Workout } from '../core/workout/types.js';
import type { SportDecision } from '../sync/deps.js';
import type { EngineDeps } from '../sync/deps.js';
import type { Store } from '../sync/ports.js';
import { updateOnStrava, type StravaUpdateResult } from '../sync/activity-updates.js';
import type { DestinationSport } from './ports.js';
import { applySportRules, type SportRule } from './sport-rules.js';

/** Settings the dashboard edits while the daemon runs; read synchronously by the sport mapping. */
export interface MappingSettings {
  rules: { rawSport?: string; sport?: string; sportType: string }[];
  /** Per-workout sport_type chosen by the user, keyed by workoutKey(). */
  overrides: Record<string, string>;
  deviceName: string | null;
}

export const workoutKey = (w: Workout): string => `${w.source.kind}:${w.source.id}`;

export async function loadMappingSettings(store: Store): Promise<MappingSettings> {
  return (await store.getSetting<MappingSettings>('mapping')) ?? { rules: [], overrides: {}, deviceName: null };
}

/** Changes the live settings (every reader sees them at once) and stores them. */
export async function saveMapping(
  app: { store: Store; mapping: MappingSettings },
  patch: Partial<MappingSettings>,
): Promise<void> {
  Object.assign(app.mapping, patch);
  await app.store.setSetting('mapping', app.mapping);
}

export interface SportPolicyDeps {
  /** The live mapping settings (overrides are read from here on every call). */
  readonly mapping: MappingSettings;
  /** The config file's rules, after the dashboard's. */
  readonly fileRules: readonly SportRule[];
  /** Strict mode: an unknown sport code waits for a rule instead of going up as "Workout". */
  readonly strict: boolean;
  readonly destinationSport: DestinationSport;
}

/** The sport decision for a workout under the given dashboard rules (previews pass other rules). */
export const sportPolicy =
  (deps: SportPolicyDeps) =>
  (dashboard: MappingSettings['rules']) =>
  (w: Workout): SportDecision => {
    const override = deps.mapping.overrides[workoutKey(w)];
    if (override)
      return {
        sportType: deps.destinationSport(w.sport, override).sportType,
        trainer: deps.destinationSport(w.sport).trainer || onTrainer(w),
      };
    // Dashboard rules come first, then the config file's; a dashboard rule names either the source's raw code or our sport.
    const dashboardRules = dashboard
      .filter((r) => r.rawSport !== undefined || r.sport === w.sport)
      .map((r): SportRule => ({ code: r.rawSport, sportType: r.sportType }));
    const outcome = applySportRules([...dashboardRules, ...deps.fileRules], {
      code: w.rawSport ?? w.sport,
      device: w.device.name,
      hasGps: (w.samples.lat ?? []).some((v) => v !== null),
      name: w.name,
    });
    const mapped = deps.destinationSport(w.sport, outcome.kind === 'set' ? outcome.sportType : undefined);
    // Strict mode: a sport code we could not map waits for a rule instead of going up as "Workout".
    const unknown = deps.strict && outcome.kind === 'none' && w.sport === 'other' && w.rawSport !== undefined;
    return {
      sportType: mapped.sportType,
      trainer: mapped.trainer || onTrainer(w),
      skipReason: outcome.kind === 'skip' ? `sport rule #${outcome.ruleIndex + 1} says skip` : undefined,
      ...(unknown ? { needsUser: 'sport_unknown' as const } : {}),
    };
  };

/**
 * Strava's trainer flag means "on a stationary machine". An indoor workout is
 * one, except a pool swim: indoor, but Strava's own apps upload it without
 * the flag (found by test/zepp-e2e/sport-shapes.test.ts).
 */
function onTrainer(w: Workout): boolean {
  return w.indoor && sportFamily(w.sport) !== 'swim';
}

/**
 * The user's sport_type for one workout (dashboard); it wins over every rule from now on, and the ledger says so.
 * A workout already on Strava gets its activity updated (PUT), or the update is kept pending when it cannot be sent now.
 */
export async function remapSport(
  app: { store: Store; mapping: MappingSettings; deps: EngineDeps },
  workoutId: string,
  sportType: string,
): Promise<StravaUpdateResult> {
  const stored = await app.store.getWorkout(workoutId);
  if (!stored) throw new Error(`No workout ${workoutId}`);
  await saveMapping(app, { overrides: { ...app.mapping.overrides, [workoutKey(stored.workout)]: sportType } });
  await app.store.appendLedger({
    workoutId,
    accountId: stored.accountId,
    event: 'decision',
    fromState: null,
    toState: null,
    reason: `sport re-mapped by the user to ${sportType}`,
    data: null,
  });
  return updateOnStrava(app.deps, workoutId, `sport re-mapped by the user to ${sportType}`);
}
