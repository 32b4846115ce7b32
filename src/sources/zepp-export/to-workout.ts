// One SPORT row → a Workout with totals and no samples (the export carries no
// tracks; the engine uploads such workouts as manual activities). Pure: the
// sport map and the local-offset rule come in as arguments.
import { INDOOR_SPORTS } from '../../core/workout/sport.js';
import { assembleWorkout } from '../../core/workout/assemble.js';
import type { Issue, Sport, Workout } from '../../core/workout/types.js';
import type { ExportHandle } from './schema.js';

export interface MapContext {
  readonly accountId: string;
  /** UTC offset (s) in force at a UTC instant (ms): a fixed number or the machine's zone rules. */
  readonly offsetAt: (utcMs: number) => number;
  readonly mapSport: (code: string) => { sport: Sport; known: boolean };
  readonly parseTime: (text: string) => number | null;
}

export type MapResult = { ok: true; workout: Workout; issues: Issue[] } | { ok: false; reason: string };

/** Parses a number cell; null for the export's "none" sentinels. */
function num(text: string | undefined): number | null {
  if (text === undefined) return null;
  // A decimal comma shows up when a ;-separated file went through a European spreadsheet.
  const n = Number(text.replace(/^(-?\d+),(\d+)$/, '$1.$2'));
  if (!Number.isFinite(n) || n < 0) return null; // -1 means "none" in Zepp records
  return n;
}

const SECONDS = { s: 1, min: 60, ms: 0.001 } as const;
const METERS = { m: 1, km: 1000, mi: 1609.344 } as const;
const KCAL = { kcal: 1, kj: 1 / 4.184 } as const;

export const ZEPP_DEVICE = { manufacturer: 339, product: 0, name: 'Zepp (data export)' } as const;

export function sportRowToWorkout(handle: ExportHandle, ctx: MapContext): MapResult {
  const r = handle.record;
  const u = handle.units;
  const issues: Issue[] = [];
  const where = `${handle.entry}:${handle.line}`;
  const startMs = ctx.parseTime(r.startTime);
  if (startMs === null) return { ok: false, reason: `row ${handle.line}: start time "${r.startTime}" is not a date` };
  const endMs = r.endTime !== undefined ? ctx.parseTime(r.endTime) : null;
  const sportTime = num(r.sportTime);
  const timerSeconds = sportTime !== null ? Math.round(sportTime * SECONDS[u.sportTime]) : null;
  const elapsed = endMs !== null && endMs > startMs ? Math.round((endMs - startMs) / 1000) : timerSeconds;
  if (elapsed === null || elapsed <= 0)
    return { ok: false, reason: `row ${handle.line}: no duration (sportTime "${r.sportTime ?? ''}")` };
  if (elapsed > 7 * 24 * 3600)
    return { ok: false, reason: `row ${handle.line}: duration of ${elapsed} s is not plausible` };

  let distanceMeters = num(r.distance);
  if (distanceMeters !== null) distanceMeters *= METERS[u.distance];
  const pace = num(r.avgPace);
  if ((distanceMeters === null || distanceMeters === 0) && pace !== null && pace > 0 && timerSeconds) {
    // Some exports leave distance empty but keep the pace; distance follows from pace × time.
    const secondsPerMeter = u.pace === 's/km' ? pace / 1000 : pace;
    distanceMeters = timerSeconds / secondsPerMeter;
    issues.push({
      code: 'distance_from_pace',
      path: where,
      detail: 'distance missing; computed from average pace and sport time',
    });
  }
  const calories = num(r.calories);
  const mapped = ctx.mapSport(r.type);
  if (!mapped.known)
    issues.push({
      code: 'sport_unknown',
      path: where,
      detail: `Zepp sport code ${r.type} is not in the sport map; mapped to "${mapped.sport}"`,
    });
  const avgHr = num(r.avgHeartRate);
  const maxHr = num(r.maxHeartRate);
  const steps = num(r.steps);

  const workout = assembleWorkout(
    {
      sport: mapped.sport,
      rawSport: r.type,
      startMs,
      utcOffsetSeconds: ctx.offsetAt(startMs),
      elapsedSeconds: elapsed,
      samples: { t: [] },
      indoor: INDOOR_SPORTS.has(mapped.sport),
      device: ZEPP_DEVICE,
      totals: {
        distanceMeters:
          distanceMeters !== null && distanceMeters > 0 ? Math.round(distanceMeters * 10) / 10 : undefined,
        timerSeconds: timerSeconds ?? undefined,
        calories: calories !== null && calories > 0 ? Math.round(calories * KCAL[u.calories]) : undefined,
        avgHeartRate: avgHr !== null && avgHr > 0 ? avgHr : undefined,
        maxHeartRate: maxHr !== null && maxHr > 0 ? maxHr : undefined,
        steps: steps !== null && steps > 0 ? steps : undefined,
      },
      // The start second is the Zepp trackid, the id the cloud uses for the same workout.
      source: { kind: 'zepp-export', id: String(Math.floor(startMs / 1000)), accountId: ctx.accountId },
    },
    issues,
  );
  return { ok: true, workout, issues };
}
