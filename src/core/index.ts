// The pure core's public surface.
export type * from './workout/types.js';
export { computeFingerprint, withFingerprint, fnv1a64 } from './workout/fingerprint.js';
export { assembleWorkout, isoStart, type WorkoutDraft } from './workout/assemble.js';
export { sportFamily, INDOOR_SPORTS, SPORTS, type SportFamily } from './workout/sport.js';
export { sanitizeWorkout, type SanitizeOptions, type SanitizeResult } from './workout/sanitize.js';
export { damageMessage, withDamage } from './workout/damage.js';
export { encodeFit, type FitEncodeOptions } from './formats/fit/encode.js';
export { decodeFit } from './formats/fit/decode.js';
export { haversineMeters, EARTH_RADIUS_METERS } from './geo/haversine.js';
export { summarize, type WorkoutSummary } from './metrics/summarize.js';
export {
  totalDistanceMeters,
  sampleDistanceMeters,
  cumulativeDistance,
  distanceAt,
  distanceBetween,
} from './metrics/distance.js';
export { distanceStream, reconcileDistances, RESCALE_LIMIT } from './metrics/reconcile.js';
export {
  timerSeconds,
  timerTotalSeconds,
  elapsedSeconds,
  normalizePauses,
  pausedSecondsBetween,
} from './metrics/timer.js';
export { movingSeconds, measuredMovingSeconds } from './metrics/moving.js';
export { elevationGainLoss } from './metrics/elevation.js';
export { heartRateStats, timeInZones } from './metrics/heart-rate.js';
export { cadenceStats } from './metrics/cadence.js';
export { avgSpeedMps, maxSpeedMps, paceSecondsPerKm } from './metrics/speed.js';
export { splits, type Split } from './metrics/splits.js';
export { chartSeries, hasTrack, type ChartSeries } from './metrics/chart-series.js';
export {
  sportUnits,
  displayDistance,
  displaySpeed,
  displayCadence,
  storedCadence,
  formatDistance,
  formatSpeed,
  formatCadence,
  formatMinutes,
  type SportUnits,
  type DistanceUnit,
  type SpeedUnit,
  type CadenceUnit,
} from './metrics/units.js';
export { decodeTcx } from './formats/tcx/decode.js';
export { encodeTcx, type TcxEncodeOptions } from './formats/tcx/encode.js';
export { decodeGpx } from './formats/gpx/decode.js';
export { encodeGpx, type GpxEncodeOptions } from './formats/gpx/encode.js';
export { isGzip, sniffFormat, type FileFormat } from './formats/sniff.js';
export { decodeFile, encodeWorkout, overBudget, type EncodeOptions } from './formats/codec.js';
export { DEFAULT_LIMITS, LIMIT_ENV, formatLimit, overLimitMessage, type InputLimits } from './limits.js';
export { gcj02ToWgs84, wgs84ToGcj02, outOfChina } from './geo/gcj02.js';
