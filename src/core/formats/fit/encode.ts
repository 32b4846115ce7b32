// Compiles a Workout into a Strava-ready FIT activity with the Garmin SDK's
// Encoder. Order follows the FIT activity file spec: file_id, device_info,
// timer start, then records/events/lengths/laps in time order, and session +
// activity last (Strava reads totals from them, and local time from
// activity.local_timestamp — F11).
import { Encoder } from '@garmin/fitsdk';
import type { Workout } from '../../workout/types.js';
import { cadenceStats } from '../../metrics/cadence.js';
import { totalDistanceMeters } from '../../metrics/distance.js';
import { elevationGainLoss } from '../../metrics/elevation.js';
import { heartRateStats } from '../../metrics/heart-rate.js';
import { distanceStream } from '../../metrics/reconcile.js';
import { normalizePauses, pausedSecondsBetween, timerTotalSeconds } from '../../metrics/timer.js';
import { PAUSED, activeSamples } from '../active-samples.js';
import { toFitSport } from './sport-map.js';
import { toFitTime, toSemicircles } from './time.js';

export interface FitEncodeOptions {
  /** Overrides the device name written to file_id/device_info (F6: configurable). */
  readonly deviceName?: string;
}

// Global message numbers from the FIT profile (Profile.MesgNum is typed loosely).
const M = {
  FILE_ID: 0,
  SESSION: 18,
  LAP: 19,
  RECORD: 20,
  EVENT: 21,
  DEVICE_INFO: 23,
  ACTIVITY: 34,
  LENGTH: 101,
} as const;
const TRIGGER = { manual: 'manual', distance: 'distance', time: 'time', session_end: 'sessionEnd' } as const;
const STROKE = {
  freestyle: 'freestyle',
  backstroke: 'backstroke',
  breaststroke: 'breaststroke',
  butterfly: 'butterfly',
  mixed: 'mixed',
  drill: 'drill',
} as const;

type Mesg = Record<string, unknown>;

function put(enc: Encoder, num: number, mesg: Mesg): void {
  enc.onMesg(num, mesg as never);
}
/** A timed message; `rank` orders messages that share a second (start < record < stop < length < lap). */
interface Timed {
  readonly at: number;
  readonly rank: number;
  readonly num: number;
  readonly mesg: Mesg;
}

