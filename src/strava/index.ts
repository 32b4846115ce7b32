// The Strava adapter's public surface (only src/compose.ts imports it).
export { createStravaClient, type StravaClient, type StravaClientOptions, type StravaRequest } from './client.js';
export {
  buildAuthorizeUrl,
  exchangeCode,
  refreshTokens,
  deauthorize,
  revoke,
  checkScopes,
  parseScope,
  type StravaAthleteSummary,
} from './oauth.js';
export { REQUIRED_SCOPES, type StravaTokens, type TokenStore } from './tokens.js';
export {
  parseRateHeaders,
  nextWindowReset,
  nextDayReset,
  windowStart,
  dayStart,
  requestKind,
  resetAfterLimit,
  type ParsedRateHeaders,
  type RateBucket,
} from './rate-budget.js';
export { toStravaSport, isStravaSportType, STRAVA_SPORT_TYPES, type StravaSportType } from './sport-type.js';
export { stripUploadExtension, toRemoteActivity } from './activities.js';
export { toUploadStatus, UPLOAD_STATUS } from './upload.js';
export { checkHeartRate } from './hr-consent.js';
export {
  createPushSubscription,
  deletePushSubscription,
  type PushSubscription,
  type PushSubscriptionOptions,
} from './push-subscriptions.js';
