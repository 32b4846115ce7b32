export {
  createZeppSimulator,
  SIM_REGIONS,
  type ZeppSimulator,
  type ZeppSimulatorOptions,
  type ZeppSimulatorControl,
} from './app.js';
export { startZeppSimulator, type RunningZeppSimulator } from './serve.js';
export type { GeneratedWorkout } from './truth.js';
export { SHAPES, type ShapeKind, type ShapeSpec } from './shapes.js';
export { encodeDetail, encodeSummary } from './encode.js';
export { generateWorkout, planHistory, type SimWorkout, type PlannedWorkout } from './generate.js';
