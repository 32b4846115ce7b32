// Average and maximum over a sample stream, counting only readings above zero:
// bands log 0 for "no contact" (heart rate) and for standing still (cadence).

/** Avg (rounded) and max over the readings above zero, or nulls when there are none. */
export function positiveStats(values: readonly (number | null)[] | undefined): {
  avg: number | null;
  max: number | null;
} {
  let sum = 0,
    n = 0,
    max = 0;
  for (const v of values ?? [])
    if (v != null && v > 0) {
      sum += v;
      n++;
      if (v > max) max = v;
    }
  return n === 0 ? { avg: null, max: null } : { avg: Math.round(sum / n), max };
}
