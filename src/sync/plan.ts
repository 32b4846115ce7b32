// The planner (pure): for candidate workouts and the athlete's Strava
// activities in the same time window, decide per workout what to do and why.
// Strava has no delete API, so nothing is uploaded that this has not approved.
import { sportFamily, type SportFamily } from '../core/workout/sport.js';
import type { Sport } from '../core/workout/types.js';
import { OUR_EXTERNAL_ID_PREFIX } from './external-id.js';
import type { RemoteActivity } from './ports.js';

export interface Candidate {
  readonly workoutId: string;
  readonly externalId: string;
  readonly startTime: string;
  readonly elapsedSeconds: number;
  readonly sport: Sport;
  /** Set when a rule or the user decided to skip. */
  readonly skipReason?: string;
  /** Set when an upload was already sent and its outcome is unknown. */
  readonly uploadSent?: boolean;
}

export type Decision =
  | { readonly workoutId: string; readonly action: 'upload'; readonly reason: string }
  | {
      readonly workoutId: string;
      readonly action: 'duplicate';
      readonly activityId: string;
      readonly reason: string;
      readonly ours?: boolean;
    }
  | { readonly workoutId: string; readonly action: 'skip'; readonly reason: string }
  | { readonly workoutId: string; readonly action: 'hold'; readonly reason: string };

/** ±3 minutes around the start counts as the same workout (F8). */
export const START_TOLERANCE_SECONDS = 180;
/** Planning lists ±14 h (the widest UTC offsets) around its workouts, to see timezone-shifted twins. */
export const PLAN_PAD_MS = 14 * 3600 * 1000 + START_TOLERANCE_SECONDS * 1000;
/** Timezone mistakes shift a start by whole hours; UTC offsets span −12 h … +14 h. */
const HOUR_OFFSETS = Array.from({ length: 27 }, (_, i) => i - 13).filter((h) => h !== 0);

const STRAVA_FAMILY: Record<string, SportFamily> = {
  Run: 'run',
  TrailRun: 'run',
  VirtualRun: 'run',
  Walk: 'walk',
  Hike: 'walk',
  Ride: 'ride',
  VirtualRide: 'ride',
  MountainBikeRide: 'ride',
  GravelRide: 'ride',
  EBikeRide: 'ride',
  EMountainBikeRide: 'ride',
  Swim: 'swim',
  Rowing: 'row',
  VirtualRow: 'row',
};

export function stravaFamily(sportType: string): SportFamily {
  return STRAVA_FAMILY[sportType] ?? 'other';
}

/** Strava lists external_id with the uploaded file's extension appended ("x.fit"). */
export function sameExternalId(remote: string | null, ours: string): boolean {
  if (!remote) return false;
  return remote === ours || remote.replace(/\.(fit|tcx|gpx)(\.gz)?$/i, '') === ours;
}

function compatible(sport: Sport, remoteSportType: string): boolean {
  const ours = sportFamily(sport);
  const theirs = stravaFamily(remoteSportType);
  // "Workout" and other generic types carry no family information: only an
  // exact time match is trusted then, which the caller already requires.
  return ours === theirs || theirs === 'other' || ours === 'other';
}

function startMatch(candidate: Candidate, remote: RemoteActivity): { offsetHours: number } | null {
  const delta = (Date.parse(remote.startTime) - Date.parse(candidate.startTime)) / 1000;
  if (Math.abs(delta) <= START_TOLERANCE_SECONDS) return { offsetHours: 0 };
  // Our own uploads carry the start we computed, never a vendor's timezone mistake: one of them
  // whole hours away is another workout (short walks an hour apart), not this one shifted.
  if (remote.externalId?.startsWith(OUR_EXTERNAL_ID_PREFIX)) return null;
  for (const hours of HOUR_OFFSETS) {
    if (Math.abs(delta - hours * 3600) <= START_TOLERANCE_SECONDS) {
      // A timezone-shifted twin must also last about as long, or it is a different workout.
      const similarLength =
        Math.abs(remote.elapsedSeconds - candidate.elapsedSeconds) <= Math.max(120, candidate.elapsedSeconds * 0.1);
      return similarLength ? { offsetHours: hours } : null;
    }
  }
  return null;
}

export function planBatch(candidates: readonly Candidate[], remote: readonly RemoteActivity[]): Decision[] {
  const claimed = new Set<string>();
  return candidates.map((c): Decision => {
    if (c.skipReason) return { workoutId: c.workoutId, action: 'skip', reason: c.skipReason };
    const byId = remote.find((r) => sameExternalId(r.externalId, c.externalId));
    if (byId) {
      claimed.add(byId.id);
      return {
        workoutId: c.workoutId,
        action: 'duplicate',
        activityId: byId.id,
        reason: `Strava activity ${byId.id} has our external_id ${c.externalId}`,
        ours: true,
      };
    }
    for (const r of remote) {
      if (claimed.has(r.id) || !compatible(c.sport, r.sportType)) continue;
      const match = startMatch(c, r);
      if (!match) continue;
      claimed.add(r.id);
      const shift = match.offsetHours === 0 ? 'within ±3 min' : `shifted by ${match.offsetHours} h (timezone mistake)`;
      return {
        workoutId: c.workoutId,
        action: 'duplicate',
        activityId: r.id,
        reason: `Strava activity ${r.id} (${r.sportType}) starts ${shift} of this workout`,
      };
    }
    if (c.uploadSent) {
      // Sent before but not listed yet: Strava may still be processing it.
      return { workoutId: c.workoutId, action: 'hold', reason: 'upload sent earlier; waiting for Strava to list it' };
    }
    return { workoutId: c.workoutId, action: 'upload', reason: 'no matching Strava activity in the window' };
  });
}

/**
 * The order `windows` needs: by start, oldest first. Starts are ISO-8601 UTC
 * strings of one shape, so code-unit order is time order; localeCompare gave
 * the same order through ICU's collation, slower, and paged in collation data
 * the idle daemon otherwise never reads (issue 17).
 */
export function byStartTime(a: { startTime: string }, b: { startTime: string }): number {
  return a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0;
}

/**
 * Splits candidates (sorted by start) into windows so each is covered by one
 * listing of at most `maxPerWindow` workouts. Returns [after, before) bounds
 * padded by a day so that timezone-shifted twins fall inside the listing too
 * (`padMs` narrower where only our own uploads are looked for).
 */
export function windows<T extends { startTime: string }>(
  sorted: readonly T[],
  maxPerWindow = 200,
  padMs = PLAN_PAD_MS,
): { after: string; before: string; items: T[] }[] {
  const out: { after: string; before: string; items: T[] }[] = [];
  const pad = padMs;
  for (let i = 0; i < sorted.length; i += maxPerWindow) {
    const items = sorted.slice(i, i + maxPerWindow);
    const first = Date.parse(items[0]!.startTime);
    const last = Date.parse(items[items.length - 1]!.startTime);
    out.push({ after: new Date(first - pad).toISOString(), before: new Date(last + pad).toISOString(), items });
  }
  return out;
}
