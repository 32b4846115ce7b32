// TCX v2 → Workout. Lenient: <Notes> anywhere, any namespace prefix for the
// ActivityExtension (ns3:TPX, x:TPX…), trackpoints without a position (kept for
// HR/time). Gaps between <Track>s in a lap are pauses, as Garmin writes them.
import type { DecodeResult, Issue, Lap, Pause } from '../../workout/types.js';
import { assembleWorkout } from '../../workout/assemble.js';
import { SamplesBuilder } from '../samples-builder.js';
import { sportFromName } from '../sport-names.js';
import { asArray, child, findDeep, number, parseXml, text, timeMs, type XmlNode } from '../xml.js';

export function decodeTcx(bytes: Uint8Array): DecodeResult {
  const issues: Issue[] = [];
  const parsed = parseXml(bytes);
  if (!parsed.ok) return { ok: false, error: parsed.error, issues };
  const root = parsed.doc.TrainingCenterDatabase;
  if (typeof root !== 'object' || root === null)
    return { ok: false, error: 'not a TCX file: no <TrainingCenterDatabase> root element', issues };
  const activities = asArray(child(child(root, 'Activities'), 'Activity'));
  if (activities.length === 0)
    return { ok: false, error: 'TCX file has no usable workout: it has no <Activity>', issues };
  if (activities.length > 1)
    issues.push({
      code: 'tcx.multiple_activities',
      path: 'Activities',
      detail: `${activities.length} activities; only the first is read`,
    });
  try {
    return toWorkout(activities[0]!, issues);
  } catch (e) {
    return { ok: false, error: `TCX file could not be read: ${e instanceof Error ? e.message : String(e)}`, issues };
  }
}

const TRIGGER: Record<string, Lap['trigger']> = {
  Manual: 'manual',
  Distance: 'distance',
  Time: 'time',
  Location: 'manual',
  HeartRate: 'manual',
};

