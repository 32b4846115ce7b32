// Workout → TCX v2 with ActivityExtension v2 (Speed, RunCadence, Watts).
// One <Lap> per workout lap (one for the whole workout when it has none), with
// TotalTimeSeconds = timer time, distance and calories; each pause closes a
// <Track> and opens the next, as Garmin devices do. Creator carries the device.
import type { Lap, Workout } from '../../workout/types.js';
import { distanceBetween, totalDistanceMeters } from '../../metrics/distance.js';
import { heartRateStats } from '../../metrics/heart-rate.js';
import { distanceStream } from '../../metrics/reconcile.js';
import { normalizePauses, timerTotalSeconds } from '../../metrics/timer.js';
import { PAUSED, RESUMED, activeSamples } from '../active-samples.js';
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
  // The distance stream agrees with the declared total (scaled when needed), as the FIT records do.
  const dist = distanceStream(w);
  const active = activeSamples(s.t, pauses);
  const ride = RIDES.has(w.sport);
  const hr = heartRateStats(w);
  const laps: readonly Lap[] = w.laps.length
    ? w.laps
    : [
        {
          startOffset: 0,
          elapsedSeconds: w.elapsedSeconds,
          timerSeconds: timerTotalSeconds(w),
          distanceMeters: totalDistanceMeters(w) ?? undefined,
          calories: w.totals.calories,
          avgHeartRate: hr.avg ?? undefined,
          maxHeartRate: hr.max ?? undefined,
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
    const measured = () => distanceBetween(s.t, dist, lap.startOffset, end) ?? 0;
    out.push(`<DistanceMeters>${fmt(lap.distanceMeters ?? measured(), 2)}</DistanceMeters>`);
    out.push(`<Calories>${Math.max(0, Math.min(65535, Math.round(lap.calories ?? 0)))}</Calories>`);
    if (lap.avgHeartRate != null && lap.avgHeartRate >= 1)
      out.push(`<AverageHeartRateBpm><Value>${Math.round(lap.avgHeartRate)}</Value></AverageHeartRateBpm>`);
    if (lap.maxHeartRate != null && lap.maxHeartRate >= 1)
      out.push(`<MaximumHeartRateBpm><Value>${Math.round(lap.maxHeartRate)}</Value></MaximumHeartRateBpm>`);
    out.push('<Intensity>Active</Intensity>', `<TriggerMethod>${TRIGGER[lap.trigger]}</TriggerMethod>`);
    let trackOpen = false;
    for (; i < n && s.t[i]! < end; i++) {
      if (active[i] === PAUSED) continue;
      if (!trackOpen) {
        out.push('<Track>');
        trackOpen = true;
      } else if (active[i] === RESUMED) out.push('</Track>', '<Track>');
      out.push(trackpoint(w, i, startMs, dist?.[i] ?? null, ride));
    }
    if (trackOpen) out.push('</Track>');
    out.push('</Lap>');
  });
  const name = escapeXml(options.deviceName ?? (w.device.name || 'bandsync'));
  if (w.name) out.push(`<Notes>${escapeXml(w.name)}</Notes>`);
  out.push(
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
