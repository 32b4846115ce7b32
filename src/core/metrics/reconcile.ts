// Streams agree with the totals (DESIGN F18). Strava draws distance and pace
// from the record stream, so when the band declares 3571 m and its stream (or
// GPS track) measures 3312 m, the stream is scaled to end at 3571 m and the
// laps to add up to it. Both numbers stay in an issue. A difference over 15 %
// is more than drift (a lost track, a wrong unit): nothing is scaled then, and
// the difference is reported.
import type { Issue, Lap, Samples, Workout } from '../workout/types.js';
import { cumulativeDistance, furthest } from './distance.js';

/** Largest relative difference that is scaled away. */
export const RESCALE_LIMIT = 0.15;
/**
 * Differences up to this are rounding (files store centimetres per lap and per
 * point, so many laps can drift a few of them apart), far below what anyone sees.
 */
const SAME_METERS = 0.5;

type Totals = Pick<Workout, 'samples' | 'pauses' | 'totals'>;

interface Scale {
  readonly declared: number;
  readonly measured: number;
  readonly ratio: number;
  readonly within: boolean;
}

function scaleOf(declared: number | undefined, measured: number | null): Scale | null {
  if (declared == null || measured == null || Math.abs(declared - measured) <= SAME_METERS) return null;
  const ratio = measured > 0 ? declared / measured : Infinity;
  return { declared, measured, ratio, within: Math.abs(ratio - 1) <= RESCALE_LIMIT };
}

/**
 * The per-sample cumulative distance a file carries: the distance stream (else
 * the GPS path length), scaled to end exactly at the declared total when the
 * two differ by at most 15 %. Null when the samples know no distance.
 */
export function distanceStream(w: Totals): (number | null)[] | null {
  const cum = cumulativeDistance(w.samples, w.pauses);
  const measured = furthest(cum);
  const scale = scaleOf(w.totals.distanceMeters, measured);
  return cum && scale?.within ? scaled(cum, measured!, scale) : cum;
}

/** Scales `cum` in place; the furthest point gets the declared value itself, not a product off in the last bit. */
function scaled(cum: (number | null)[], measured: number, scale: Scale): (number | null)[] {
  for (let i = 0; i < cum.length; i++) {
    const d = cum[i];
    if (d != null) cum[i] = d === measured ? scale.declared : d * scale.ratio;
  }
  return cum;
}

/** Lap distances scaled to add up to the declared total (same 15 % rule); laps without a distance are left alone. */
function lapsAgreeing(
  laps: readonly Lap[],
  declared: number | undefined,
): { laps: readonly Lap[]; scale: Scale | null } {
  if (laps.length === 0 || laps.some((l) => l.distanceMeters == null)) return { laps, scale: null };
  let sum = 0;
  for (const l of laps) sum += l.distanceMeters!;
  const scale = scaleOf(declared, sum);
  if (!scale?.within) return { laps, scale };
  return { laps: laps.map((l) => ({ ...l, distanceMeters: l.distanceMeters! * scale.ratio })), scale };
}

const m = (v: number) => `${Number(v.toFixed(2))} m`;
const describe = (s: Scale, what: string) =>
  `declared ${m(s.declared)}, from ${what} ${m(s.measured)}, ratio ${Number.isFinite(s.ratio) ? s.ratio.toFixed(4) : '∞'}`;

/**
 * The samples and laps made consistent with the declared distance, and an
 * issue for every change made or refused: `distance_rescaled` /
 * `distance_not_rescaled` (stream), `lap_distances_rescaled` /
 * `lap_distances_not_rescaled` (laps).
 */
export function reconcileDistances(w: Totals & Pick<Workout, 'laps'>): {
  samples: Samples;
  laps: readonly Lap[];
  issues: Issue[];
} {
  const issues: Issue[] = [];
  const declared = w.totals.distanceMeters;
  if (declared == null) return { samples: w.samples, laps: w.laps, issues };
  let samples = w.samples;
  const cum = cumulativeDistance(w.samples, w.pauses);
  const measured = furthest(cum);
  const what = w.samples.distance?.some((d) => d != null) ? 'stream' : 'track';
  const scale = scaleOf(declared, measured);
  if (cum && scale?.within) {
    samples = { ...w.samples, distance: scaled(cum, measured!, scale) };
    issues.push({
      code: 'distance_rescaled',
      path: 'samples.distance',
      detail: `${describe(scale, what)}: the distance stream was scaled to end at the declared distance`,
    });
  } else if (scale) {
    issues.push({
      code: 'distance_not_rescaled',
      path: 'samples.distance',
      detail: `${describe(scale, what)}: more than ${RESCALE_LIMIT * 100} % apart, so the stream was left as measured`,
    });
  }
  const laps = lapsAgreeing(w.laps, declared);
  if (laps.scale)
    issues.push({
      code: laps.scale.within ? 'lap_distances_rescaled' : 'lap_distances_not_rescaled',
      path: 'laps',
      detail: laps.scale.within
        ? `${describe(laps.scale, 'laps')}: lap distances were scaled to add up to the declared distance`
        : `${describe(laps.scale, 'laps')}: more than ${RESCALE_LIMIT * 100} % apart, so the laps were left as measured`,
    });
  return { samples, laps: laps.laps, issues };
}
