// Picks simulator seeds whose generated workout has the features a proof
// needs (a run with pauses AND manual laps, a swim with rests…), by running
// the simulator's own generator — deterministic, no guessing in the tests.
import { generateWorkout, type ShapeKind, type SimWorkout } from '../../src/simulators/zepp-cloud/index.js';

export function seedWhere(kind: ShapeKind, wanted: (w: SimWorkout) => boolean, from = 1): number {
  for (let seed = from; seed < from + 5000; seed++) {
    if (wanted(generateWorkout({ trackId: 0, kind, seed }))) return seed;
  }
  throw new Error(`no seed in ${from}..${from + 5000} gives a ${kind} with the wanted features`);
}

/** The same workout the simulator serves for (kind, seed) started at trackId (epoch seconds). */
export const generated = (kind: ShapeKind, seed: number, trackId: number): SimWorkout =>
  generateWorkout({ trackId, kind, seed });
