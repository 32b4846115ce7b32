export {
  createStravaSimulator,
  type StravaSimulator,
  type StravaSimulatorOptions,
  type StravaSimulatorControl,
  type RequestLogEntry,
} from './app.js';
export { startStravaSimulator, type RunningStravaSimulator } from './server.js';
export type { FaultSpec, FaultKind } from './faults.js';
export type { Limits } from './rate-limit.js';
export type { SimUpload, SimActivity } from './state.js';
export type { SimWebhookEvent } from './push-routes.js';
