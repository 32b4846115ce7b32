// FIT times are whole seconds since 1989-12-31T00:00:00Z.
export const FIT_EPOCH_MS = Date.UTC(1989, 11, 31, 0, 0, 0);

export function toFitTime(unixMs: number): number {
  return Math.round((unixMs - FIT_EPOCH_MS) / 1000);
}

/** Degrees → FIT semicircles (2^31 semicircles = 180°). */
export function toSemicircles(deg: number): number {
  return Math.round(deg * (2 ** 31 / 180));
}

export function fromSemicircles(semi: number): number {
  return semi * (180 / 2 ** 31);
}
