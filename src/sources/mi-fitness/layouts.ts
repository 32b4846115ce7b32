// The binary layouts of the decrypted FDS detail files, per proto_type family
// and version, as tables (notes/mi-fitness.md §4.3, from the decompiled app
// via K fds/sport_records.py and fds/common.py). Decoding is generic over
// these tables (binary.ts); only the families listed here are supported, and
// a proto_type/version outside them is reported, never guessed.

/** One field of a record or segment header: its id, size, first version, and for some the bit range kept. */
export interface FieldSpec {
  readonly id: number;
  readonly bytes: 0 | 1 | 2 | 4;
  readonly from: number;
  /** Keep only bits [start, start+count) of the stored integer. */
  readonly bits?: readonly [start: number, count: number];
  /** Swim records: present only when the record's type byte (id -1) is 0. */
  readonly lengthOnly?: boolean;
}

export interface RecordLayout {
  /** four: one nibble of dataValid per field (exist 8 / high 4 / middle 2 / low 1); one: one bit per field. */
  readonly dimension: 'four' | 'one';
  readonly fields: readonly FieldSpec[];
}

export interface FamilyLayout {
  readonly name: string;
  readonly protoTypes: readonly number[];
  /** dataValid bytes per version; a version not listed is not supported. */
  readonly validBytes: Readonly<Record<number, number>>;
  /** Bytes before each segment's record count (pause-init). */
  readonly pauseInit: readonly FieldSpec[];
  /** Interval-training summary fields after each segment's start time. */
  readonly segmentSummary: readonly FieldSpec[];
  readonly records: (version: number) => RecordLayout;
}

/** Field ids (K fds/common.py). */
export const F = {
  endTime: 1,
  calories: 2,
  totalCal: 3,
  hr: 5,
  integerKm: 6,
  distance: 9,
  turnCount: 10,
  pace: 12,
  swolf: 13,
  strokeCount: 16,
  strokeFreq: 17,
  resistance: 23,
  spo2: 38,
  stress: 39,
  stride: 40,
  itState: 41,
  landingImpact: 44,
  power: 47,
  touchdownRatio: 48,
  cadence: 49,
  cycleCadence: 50,
  speed: 51,
  runningPower: 57,
  itTotalDuration: 78,
  heightValue: 87,
  gymTimes: 89,
  gymWeight: 90,
  gymId: 91,
  swimType: -1,
} as const;

const f = (id: number, bytes: FieldSpec['bytes'], from: number, bits?: readonly [number, number]): FieldSpec => ({
  id,
  bytes,
  from,
  ...(bits ? { bits } : {}),
});
const swim = (id: number, bytes: FieldSpec['bytes'], from: number): FieldSpec => ({
  id,
  bytes,
  from,
  lengthOnly: true,
});

const PAUSE_INIT_U32 = [f(0, 4, 1)];
const four = (fields: FieldSpec[]): RecordLayout => ({ dimension: 'four', fields });
const one = (fields: FieldSpec[]): RecordLayout => ({ dimension: 'one', fields });

