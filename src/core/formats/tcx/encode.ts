// Workout → TCX v2 with ActivityExtension v2 (Speed, RunCadence, Watts).
// One <Lap> per workout lap (one for the whole workout when it has none), with
// TotalTimeSeconds = timer time, distance and calories; each pause closes a
// <Track> and opens the next, as Garmin devices do. Creator carries the device.
import type { Lap, Workout } from '../../workout/types.js';
import { cumulativeDistance, totalDistanceMeters } from '../../metrics/distance.js';
import { normalizePauses, timerSeconds } from '../../metrics/timer.js';
import { escapeXml, fmt, isoAt } from '../xml.js';

export interface TcxEncodeOptions {
  readonly deviceName?: string;
}

const RIDES: ReadonlySet<string> = new Set(['cycling', 'indoor_cycling', 'mountain_biking']);
const RUNS: ReadonlySet<string> = new Set(['running', 'treadmill', 'trail_running']);
const TRIGGER: Record<Lap['trigger'], string> = {
  manual: 'Manual',
  distance: 'Distance',
  time: 'Time',
  session_end: 'Manual',
};

export function encodeTcx(w: Workout, options: TcxEncodeOptions = {}): Uint8Array {
  const startMs = Date.parse(w.startTime);
  const s = w.samples;
  const pauses = normalizePauses(w.pauses, w.elapsedSeconds);
  const dist = cumulativeDistance(s, pauses);
  const ride = RIDES.has(w.sport);
  const laps: Lap[] = w.laps.length
    ? [...w.laps]
    : [
        {
          startOffset: 0,
          elapsedSeconds: w.elapsedSeconds,
          timerSeconds: timerSeconds({ elapsedSeconds: w.elapsedSeconds, pauses }),
          distanceMeters: totalDistanceMeters(w) ?? undefined,
          calories: w.totals.calories,
          trigger: 'manual',
        },
      ];
  const sport = RUNS.has(w.sport) ? 'Running' : ride ? 'Biking' : 'Other';
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2 http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd">',
    '<Activities>',
    `<Activity Sport="${sport}">`,
    `<Id>${isoAt(startMs, 0)}</Id>`,
  ];
  let i = 0;
  const n = s.t.length;
  laps.forEach((lap, li) => {
    const end = li + 1 < laps.length ? laps[li + 1]!.startOffset : Infinity;
    out.push(
      `<Lap StartTime="${isoAt(startMs, lap.startOffset)}">`,
      `<TotalTimeSeconds>${fmt(lap.timerSeconds, 3)}</TotalTimeSeconds>`,
    );
    // DistanceMeters is required by the schema: the lap's own, else measured over its samples.
    out.push(
      `<DistanceMeters>${fmt(lap.distanceMeters ?? lapDistance(s.t, dist, lap.startOffset, end), 2)}</DistanceMeters>`,
    );
    out.push(`<Calories>${Math.max(0, Math.min(65535, Math.round(lap.calories ?? 0)))}</Calories>`);
    if (lap.avgHeartRate != null && lap.avgHeartRate >= 1)
      out.push(`<AverageHeartRateBpm><Value>${Math.round(lap.avgHeartRate)}</Value></AverageHeartRateBpm>`);
    if (lap.maxHeartRate != null && lap.maxHeartRate >= 1)
      out.push(`<MaximumHeartRateBpm><Value>${Math.round(lap.maxHeartRate)}</Value></MaximumHeartRateBpm>`);
    out.push('<Intensity>Active</Intensity>', `<TriggerMethod>${TRIGGER[lap.trigger]}</TriggerMethod>`);
    const points: string[] = [];
    let pi = 0;
    let trackOpen = false;
    for (; i < n && s.t[i]! < end; i++) {
      const t = s.t[i]!;
      let broke = false;
      while (pi < pauses.length && pauses[pi]!.endOffset <= t) {
        pi++;
        broke = true;
      }
      const p = pauses[pi];
      if (p && t > p.startOffset && t < p.endOffset) continue;
      if (!trackOpen) {
        points.push('<Track>');
        trackOpen = true;
      } else if (broke) points.push('</Track>', '<Track>');
      points.push(trackpoint(w, i, startMs, dist?.[i] ?? null, ride));
    }
    if (trackOpen) points.push('</Track>');
    out.push(...points, '</Lap>');
  });
  const name = escapeXml(options.deviceName ?? (w.device.name || 'bandsync'));
  out.push(
    ...(w.name ? [`<Notes>${escapeXml(w.name)}</Notes>`] : []),
    '<Creator xsi:type="Device_t">',
    `<Name>${name}</Name>`,
    `<UnitId>${w.device.serial ?? 0}</UnitId>`,
    `<ProductID>${Math.max(0, Math.min(65535, w.device.product))}</ProductID>`,
    '<Version><VersionMajor>0</VersionMajor><VersionMinor>0</VersionMinor></Version>',
    '</Creator>',
    '</Activity>',
    '</Activities>',
    '</TrainingCenterDatabase>',
    '',
  );
  return new TextEncoder().encode(out.join('\n'));
}

function lapDistance(t: readonly number[], dist: readonly (number | null)[] | null, from: number, to: number): number {
  if (!dist) return 0;
  let first: number | null = null,
    last: number | null = null;
  for (let i = 0; i < t.length; i++) {
    const d = dist[i];
    if (d == null || t[i]! < from || t[i]! >= to) continue;
    if (first == null) first = d;
    last = d;
  }
  return first != null && last != null ? Math.max(0, last - first) : 0;
}

function trackpoint(w: Workout, i: number, startMs: number, dist: number | null, ride: boolean): string {
  const s = w.samples;
  const parts = [`<Time>${isoAt(startMs, s.t[i]!)}</Time>`];
  const lat = s.lat?.[i],
    lon = s.lon?.[i];
  if (lat != null && lon != null)
    parts.push(
      `<Position><LatitudeDegrees>${fmt(lat, 7)}</LatitudeDegrees><LongitudeDegrees>${fmt(lon, 7)}</LongitudeDegrees></Position>`,
    );
  const alt = s.altitude?.[i];
  if (alt != null) parts.push(`<AltitudeMeters>${fmt(alt, 2)}</AltitudeMeters>`);
  if (dist != null) parts.push(`<DistanceMeters>${fmt(dist, 2)}</DistanceMeters>`);
  const hr = s.heartRate?.[i];
  if (hr != null && hr >= 1) parts.push(`<HeartRateBpm><Value>${Math.min(255, Math.round(hr))}</Value></HeartRateBpm>`);
  const cad = s.cadence?.[i];
  if (ride && cad != null) parts.push(`<Cadence>${Math.min(254, Math.max(0, Math.round(cad)))}</Cadence>`);
  // ActivityExtension v2 TPX order: Speed, RunCadence, Watts.
  const tpx: string[] = [];
  const speed = s.speed?.[i];
  if (speed != null) tpx.push(`<ns3:Speed>${fmt(Math.max(0, speed), 3)}</ns3:Speed>`);
  if (!ride && cad != null) tpx.push(`<ns3:RunCadence>${Math.min(254, Math.max(0, Math.round(cad)))}</ns3:RunCadence>`);
  const watts = s.power?.[i];
  if (watts != null) tpx.push(`<ns3:Watts>${Math.min(65535, Math.max(0, Math.round(watts)))}</ns3:Watts>`);
  if (tpx.length) parts.push(`<Extensions><ns3:TPX>${tpx.join('')}</ns3:TPX></Extensions>`);
  return `<Trackpoint>${parts.join('')}</Trackpoint>`;
}
