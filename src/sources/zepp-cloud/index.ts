export { createZeppCloudSource, type ZeppCloudSourceOptions, type ZeppHandle } from './source.js';
export { createZeppClient, type ZeppClient, type ZeppClientOptions, type HistoryPage } from './client.js';
export { decodeZeppWorkout, zeppToWorkout, decodeSeries, pressureToAltitude, type ZeppMapOptions, type DecodedZeppSeries } from './to-workout.js';
export { summarySchema, detailSchema, type ZeppSummary, type ZeppDetail } from './schema.js';
export { describeDevice, ZEPP_MANUFACTURER } from './device.js';
export { mapZeppSport, applySportRules, type SportRule, type SportRuleContext, type SportRuleOutcome, type MappedSport } from '../zepp-common/index.js';
