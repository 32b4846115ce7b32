// A Gadgetbridge summary row (+ its GPX track, or heart rate from the band's
// per-minute samples when there is no track) → Workout. Pure.
import { INDOOR_SPORTS } from '../../core/workout/sport.js';
import { assembleWorkout } from '../../core/workout/assemble.js';
import { storedCadence } from '../../core/metrics/units.js';
import type { DecodeResult, Issue, Samples, Workout } from '../../core/workout/types.js';
import { mapActivityKind } from './activity-kind.js';
import type { DeviceRow, SummaryData, SummaryRow } from './schema.js';

export interface GbMapInput {
  readonly row: SummaryRow;
  readonly summary: SummaryData | null;
  readonly device: DeviceRow | undefined;
  /** [epoch s, bpm] from the activity sample tables, used when the track has no heart rate. */
  readonly heartRate: readonly (readonly [number, number])[];
  readonly gpx: DecodeResult | null;
  readonly sourceId: string;
  readonly accountId: string;
  readonly utcOffsetSeconds: number;
}

export type GbMapResult = { ok: true; workout: Workout; issues: Issue[] } | { ok: false; reason: string };

export function deviceName(device: DeviceRow | undefined): string {
  return device?.ALIAS?.trim() || device?.NAME?.trim() || device?.MODEL?.trim() || 'Gadgetbridge device';
}

/** Huami makes Mi Bands up to 7, Amazfit and Zepp; Gadgetbridge names the maker or the model. */
export function isHuamiDevice(device: DeviceRow | undefined): boolean {
  if (!device) return false;
  const text = [device.MANUFACTURER, device.NAME, device.MODEL, device.TYPE_NAME].filter(Boolean).join(' ');
  return /huami|amazfit|zepp|mi ?band|miband|mi smart band|xiaomi/i.test(text);
}

const pick = (s: SummaryData | null, key: string): number | undefined => {
  const v = s?.[key]?.value;
  return v !== undefined && v > 0 ? v : undefined;
};

/** Shifts a decoded track onto the summary's start (the GPX may begin a few seconds later). */
function shiftedSamples(samples: Samples, shiftSeconds: number): Samples {
  if (shiftSeconds === 0) return samples;
  return { ...samples, t: samples.t.map((t) => t + shiftSeconds) };
}

/** Step-holds the nearest earlier HR sample (within 2 min, the sample tables are per minute) onto each time. */
function heartRateAt(
  times: readonly number[],
  startSec: number,
  hr: readonly (readonly [number, number])[],
): (number | null)[] {
  let j = 0;
  return times.map((t) => {
    const at = startSec + t;
    while (j + 1 < hr.length && hr[j + 1]![0] <= at) j++;
    const s = hr[j];
    return s && s[0] <= at && at - s[0] <= 120 ? s[1] : null;
  });
}

export function summaryToWorkout(input: GbMapInput): GbMapResult {
  const { row, summary } = input;
  const issues: Issue[] = [];
  const where = `BASE_ACTIVITY_SUMMARY._id=${row._id}`;
  const elapsed = Math.round((row.END_TIME - row.START_TIME) / 1000);
  if (elapsed <= 0) return { ok: false, reason: `${where}: end time is not after start time` };
  const startSec = Math.floor(row.START_TIME / 1000);
  const mapped = mapActivityKind(row.ACTIVITY_KIND);
  if (!mapped.known)
    issues.push({
      code: 'sport_unknown',
      path: where,
      detail: `Gadgetbridge activity kind ${row.ACTIVITY_KIND} is not mapped; sent as "other"`,
    });

  let samples: Samples = { t: [] };
  let pauses: Workout['pauses'] = [];
  if (input.gpx?.ok && input.gpx.workout.samples.t.length > 0) {
    const track = input.gpx.workout;
    const shift = Math.round((Date.parse(track.startTime) - startSec * 1000) / 1000);
    samples = shiftedSamples(track.samples, shift);
    pauses = track.pauses.map((p) => ({ ...p, startOffset: p.startOffset + shift, endOffset: p.endOffset + shift }));
    const hasHr = (samples.heartRate ?? []).some((v) => v !== null);
    if (!hasHr && input.heartRate.length > 0) {
      samples = { ...samples, heartRate: heartRateAt(samples.t, startSec, input.heartRate) };
      issues.push({
        code: 'hr_from_samples',
        path: where,
        detail: "track has no heart rate; joined the band's per-minute samples",
      });
    }
    for (const issue of input.gpx.issues) issues.push(issue);
  } else {
    if (input.gpx && !input.gpx.ok) {
      // The track is lost: what is left (summary, heart rate) is only part of the workout.
      issues.push({ code: 'gpx_unreadable', path: `${where}.GPX_TRACK`, detail: input.gpx.error, damage: true });
    }
    if (input.heartRate.length > 0) {
      samples = { t: input.heartRate.map(([t]) => t - startSec), heartRate: input.heartRate.map(([, hr]) => hr) };
    }
  }

  const cadence = pick(summary, 'averageCadence');
  const workout = assembleWorkout(
    {
      sport: mapped.sport,
      rawSport: String(row.ACTIVITY_KIND),
      name: row.NAME?.trim() || undefined,
      startMs: startSec * 1000,
      utcOffsetSeconds: input.utcOffsetSeconds,
      elapsedSeconds: elapsed,
      samples,
      pauses,
      indoor: INDOOR_SPORTS.has(mapped.sport),
      device: { manufacturer: isHuamiDevice(input.device) ? 339 : 255, product: 0, name: deviceName(input.device) },
      // The band's summary: its totals win over what the track adds up to (DESIGN §4.1).
      totals: {
        distanceMeters: pick(summary, 'distanceMeters'),
        timerSeconds: pick(summary, 'activeSeconds'),
        calories: pick(summary, 'caloriesBurnt'),
        avgHeartRate: pick(summary, 'averageHR'),
        maxHeartRate: pick(summary, 'maxHR'),
        ascentMeters: pick(summary, 'ascentMeters'),
        descentMeters: pick(summary, 'descentMeters'),
        steps: pick(summary, 'steps'),
        // Gadgetbridge gives steps/min for foot sports; the model keeps FIT's strides/min.
        avgCadence: cadence !== undefined ? storedCadence(mapped.sport, cadence) : undefined,
      },
      source: { kind: 'gadgetbridge', id: input.sourceId, accountId: input.accountId },
    },
    issues,
  );
  return { ok: true, workout, issues };
}
