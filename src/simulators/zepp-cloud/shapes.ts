// The workout shapes the simulated account records. Codes are the Zepp
// `type` numbers (notes §1.6); the simulator keeps its own table on purpose
// (it must not import the source adapter it is used to test).
import type { Sport } from '../../core/workout/types.js';

export type ShapeKind =
  'run' | 'walk' | 'ride' | 'hike' | 'treadmill' | 'indoor_cycling' | 'strength' | 'pool_swim' | 'china_run';

export interface ShapeSpec {
  readonly kind: ShapeKind;
  readonly code: number;
  readonly sport: Sport;
  readonly gps: boolean;
  readonly minutes: readonly [number, number];
  /** Active speed range, m/s; [0, 0] = the band records no distance. */
  readonly speed: readonly [number, number];
  readonly hrWork: readonly [number, number];
  /** Steps cadence range (steps/min); null = no gait series. */
  readonly cadence: readonly [number, number] | null;
  readonly pauseChance: number;
  readonly lapChance: number;
  readonly barometer: boolean;
  readonly china: boolean;
  /** kcal per active minute at the work HR. */
  readonly kcalPerMinute: number;
  /** Relative frequency in a generated history. */
  readonly weight: number;
}

const shape = (s: ShapeSpec): ShapeSpec => s;

export const SHAPES: Readonly<Record<ShapeKind, ShapeSpec>> = {
  run: shape({
    kind: 'run',
    code: 1,
    sport: 'running',
    gps: true,
    minutes: [20, 70],
    speed: [2.6, 3.6],
    hrWork: [145, 172],
    cadence: [160, 182],
    pauseChance: 0.35,
    lapChance: 0.35,
    barometer: false,
    china: false,
    kcalPerMinute: 11,
    weight: 30,
  }),
  walk: shape({
    kind: 'walk',
    code: 6,
    sport: 'walking',
    gps: true,
    minutes: [20, 60],
    speed: [1.2, 1.6],
    hrWork: [95, 118],
    cadence: [100, 122],
    pauseChance: 0.4,
    lapChance: 0,
    barometer: false,
    china: false,
    kcalPerMinute: 4.5,
    weight: 13,
  }),
  ride: shape({
    kind: 'ride',
    code: 9,
    sport: 'cycling',
    gps: true,
    minutes: [40, 120],
    speed: [5.0, 8.0],
    hrWork: [125, 155],
    cadence: null,
    pauseChance: 0.45,
    lapChance: 0,
    barometer: false,
    china: false,
    kcalPerMinute: 9,
    weight: 14,
  }),
  hike: shape({
    kind: 'hike',
    code: 22,
    sport: 'hiking',
    gps: true,
    minutes: [60, 180],
    speed: [0.9, 1.3],
    hrWork: [105, 135],
    cadence: [90, 110],
    pauseChance: 0.6,
    lapChance: 0,
    barometer: true,
    china: false,
    kcalPerMinute: 6,
    weight: 5,
  }),
  treadmill: shape({
    kind: 'treadmill',
    code: 8,
    sport: 'treadmill',
    gps: false,
    minutes: [20, 50],
    speed: [2.5, 3.3],
    hrWork: [140, 165],
    cadence: [158, 178],
    pauseChance: 0.1,
    lapChance: 0,
    barometer: false,
    china: false,
    kcalPerMinute: 10.5,
    weight: 10,
  }),
  indoor_cycling: shape({
    kind: 'indoor_cycling',
    code: 10,
    sport: 'indoor_cycling',
    gps: false,
    minutes: [30, 60],
    speed: [0, 0],
    hrWork: [125, 150],
    cadence: null,
    pauseChance: 0,
    lapChance: 0,
    barometer: false,
    china: false,
    kcalPerMinute: 8,
    weight: 8,
  }),
  strength: shape({
    kind: 'strength',
    code: 52,
    sport: 'strength',
    gps: false,
    minutes: [20, 50],
    speed: [0, 0],
    hrWork: [110, 140],
    cadence: null,
    pauseChance: 0,
    lapChance: 0,
    barometer: false,
    china: false,
    kcalPerMinute: 6,
    weight: 8,
  }),
  pool_swim: shape({
    kind: 'pool_swim',
    code: 14,
    sport: 'pool_swimming',
    gps: false,
    minutes: [20, 40],
    speed: [0.6, 0.85],
    hrWork: [120, 150],
    cadence: null,
    pauseChance: 0.5,
    lapChance: 1,
    barometer: false,
    china: false,
    kcalPerMinute: 9,
    weight: 6,
  }),
  china_run: shape({
    kind: 'china_run',
    code: 1,
    sport: 'running',
    gps: true,
    minutes: [20, 50],
    speed: [2.6, 3.4],
    hrWork: [145, 170],
    cadence: [160, 180],
    pauseChance: 0.3,
    lapChance: 0,
    barometer: false,
    china: true,
    kcalPerMinute: 11,
    weight: 3,
  }),
};

/** Start points (WGS-84 lat, lon, altitude m) for outdoor tracks. */
export const PLACES: readonly (readonly [number, number, number])[] = [
  [50.6146, 3.242, 30], // Lille
  [52.5163, 13.3777, 35], // Berlin
  [40.015, -105.2705, 1650], // Boulder
  [45.764, 4.8357, 170], // Lyon
  [51.5007, -0.1246, 15], // London
  [47.3769, 8.5417, 410], // Zürich
];
export const CHINA_PLACES: readonly (readonly [number, number, number])[] = [
  [31.2304, 121.4737, 5], // Shanghai
  [39.9042, 116.4074, 45], // Beijing
];