function toWorkout(activity: XmlNode, issues: Issue[]): DecodeResult {
  const laps = asArray(activity.Lap);
  const lapStarts = laps.map((l) => timeMs(l['@StartTime']));
  const startMs = lapStarts.find((v) => v != null) ?? firstPointTime(laps) ?? timeMs(activity.Id);
  if (startMs == null)
    return {
      ok: false,
      error: 'TCX file has no usable workout: no lap start, trackpoint time or activity Id time',
      issues,
    };
  const b = new SamplesBuilder();
  const pauses: Pause[] = [];
  let untimed = 0;
  let lastT: number | null = null;
  for (const lap of laps) {
    asArray(lap.Track).forEach((track, trackIndex) => {
      // Only a break between tracks of one lap is a pause; laps follow each other.
      let firstInTrack = trackIndex > 0;
      for (const tp of asArray(track.Trackpoint)) {
        const ms = timeMs(tp.Time);
        if (ms == null) {
          untimed++;
          continue;
        }
        const t = (ms - startMs) / 1000;
        if (firstInTrack && lastT != null && t > lastT)
          pauses.push({ startOffset: lastT, endOffset: t, kind: 'manual' });
        firstInTrack = false;
        lastT = t;
        const ext = tp.Extensions;
        b.push(t, {
          lat: number(child(tp.Position, 'LatitudeDegrees')),
          lon: number(child(tp.Position, 'LongitudeDegrees')),
          altitude: number(tp.AltitudeMeters),
          distance: number(tp.DistanceMeters),
          heartRate: number(child(tp.HeartRateBpm, 'Value')),
          cadence: number(tp.Cadence) ?? number(findDeep(ext, ['RunCadence'])),
          speed: number(findDeep(ext, ['Speed'])),
          power: number(findDeep(ext, ['Watts'])),
        });
      }
    });
  }
  if (untimed > 0)
    issues.push({
      code: 'tcx.trackpoint_without_time',
      path: 'Lap/Track/Trackpoint',
      detail: `${untimed} trackpoint(s) have no <Time> and were skipped`,
    });
  const samples = b.build();
  const decodedLaps: Lap[] = [];
  laps.forEach((l, i) => {
    const s = lapStarts[i];
    const timer = number(l.TotalTimeSeconds);
    if (s == null || timer == null) {
      issues.push({
        code: 'tcx.lap_incomplete',
        path: `Lap[${i}]`,
        detail: 'lap without StartTime or TotalTimeSeconds was skipped',
      });
      return;
    }
    decodedLaps.push({
      startOffset: (s - startMs) / 1000,
      elapsedSeconds: timer,
      timerSeconds: timer,
      distanceMeters: number(l.DistanceMeters),
      calories: number(l.Calories),
      avgHeartRate: number(child(l.AverageHeartRateBpm, 'Value')),
      maxHeartRate: number(child(l.MaximumHeartRateBpm, 'Value')),
      trigger: TRIGGER[text(l.TriggerMethod) ?? ''] ?? 'manual',
    });
  });
  // A lap's elapsed time runs to the next lap's start (TotalTimeSeconds is timer time).
  for (let i = 0; i < decodedLaps.length - 1; i++) {
    const next = decodedLaps[i + 1]!.startOffset - decodedLaps[i]!.startOffset;
    if (next >= decodedLaps[i]!.timerSeconds) decodedLaps[i] = { ...decodedLaps[i]!, elapsedSeconds: next };
  }
  const sum = (f: (l: Lap) => number | undefined) => {
    const v = decodedLaps.map(f).filter((x): x is number => x != null);
    return v.length ? v.reduce((a, c) => a + c, 0) : undefined;
  };
  const timerTotal = sum((l) => l.timerSeconds);
  let lastSample = 0;
  for (const t of samples.t) if (t > lastSample) lastSample = t;
  const lastLap = decodedLaps[decodedLaps.length - 1];
  // Lap start times have 1 s resolution while TotalTimeSeconds has 0.01 s, so the laps' timer
  // total can pass the span by a fraction of a second; elapsed is never shorter than timer time.
  const elapsed = Math.max(lastSample, lastLap ? lastLap.startOffset + lastLap.timerSeconds : 0, timerTotal ?? 0);
  if (lastLap && lastLap.startOffset + lastLap.elapsedSeconds < elapsed)
    decodedLaps[decodedLaps.length - 1] = { ...lastLap, elapsedSeconds: elapsed - lastLap.startOffset };
  if (samples.t.length === 0 && decodedLaps.length === 0)
    return { ok: false, error: 'TCX file has no usable workout: no timed trackpoints and no laps', issues };
  const sportAttr = typeof activity['@Sport'] === 'string' ? activity['@Sport'] : undefined;
  const creator = activity.Creator as XmlNode | undefined;
  const sport = sportFromName(sportAttr);
  const serial = number(creator?.UnitId);
  const notes = text(activity.Notes);
  const workout = assembleWorkout(
    {
      sport,
      rawSport: sportAttr,
      name: notes || undefined,
      startMs,
      elapsedSeconds: elapsed,
      samples,
      pauses,
      laps: decodedLaps,
      indoor: !samples.lat,
      device: {
        manufacturer: 255,
        product: number(creator?.ProductID) ?? 0,
        name: text(creator?.Name) ?? 'TCX',
        ...(serial != null ? { serial } : {}),
      },
      // The laps' own totals are the activity's declared totals.
      totals: {
        timerSeconds: timerTotal,
        calories: sum((l) => l.calories),
        distanceMeters: sum((l) => l.distanceMeters),
        avgHeartRate: timeWeighted(decodedLaps, (l) => l.avgHeartRate),
        maxHeartRate: decodedLaps.reduce<number | undefined>(
          (m, l) => (l.maxHeartRate != null && (m == null || l.maxHeartRate > m) ? l.maxHeartRate : m),
          undefined,
        ),
      },
      source: { kind: 'files', id: '' },
    },
    issues,
  );
  return { ok: true, issues, workout };
}

/** The laps' average weighted by their timer time, when every lap declares one. */
function timeWeighted(laps: readonly Lap[], value: (l: Lap) => number | undefined): number | undefined {
  let total = 0,
    time = 0;
  for (const l of laps) {
    const v = value(l);
    if (v == null) return undefined;
    total += v * l.timerSeconds;
    time += l.timerSeconds;
  }
  return time > 0 ? Math.round(total / time) : undefined;
}

function firstPointTime(laps: XmlNode[]): number | undefined {
  for (const lap of laps)
    for (const track of asArray(lap.Track))
      for (const tp of asArray(track.Trackpoint)) {
        const ms = timeMs(tp.Time);
        if (ms != null) return ms;
      }
  return undefined;
}
