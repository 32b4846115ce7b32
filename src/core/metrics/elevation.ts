// Elevation gain/loss: the device's declared totals win; otherwise altitude
// smoothed with the 3-point weights 0.3/0.4/0.3 (as gpxpy does) and then every
// rise/fall summed, since GPS altitude noise would otherwise inflate gain.
import type { Workout } from '../workout/types.js';

export function elevationGainLoss(w: Pick<Workout, 'samples' | 'totals'>): {
  ascentMeters: number | null;
  descentMeters: number | null;
} {
  const { ascentMeters, descentMeters } = w.totals;
  if (ascentMeters != null && descentMeters != null) return { ascentMeters, descentMeters };
  const measured = measuredGainLoss(w.samples.altitude);
  return {
    ascentMeters: ascentMeters ?? measured?.up ?? null,
    descentMeters: descentMeters ?? measured?.down ?? null,
  };
}

function measuredGainLoss(altitude: readonly (number | null)[] | undefined): { up: number; down: number } | null {
  const alt = (altitude ?? []).filter((v): v is number => v != null);
  const n = alt.length;
  if (n === 0) return null;
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
  return { up, down };
}
