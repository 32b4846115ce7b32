export {
  createMiFitnessSimulator,
  MI_SIM_REGIONS,
  type MiFitnessSimulator,
  type MiFitnessSimulatorOptions,
  type MiFitnessSimulatorControl,
  type MiTruth,
  type LoginChallenge,
} from './app.js';
export { startMiFitnessSimulator, type RunningMiFitnessSimulator } from './serve.js';
export * as miFdsFiles from './fds-files.js';
export * as miSimCipher from './cipher.js';
