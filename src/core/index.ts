// The pure core's public surface.
export type * from './workout/types.js';
export { computeFingerprint, withFingerprint, fnv1a64 } from './workout/fingerprint.js';
export { sportFamily, INDOOR_SPORTS, type SportFamily } from './workout/sport.js';
export { encodeFit, type FitEncodeOptions } from './formats/fit/encode.js';
export { decodeFit } from './formats/fit/decode.js';
