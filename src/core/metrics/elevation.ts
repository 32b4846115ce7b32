// Elevation gain/loss: altitude smoothed with the 3-point weights
// 0.3/0.4/0.3 (as gpxpy does) and then every rise/fall summed; GPS altitude
// noise would otherwise inflate gain. Falls back to the device's recorded totals.
import type { Workout } from '../workout/types.js';

export function elevationGainLoss(w: Pick<Workout, 'samples' | 'totals'>): {
  ascentMeters: number | null;
  descentMeters: number | null;
} {
  const alt = (w.samples.altitude ?? []).filter((v): v is number => v != null);
  if (alt.length === 0)
    return { ascentMeters: w.totals.ascentMeters ?? null, descentMeters: w.totals.descentMeters ?? null };
  const n = alt.length;
  let up = 0,
    down = 0;
  let prev = alt[0]!;
  for (let i = 1; i < n; i++) {
    const cur = i < n - 1 ? alt[i - 1]! * 0.3 + alt[i]! * 0.4 + alt[i + 1]! * 0.3 : alt[i]!;
    const d = cur - prev;
    if (d > 0) up += d;
    else down -= d;
    prev = cur;
  }
  return { ascentMeters: up, descentMeters: down };
}
