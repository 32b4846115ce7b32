// The normalized workout (DESIGN §4.1): immutable plain data, SI units with the
// unit in the name, samples as column arrays. Every source maps into this and
// every encoder compiles from it, so nothing vendor-specific appears here.

/** Our own sport union; the source's raw code is kept beside it in `rawSport`. */
export type Sport =
  | 'running'
  | 'treadmill'
  | 'trail_running'
  | 'walking'
  | 'indoor_walking'
  | 'hiking'
  | 'cycling'
  | 'indoor_cycling'
  | 'mountain_biking'
  | 'pool_swimming'
  | 'open_water_swimming'
  | 'elliptical'
  | 'rowing'
  | 'indoor_rowing'
  | 'strength'
  | 'yoga'
  | 'hiit'
  | 'jump_rope'
  | 'climbing'
  | 'skiing'
  | 'snowboarding'
  | 'skating'
  | 'dance'
  | 'other';

export type SwimStroke = 'freestyle' | 'backstroke' | 'breaststroke' | 'butterfly' | 'mixed' | 'drill' | 'unknown';

/**
 * Per-sample streams. `t` is seconds since `startTime` (integer or fractional);
 * every other present stream has exactly `t.length` entries, `null` where that
 * sample has no value. Absent streams are omitted, never filled with nulls.
 */
export interface Samples {
  readonly t: readonly number[];
  readonly lat?: readonly (number | null)[]; // degrees WGS-84
  readonly lon?: readonly (number | null)[];
  readonly altitude?: readonly (number | null)[]; // meters
  readonly heartRate?: readonly (number | null)[]; // bpm
  readonly cadence?: readonly (number | null)[]; // rpm (run: strides/min of one foot, as FIT does)
  readonly speed?: readonly (number | null)[]; // m/s
  readonly distance?: readonly (number | null)[]; // cumulative meters
  readonly power?: readonly (number | null)[]; // watts
  readonly temperature?: readonly (number | null)[]; // °C
  readonly strokeRate?: readonly (number | null)[]; // strokes/min
}

export type SampleStream = Exclude<keyof Samples, 't'>;

/** A pause: the timer stopped from `startOffset` to `endOffset` (seconds since start). */
export interface Pause {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly kind?: 'manual' | 'auto';
}

export interface Lap {
  readonly startOffset: number; // seconds since start
  readonly elapsedSeconds: number;
  readonly timerSeconds: number; // elapsed minus pauses inside the lap
  readonly distanceMeters?: number;
  readonly calories?: number;
  readonly avgHeartRate?: number;
  readonly maxHeartRate?: number;
  readonly trigger: 'manual' | 'distance' | 'time' | 'session_end';
}

/** One pool length (swims). */
export interface Length {
  readonly startOffset: number;
  readonly elapsedSeconds: number;
  readonly strokes?: number;
  readonly stroke?: SwimStroke;
  readonly kind: 'active' | 'idle';
}

export interface Device {
  /** FIT manufacturer id: 339 is "zepp" (Huami/Amazfit/Mi Band). */
  readonly manufacturer: number;
  readonly product: number;
  readonly name: string;
  readonly serial?: number;
}

export interface SourceRef {
  readonly kind: 'zepp-cloud' | 'zepp-export' | 'gadgetbridge' | 'files' | 'mi-fitness' | 'mi-fitness-export';
  /** Stable id of the workout within that source (e.g. Zepp trackid). */
  readonly id: string;
  /** The source account the workout came from, when there is one. */
  readonly accountId?: string;
}

/** Totals the recording device computed itself; used when no samples exist. */
export interface RecordedTotals {
  readonly distanceMeters?: number;
  readonly timerSeconds?: number;
  readonly calories?: number;
  readonly avgHeartRate?: number;
  readonly maxHeartRate?: number;
  readonly ascentMeters?: number;
  readonly descentMeters?: number;
  readonly steps?: number;
  readonly avgCadence?: number;
}

export interface Workout {
  readonly sport: Sport;
  readonly subSport?: string;
  /** The source's own code, verbatim (e.g. Zepp type "1"), for mapping rules. */
  readonly rawSport?: string;
  readonly name?: string;
  /** ISO-8601 UTC, e.g. "2023-10-29T08:45:16Z". */
  readonly startTime: string;
  readonly utcOffsetSeconds: number;
  readonly elapsedSeconds: number;
  readonly samples: Samples;
  readonly pauses: readonly Pause[];
  readonly laps: readonly Lap[];
  readonly lengths: readonly Length[];
  readonly poolLengthMeters?: number;
  readonly indoor: boolean;
  readonly device: Device;
  readonly totals: RecordedTotals;
  readonly source: SourceRef;
  /** Content fingerprint, stable across formats of the same workout (see fingerprint.ts). */
  readonly fingerprint: string;
  /**
   * Why what was read is only part of the recording (the decoder's own words),
   * when it is: such a workout waits for the user before it goes anywhere.
   */
  readonly damage?: string;
}

/** A problem a decoder or mapper found but survived. */
export interface Issue {
  readonly code: string;
  readonly path: string;
  readonly detail: string;
  /** Data was lost: the input could be read only partly (CRC failure, decode error, truncation). */
  readonly damage?: boolean;
}

/** What every decoder returns instead of throwing on the first oddity. */
export type DecodeResult =
  | { readonly ok: true; readonly workout: Workout; readonly issues: readonly Issue[] }
  | { readonly ok: false; readonly error: string; readonly issues: readonly Issue[] };
