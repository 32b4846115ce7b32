export { createMiFitnessExportSource, type MiFitnessExportOptions } from './source.js';
export { gpxPoints, exportToWorkout } from './to-workout.js';