export function encodeFit(workout: Workout, options: FitEncodeOptions = {}): Uint8Array {
  const w = workout;
  const startMs = Date.parse(w.startTime);
  if (!Number.isFinite(startMs)) throw new Error(`encodeFit: startTime "${w.startTime}" is not a valid ISO time`);
  const start = toFitTime(startMs);
  const end = start + Math.round(w.elapsedSeconds);
  const pauses = normalizePauses(w.pauses, w.elapsedSeconds);
  const fit = toFitSport(w.sport);
  const name = options.deviceName ?? w.device.name;
  const enc = new Encoder();

  put(enc, M.FILE_ID, {
    type: 'activity',
    manufacturer: w.device.manufacturer,
    product: w.device.product,
    serialNumber: w.device.serial,
    timeCreated: start,
    productName: name || undefined,
  });
  put(enc, M.DEVICE_INFO, {
    timestamp: start,
    deviceIndex: 'creator',
    manufacturer: w.device.manufacturer,
    product: w.device.product,
    serialNumber: w.device.serial,
    productName: name || undefined,
    sourceType: 'local',
  });
  put(enc, M.EVENT, { timestamp: start, event: 'timer', eventType: 'start', data: 0, eventGroup: 0 });

  const extras = timedExtras(w, start, pauses);
  writeRecordsMerged(enc, w, start, pauses, extras);

  put(enc, M.EVENT, { timestamp: end, event: 'timer', eventType: 'stopAll', data: 0, eventGroup: 0 });

  // Declared totals win (F3: Strava's moving time must equal the band's active time; F18); the
  // samples fill what the device did not declare. The same metrics as inspect and the dashboard.
  const timer = timerTotalSeconds(w);
  const distance = totalDistanceMeters(w);
  const hrStats = heartRateStats(w);
  const hr = { avg: roundOrUndef(hrStats.avg), max: roundOrUndef(hrStats.max) };
  const cadence = cadenceStats(w);
  const elevation = elevationGainLoss(w);
  const numLaps = Math.max(1, w.laps.length);
  // What the whole workout adds up to: the session's numbers, and the one lap's when the band kept none.
  const whole = {
    timestamp: end,
    startTime: start,
    sport: fit.sport,
    subSport: fit.subSport,
    totalElapsedTime: w.elapsedSeconds,
    totalTimerTime: timer,
    totalDistance: distance ?? undefined,
    totalCalories: roundOrUndef(w.totals.calories),
    avgHeartRate: hr.avg,
    maxHeartRate: hr.max,
    numLengths: w.lengths.length || undefined,
  };
  if (w.laps.length === 0) {
    put(enc, M.LAP, {
      ...whole,
      messageIndex: 0,
      event: 'lap',
      eventType: 'stop',
      lapTrigger: 'sessionEnd',
      firstLengthIndex: w.lengths.length ? 0 : undefined,
    });
  }
  const activeLengths = w.lengths.filter((l) => l.kind === 'active').length;
  put(enc, M.SESSION, {
    ...whole,
    messageIndex: 0,
    event: 'session',
    eventType: 'stop',
    totalAscent: roundOrUndef(elevation.ascentMeters),
    totalDescent: roundOrUndef(elevation.descentMeters),
    avgCadence: roundOrUndef(cadence.avg),
    maxCadence: roundOrUndef(cadence.max),
    firstLapIndex: 0,
    numLaps,
    trigger: 'activityEnd',
    poolLength: w.poolLengthMeters,
    poolLengthUnit: w.poolLengthMeters != null ? 'metric' : undefined,
    numActiveLengths: w.lengths.length ? activeLengths : undefined,
  });
  put(enc, M.ACTIVITY, {
    timestamp: end,
    totalTimerTime: timer,
    numSessions: 1,
    type: 'manual',
    event: 'activity',
    eventType: 'stop',
    localTimestamp: end + Math.round(w.utcOffsetSeconds),
  });
  return enc.close();
}

function roundOrUndef(v: number | null | undefined): number | undefined {
  return v == null || !Number.isFinite(v) ? undefined : Math.round(v);
}

