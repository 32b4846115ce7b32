// The one place a Workout is put together, by every decoder (FIT, TCX, GPX)
// and every source mapper (Zepp cloud, Zepp export, Gadgetbridge): optional
// fields that are absent are left out rather than stored as undefined, the
// record streams and laps are made to agree with the declared distance
// (metrics/reconcile.ts, DESIGN F18), and the fingerprint is computed.
import { reconcileDistances } from '../metrics/reconcile.js';
import { withFingerprint } from './fingerprint.js';
import type { Issue, Lap, Length, Pause, RecordedTotals, Workout } from './types.js';

type Draftable<T> = { [K in keyof T]?: T[K] | undefined };

/** What a decoder or mapper found; `startMs` is the start instant, optional parts may be undefined. */
export interface WorkoutDraft extends Omit<
  Workout,
  | 'startTime'
  | 'fingerprint'
  | 'utcOffsetSeconds'
  | 'pauses'
  | 'laps'
  | 'lengths'
  | 'totals'
  | 'subSport'
  | 'rawSport'
  | 'name'
  | 'poolLengthMeters'
> {
  readonly startMs: number;
  readonly utcOffsetSeconds?: number;
  readonly pauses?: readonly Pause[];
  readonly laps?: readonly Lap[];
  readonly lengths?: readonly Length[];
  readonly totals?: Draftable<RecordedTotals>;
  readonly subSport?: string | undefined;
  readonly rawSport?: string | undefined;
  readonly name?: string | undefined;
  readonly poolLengthMeters?: number | undefined;
}

/** ISO-8601 UTC without milliseconds when they are zero ("2023-10-29T08:45:16Z"). */
export function isoStart(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Keeps the keys whose value is a finite number (or, for `keep`, any defined value). */
function defined<T extends object>(o: T, keep: (v: unknown) => boolean): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => keep(v))) as T;
}

/** Builds the workout; issues found while making streams agree with the totals are appended to `issues`. */
export function assembleWorkout(draft: WorkoutDraft, issues: Issue[]): Workout {
  const { startMs, totals = {}, pauses = [], laps = [], lengths = [], ...rest } = draft;
  const base = {
    ...defined(rest, (v) => v !== undefined),
    startTime: isoStart(startMs),
    utcOffsetSeconds: draft.utcOffsetSeconds ?? 0,
    pauses,
    laps,
    lengths,
    totals: defined(totals, (v) => typeof v === 'number' && Number.isFinite(v)) as RecordedTotals,
  };
  const reconciled = reconcileDistances(base);
  for (const issue of reconciled.issues) issues.push(issue);
  return withFingerprint({ ...base, samples: reconciled.samples, laps: reconciled.laps });
}
