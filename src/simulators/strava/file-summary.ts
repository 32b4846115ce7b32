// What Strava derives from an uploaded file, read the way Strava would: FIT
// with Garmin's own SDK (independent of bandsync's encoder), TCX/GPX by a
// light scan. Start, elapsed = session total_elapsed_time, moving = timer time
// when the file pauses or has GPS/speed (else elapsed, as Strava does for
// indoor files), distance, heart-rate presence, sport, UTC offset.
import { Decoder, Stream } from '@garmin/fitsdk';

export interface FileSummary {
  readonly startMs: number;
  readonly elapsedSeconds: number;
  readonly movingSeconds: number;
  readonly distanceMeters: number;
  /** Sum of climbs; Strava smooths its own, so only close to any tool's figure. */
  readonly elevationGainMeters: number;
  readonly hasHeartrate: boolean;
  readonly avgHeartrate: number | null;
  readonly maxHeartrate: number | null;
  readonly hasGps: boolean;
  readonly sportType: string | null;
  readonly utcOffsetSeconds: number | null;
  readonly calories: number | null;
  readonly manufacturer: string | number | null;
  readonly product: string | number | null;
}

const FIT_EPOCH_S = 631065600;

const FIT_SPORT: Record<string, string> = {
  running: 'Run',
  cycling: 'Ride',
  walking: 'Walk',
  hiking: 'Hike',
  swimming: 'Swim',
  rowing: 'Rowing',
  training: 'Workout',
  fitnessEquipment: 'Workout',
  alpineSkiing: 'AlpineSki',
  snowboarding: 'Snowboard',
  inlineSkating: 'InlineSkate',
  rockClimbing: 'RockClimbing',
  dance: 'Dance',
  hiit: 'HighIntensityIntervalTraining',
};
const FIT_SUB_SPORT: Record<string, string> = {
  strengthTraining: 'WeightTraining',
  yoga: 'Yoga',
  elliptical: 'Elliptical',
  indoorRowing: 'Rowing',
  trail: 'TrailRun',
  mountain: 'MountainBikeRide',
  virtualActivity: 'VirtualRide',
};

type Msg = Record<string, unknown>;

function ms(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return (value + FIT_EPOCH_S) * 1000;
  return null;
}
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function summarizeFit(bytes: Uint8Array): FileSummary {
  const stream = Stream.fromByteArray(bytes);
  if (!Decoder.isFIT(stream)) throw new Error('not a FIT file');
  const decoder = new Decoder(stream);
  if (!decoder.checkIntegrity()) throw new Error('FIT file fails its CRC check');
  const { messages, errors } = decoder.read({ convertDateTimesToDates: true, convertTypesToStrings: true });
  if (errors.length > 0) throw new Error(`FIT decode: ${String(errors[0])}`);
  const m = messages as unknown as Record<string, Msg[] | undefined>;
  const records = m.recordMesgs ?? [];
  const session = (m.sessionMesgs ?? [])[0];
  const activity = (m.activityMesgs ?? [])[0];
  const fileId = (m.fileIdMesgs ?? [])[0];
  const events = m.eventMesgs ?? [];

  const recordTimes = records.map((r) => ms(r.timestamp)).filter((t): t is number => t !== null);
  const startMs = ms(session?.startTime) ?? recordTimes[0] ?? null;
  if (startMs === null) throw new Error('FIT file has neither a session start_time nor timed records');
  const lastMs = recordTimes.length ? largest(recordTimes) : startMs;
  const elapsed = num(session?.totalElapsedTime) ?? (lastMs - startMs) / 1000;
  const timer = num(session?.totalTimerTime) ?? elapsed;
  const hrs = records.map((r) => num(r.heartRate)).filter((h): h is number => h !== null && h > 0);
  const hasGps = records.some((r) => num(r.positionLat) !== null);
  const hasSpeed = records.some((r) => num(r.speed) !== null || num(r.enhancedSpeed) !== null);
  const pauses = events.some((e) => e.event === 'timer' && (e.eventType === 'stop' || e.eventType === 'stopAll'));
  const distances = records.map((r) => num(r.distance)).filter((d): d is number => d !== null);
  const distance = num(session?.totalDistance) ?? (distances.length ? largest(distances) : 0);
  const sport = typeof session?.sport === 'string' ? session.sport : null;
  const subSport = typeof session?.subSport === 'string' ? session.subSport : null;
  const localMs = ms(activity?.localTimestamp);
  const activityMs = ms(activity?.timestamp);
  return {
    startMs,
    elapsedSeconds: Math.round(elapsed),
    movingSeconds: Math.round(pauses || hasGps || hasSpeed ? timer : elapsed),
    distanceMeters: Math.round(distance * 10) / 10,
    elevationGainMeters: Math.round(
      num(session?.totalAscent) ?? climb(records.map((r) => num(r.enhancedAltitude) ?? num(r.altitude))),
    ),
    hasHeartrate: hrs.length > 0 || num(session?.avgHeartRate) !== null,
    avgHeartrate: hrs.length
      ? Math.round((hrs.reduce((a, b) => a + b, 0) / hrs.length) * 10) / 10
      : num(session?.avgHeartRate),
    maxHeartrate: hrs.length ? largest(hrs) : num(session?.maxHeartRate),
    hasGps,
    sportType: (subSport && FIT_SUB_SPORT[subSport]) ?? (sport && FIT_SPORT[sport]) ?? null,
    utcOffsetSeconds: localMs !== null && activityMs !== null ? Math.round((localMs - activityMs) / 1000) : null,
    calories: num(session?.totalCalories),
    manufacturer: (fileId?.manufacturer as string | number | undefined) ?? null,
    product:
      (fileId?.garminProduct as string | number | undefined) ??
      (fileId?.product as string | number | undefined) ??
      null,
  };
}