/** Pause events, lengths and laps as timed messages, sorted. */
function timedExtras(w: Workout, start: number, pauses: ReturnType<typeof normalizePauses>): Timed[] {
  const out: Timed[] = [];
  for (const p of pauses) {
    out.push({
      at: p.startOffset,
      rank: 2,
      num: M.EVENT,
      mesg: {
        timestamp: start + Math.round(p.startOffset),
        event: 'timer',
        eventType: 'stopAll',
        data: p.kind === 'auto' ? 1 : 0,
        eventGroup: 0,
      },
    });
    out.push({
      at: p.endOffset,
      rank: 0,
      num: M.EVENT,
      mesg: {
        timestamp: start + Math.round(p.endOffset),
        event: 'timer',
        eventType: 'start',
        data: p.kind === 'auto' ? 1 : 0,
        eventGroup: 0,
      },
    });
  }
  w.lengths.forEach((l, i) => {
    const endAt = l.startOffset + l.elapsedSeconds;
    const timer = l.elapsedSeconds - pausedSecondsBetween(pauses, l.startOffset, endAt);
    out.push({
      at: endAt,
      rank: 3,
      num: M.LENGTH,
      mesg: {
        messageIndex: i,
        timestamp: start + Math.round(endAt),
        event: 'length',
        eventType: 'stop',
        startTime: start + Math.round(l.startOffset),
        totalElapsedTime: l.elapsedSeconds,
        totalTimerTime: timer,
        totalStrokes: roundOrUndef(l.strokes),
        swimStroke: l.stroke && l.stroke !== 'unknown' ? STROKE[l.stroke] : undefined,
        avgSwimmingCadence: l.strokes != null && timer > 0 ? Math.round((l.strokes / timer) * 60) : undefined,
        avgSpeed:
          w.poolLengthMeters && l.kind === 'active' && l.elapsedSeconds > 0
            ? w.poolLengthMeters / l.elapsedSeconds
            : undefined,
        lengthType: l.kind,
      },
    });
  });
  let lengthIndex = 0;
  w.laps.forEach((lap, i) => {
    const endAt = lap.startOffset + lap.elapsedSeconds;
    const inLap = w.lengths.filter((l) => l.startOffset >= lap.startOffset && l.startOffset < endAt).length;
    out.push({
      at: endAt,
      rank: 4,
      num: M.LAP,
      mesg: {
        messageIndex: i,
        timestamp: start + Math.round(endAt),
        event: 'lap',
        eventType: 'stop',
        startTime: start + Math.round(lap.startOffset),
        totalElapsedTime: lap.elapsedSeconds,
        totalTimerTime: lap.timerSeconds,
        totalDistance: lap.distanceMeters,
        totalCalories: roundOrUndef(lap.calories),
        avgHeartRate: roundOrUndef(lap.avgHeartRate),
        maxHeartRate: roundOrUndef(lap.maxHeartRate),
        lapTrigger: TRIGGER[lap.trigger],
        sport: toFitSport(w.sport).sport,
        numLengths: inLap || undefined,
        firstLengthIndex: inLap ? lengthIndex : undefined,
      },
    });
    lengthIndex += inLap;
  });
  return out.sort((a, b) => a.at - b.at || a.rank - b.rank);
}

/** Writes records (skipping those inside pauses) merged in time order with `extras`. */
function writeRecordsMerged(
  enc: Encoder,
  w: Workout,
  start: number,
  pauses: ReturnType<typeof normalizePauses>,
  extras: Timed[],
): void {
  const s = w.samples;
  // Scaled to end at the declared distance: Strava draws distance and pace from this stream.
  const dist = distanceStream(w);
  const active = activeSamples(s.t, pauses);
  const n = s.t.length;
  let x = 0;
  for (let i = 0; i < n; i++) {
    const t = s.t[i]!;
    while (x < extras.length && (extras[x]!.at < t || (extras[x]!.at === t && extras[x]!.rank < 1))) {
      put(enc, extras[x]!.num, extras[x]!.mesg);
      x++;
    }
    if (active[i] === PAUSED) continue;
    // Only present fields: fewer keys is less work in the SDK's per-message definition builder.
    const rec: Mesg = { timestamp: start + Math.round(t) };
    const lat = s.lat?.[i];
    const lon = s.lon?.[i];
    if (lat != null && lon != null) {
      rec.positionLat = toSemicircles(lat);
      rec.positionLong = toSemicircles(lon);
    }
    const alt = s.altitude?.[i];
    if (alt != null) rec.altitude = alt;
    const hr = s.heartRate?.[i];
    if (hr != null) rec.heartRate = Math.round(hr);
    // FIT has one cadence field; rowing and swimming devices write stroke rate (strokes/min) there.
    const cad = s.cadence?.[i] ?? s.strokeRate?.[i];
    if (cad != null) rec.cadence = Math.round(cad);
    const speed = s.speed?.[i];
    if (speed != null) rec.speed = speed;
    const d = dist?.[i];
    if (d != null) rec.distance = d;
    const power = s.power?.[i];
    if (power != null) rec.power = Math.round(power);
    const temp = s.temperature?.[i];
    if (temp != null) rec.temperature = Math.round(temp);
    put(enc, M.RECORD, rec);
  }
  for (; x < extras.length; x++) put(enc, extras[x]!.num, extras[x]!.mesg);
}
