// Pure mapping of one exported workout: the summary JSON (same fields as the
// cloud's) plus, when its link still worked, the GPX track, through the cloud
// source's own mapping so both paths give the same workout.
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import { decodeFile } from '../../core/formats/codec.js';
import type { Issue, Workout } from '../../core/workout/types.js';
import type { GpsPoint } from '../mi-fitness/binary.js';
import { miToWorkout, type MiSummary, type RecordEnvelope } from '../mi-fitness/index.js';

export function gpxPoints(
  bytes: Uint8Array,
  limits: InputLimits = DEFAULT_LIMITS,
): { points: GpsPoint[]; problem?: string } {
  // Through decodeFile, so the input limits apply before the GPX is parsed.
  const decoded = decodeFile(bytes, 'track.gpx', limits);
  if (!decoded.ok) return { points: [], problem: `the GPX file is unreadable: ${decoded.error}` };
  const w = decoded.workout;
  const t0 = Date.parse(w.startTime) / 1000;
  const points: GpsPoint[] = [];
  w.samples.t.forEach((t, i) => {
    const lat = w.samples.lat?.[i];
    const lon = w.samples.lon?.[i];
    if (lat === null || lat === undefined || lon === null || lon === undefined) return;
    const alt = w.samples.altitude?.[i];
    points.push({
      time: Math.round(t0 + t),
      lat,
      lon,
      ...(alt !== null && alt !== undefined ? { altitude: alt } : {}),
    });
  });
  return { points };
}

export function exportToWorkout(
  envelope: RecordEnvelope,
  summary: MiSummary,
  track: { points: GpsPoint[]; missing: string[] },
  accountId: string,
): { workout: Workout; issues: Issue[] } {
  return miToWorkout(
    envelope,
    summary,
    {
      gps: track.points.length
        ? { header: { timestamp: 0, timezone: 0, version: 0, typeByte: 0 }, points: track.points, problems: [] }
        : null,
      missing: track.missing,
    },
    { accountId, sourceKind: 'mi-fitness-export' },
  );
}