export const FAMILIES: readonly FamilyLayout[] = [
  {
    name: 'outdoor (run, walk, trail, hike)',
    protoTypes: [1, 2, 4, 5, 15],
    validBytes: { 1: 2, 2: 2 },
    pauseInit: PAUSE_INIT_U32,
    segmentSummary: [f(F.itState, 1, 2)],
    records: () =>
      four([f(F.calories, 1, 1, [4, 4]), f(F.hr, 1, 1), f(F.integerKm, 1, 1, [7, 1]), f(F.distance, 1, 1)]),
  },
  {
    name: 'indoor run',
    protoTypes: [3],
    validBytes: { 1: 2, 2: 2 },
    pauseInit: [],
    segmentSummary: [f(F.itState, 1, 2), f(43, 4, 4), f(F.itTotalDuration, 4, 8), f(55, 2, 7)],
    records: () =>
      four([
        f(F.calories, 1, 1, [4, 4]),
        f(F.hr, 1, 1),
        f(F.distance, 1, 1),
        f(F.stride, 1, 3),
        f(F.landingImpact, 4, 5, [26, 6]),
        f(F.touchdownRatio, 1, 6),
        f(F.cadence, 1, 6),
        f(F.pace, 2, 6),
        f(F.runningPower, 2, 7),
        f(79, 2, 9),
        f(80, 2, 9),
      ]),
  },
  {
    name: 'outdoor bike',
    protoTypes: [6],
    validBytes: { 1: 2, 2: 2 },
    pauseInit: PAUSE_INIT_U32,
    segmentSummary: [f(F.itState, 1, 2)],
    records: () => four([f(F.calories, 1, 1), f(F.hr, 1, 1), f(F.integerKm, 1, 1, [7, 1])]),
  },
  {
    name: 'indoor bike',
    protoTypes: [7],
    validBytes: { 1: 1, 2: 2, 3: 2, 4: 2, 5: 3, 6: 4 },
    pauseInit: [],
    segmentSummary: [f(F.itState, 1, 3), f(43, 4, 4)],
    records: (version) =>
      version < 2
        ? one([f(F.hr, 1, 1), f(F.calories, 1, 1)])
        : four([
            f(F.calories, 1, 2, [4, 4]),
            f(F.hr, 1, 2),
            f(F.distance, 1, 2),
            f(F.resistance, 1, 2),
            f(F.power, 2, 5),
            f(F.speed, 2, 6),
            f(F.cycleCadence, 1, 6),
          ]),
  },
  {
    name: 'free training (strength, yoga, HIIT)',
    protoTypes: [8, 12, 16],
    validBytes: { 1: 1, 2: 1, 3: 2, 4: 2, 5: 2 },
    pauseInit: [],
    segmentSummary: [
      f(F.itState, 1, 2),
      f(F.itTotalDuration, 4, 4),
      f(F.gymTimes, 2, 5),
      f(F.gymWeight, 2, 5),
      f(F.gymId, 2, 5),
    ],
    records: (version) =>
      version < 3
        ? one([f(F.hr, 1, 1), f(F.calories, 1, 1)])
        : four([f(F.hr, 1, 3), f(F.calories, 1, 3), f(F.spo2, 1, 3), f(F.stress, 1, 3)]),
  },
  {
    name: 'swimming (pool, open water)',
    protoTypes: [9, 10],
    validBytes: { 1: 2, 2: 2, 3: 3 },
    pauseInit: [],
    segmentSummary: [],
    records: () =>
      one([
        f(F.swimType, 1, 1),
        f(F.endTime, 4, 1),
        f(11, 1, 1),
        f(F.pace, 2, 1),
        f(F.swolf, 2, 1),
        swim(F.distance, 2, 1),
        swim(F.calories, 2, 1),
        swim(F.strokeCount, 2, 1),
        swim(F.turnCount, 2, 1),
        swim(F.strokeFreq, 1, 1),
        swim(18, 1, 1),
        swim(19, 1, 1),
        swim(20, 1, 1),
        swim(21, 1, 1),
        swim(22, 1, 1),
        swim(F.totalCal, 2, 2),
        swim(81, 1, 3),
        swim(82, 1, 3),
        swim(83, 1, 3),
        swim(84, 2, 3),
        swim(85, 4, 3),
        swim(86, 1, 3),
      ]),
  },
  {
    name: 'outdoor step sports (Mi Band 8+ run, walk, hike)',
    protoTypes: [22],
    validBytes: { 1: 2, 2: 3, 3: 3, 4: 3, 5: 5, 6: 6, 7: 6, 8: 7, 9: 7 },
    pauseInit: PAUSE_INIT_U32,
    segmentSummary: [f(F.itState, 1, 1), f(43, 4, 3), f(F.itTotalDuration, 4, 7), f(54, 4, 6), f(55, 2, 6)],
    records: () =>
      four([
        f(F.calories, 1, 1, [4, 4]),
        f(F.hr, 1, 1),
        f(F.heightValue, 4, 9),
        f(F.integerKm, 2, 9, [15, 1]),
        f(F.integerKm, 1, 1, [7, 1]),
        f(F.distance, 1, 1),
        f(F.stride, 1, 2),
        f(F.landingImpact, 4, 4, [26, 6]),
        f(F.touchdownRatio, 1, 5),
        f(F.cadence, 1, 5),
        f(F.pace, 2, 5),
        f(56, 2, 6),
        f(F.runningPower, 2, 6),
        f(79, 2, 8),
        f(80, 2, 8),
      ]),
  },
  {
    name: 'outdoor no-step sports (cycling on newer bands)',
    protoTypes: [23],
    validBytes: { 1: 2, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3 },
    pauseInit: PAUSE_INIT_U32,
    segmentSummary: [f(F.itState, 1, 1), f(43, 4, 2), f(F.itTotalDuration, 4, 5), f(58, 2, 4)],
    records: () =>
      four([
        f(F.calories, 1, 1, [4, 4]),
        f(F.hr, 1, 1),
        f(F.heightValue, 4, 6),
        f(F.integerKm, 2, 6, [15, 1]),
        f(F.integerKm, 1, 1, [7, 1]),
        f(F.distance, 1, 1),
        f(F.speed, 2, 3),
        f(F.cycleCadence, 1, 3),
      ]),
  },
];

export function familyFor(protoType: number): FamilyLayout | undefined {
  return FAMILIES.find((fam) => fam.protoTypes.includes(protoType));
}

/** GPS file (fileType 2) record fields, one bit each (MSB first); float fields are f32. */
export const GPS_FIELDS: readonly (FieldSpec & { readonly float?: boolean })[] = [
  { id: 0, bytes: 4, from: 1 }, // time, unix s
  { id: 1, bytes: 4, from: 1, float: true }, // longitude
  { id: 2, bytes: 4, from: 1, float: true }, // latitude
  { id: 3, bytes: 4, from: 2, float: true }, // accuracy, m
  { id: 4, bytes: 2, from: 2 }, // speed: high 12 bits / 10 = m/s, low 4 bits = GPS source (K)
  { id: 5, bytes: 0, from: 2 }, // GPS source flag, no bytes
  { id: 6, bytes: 4, from: 3, float: true }, // altitude, m
  { id: 7, bytes: 4, from: 3, float: true }, // hdop
];
/** GPS dataValid bytes per version (K; version 5's layout is unknown). */
export const GPS_VALID_BYTES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 1, 4: 1 };