/** Total of the rises between successive altitudes, ignoring gaps. */
function climb(altitudes: readonly (number | null)[]): number {
  let gain = 0;
  let last: number | null = null;
  for (const a of altitudes) {
    if (a === null) continue;
    if (last !== null && a > last) gain += a - last;
    last = a;
  }
  return gain;
}

function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = 6371008.8;
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(a));
}

/** TCX/GPX: enough of the file to build an activity (Strava's own reading is far richer). */
export function summarizeXml(text: string, kind: 'tcx' | 'gpx'): FileSummary {
  const timeTag = kind === 'tcx' ? /<Time>([^<]+)<\/Time>/g : /<time>([^<]+)<\/time>/g;
  const times = [...text.matchAll(timeTag)].map((x) => Date.parse(x[1] ?? '')).filter(Number.isFinite);
  if (times.length === 0) throw new Error(`${kind.toUpperCase()} file has no timed points`);
  const startMs = smallest(times);
  const elapsed = Math.round((largest(times) - startMs) / 1000);
  let distance = 0;
  let hasGps = false;
  if (kind === 'tcx') {
    const d = [...text.matchAll(/<DistanceMeters>([^<]+)<\/DistanceMeters>/g)]
      .map((x) => Number(x[1]))
      .filter(Number.isFinite);
    distance = d.length ? largest(d) : 0;
    hasGps = /<LatitudeDegrees>/.test(text);
  } else {
    const pts = [...text.matchAll(/<trkpt[^>]*lat="([^"]+)"[^>]*lon="([^"]+)"/g)].map(
      (x) => [Number(x[1]), Number(x[2])] as const,
    );
    hasGps = pts.length > 0;
    for (let i = 1; i < pts.length; i++) distance += haversine(pts[i - 1]![0], pts[i - 1]![1], pts[i]![0], pts[i]![1]);
  }
  const altTag = kind === 'tcx' ? /<AltitudeMeters>([^<]+)<\/AltitudeMeters>/g : /<ele>([^<]+)<\/ele>/g;
  const altitudes = [...text.matchAll(altTag)].map((x) => Number(x[1])).filter(Number.isFinite);
  const hrTag = kind === 'tcx' ? /<HeartRateBpm>\s*<Value>(\d+)<\/Value>/g : /<(?:\w+:)?(?:hr|heartrate)>(\d+)</g;
  const hrs = [...text.matchAll(hrTag)].map((x) => Number(x[1])).filter((h) => h > 0);
  const tcxSport = /<Activity Sport="(\w+)"/.exec(text)?.[1];
  const sportType = tcxSport === 'Running' ? 'Run' : tcxSport === 'Biking' ? 'Ride' : null;
  return {
    startMs,
    elapsedSeconds: elapsed,
    movingSeconds: elapsed,
    distanceMeters: Math.round(distance * 10) / 10,
    elevationGainMeters: Math.round(climb(altitudes)),
    hasHeartrate: hrs.length > 0,
    avgHeartrate: hrs.length ? Math.round((hrs.reduce((a, b) => a + b, 0) / hrs.length) * 10) / 10 : null,
    maxHeartrate: hrs.length ? largest(hrs) : null,
    hasGps,
    sportType,
    utcOffsetSeconds: null,
    calories: null,
    manufacturer: null,
    product: null,
  };
}

// Loops, not Math.max(...values): a 48-hour recording has more values than a call takes arguments.
function largest(values: readonly number[]): number {
  return values.reduce((a, b) => (b > a ? b : a), -Infinity);
}
function smallest(values: readonly number[]): number {
  return values.reduce((a, b) => (b < a ? b : a), Infinity);
}
