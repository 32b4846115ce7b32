export { createZeppCloudSource, type ZeppCloudSourceOptions, type ZeppHandle } from './source.js';
export { createZeppClient, type ZeppClient, type ZeppClientOptions, type HistoryPage } from './client.js';
export {
  decodeZeppWorkout,
  zeppToWorkout,
  decodeSeries,
  pressureToAltitude,
  type ZeppMapOptions,
  type DecodedZeppSeries,
} from './to-workout.js';
export { summarySchema, detailSchema, type ZeppSummary, type ZeppDetail } from './schema.js';
export { describeDevice, ZEPP_MANUFACTURER } from './device.js';
export { mapZeppSport, type MappedSport } from '../zepp-common/index.js';
export { loginZepp, type ZeppLoginInput, type ZeppLoginOptions, type ZeppLoginResult } from './login.js';
export {
  isAllowedZeppUrl,
  candidateDataHosts,
  regionGroup,
  isChinaHost,
  ZEPP_DATA_HOSTS,
  ZEPP_LOGIN_USER_HOST,
  ZEPP_LOGIN_ACCOUNT_HOST,
} from './hosts.js';
