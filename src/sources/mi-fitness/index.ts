export {
  createMiFitnessSource,
  parseWorkout,
  type MiFitnessSourceOptions,
  type MiHandle,
  type MiFitnessSource,
} from './source.js';
export { createMiClient, type MiClient, LIST_PATH, DOWNLOAD_PATH } from './client.js';
export {
  createPassport,
  browserLoginUrl,
  generateDeviceId,
  MiLoginChallenge,
  MI_SID,
  parseStoredSession,
  type MiPassport,
  type MiSession,
  type ChallengeKind,
} from './passport.js';
export { miHosts, regionForCountry, isMiRegion, MI_REGIONS, type MiRegion, type MiHosts } from './regions.js';
export {
  miToWorkout,
  miSourceId,
  miUtcOffset,
  describeMiDevice,
  MI_MANUFACTURER,
  type MiDetail,
} from './to-workout.js';
export { mapMiSport, type MiSportMapping } from './sport.js';
export { decodeRecordFile, decodeGpsFile, readHeader, FdsFormatError } from './binary.js';
export { fdsSuffix, downloadKey, FILE_TYPES } from './fds.js';
export * as miCrypto from './crypto.js';
export { decodeMiFitnessPayload, isMiFitnessPayload } from './inspect.js';
export { summarySchema, recordEnvelopeSchema, type MiSummary, type RecordEnvelope } from './schema.js';
