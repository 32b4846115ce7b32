// Puts the Zepp series, each with its own clock, onto one time axis.
// Strategy (chosen on purpose, notes §1.5 "alignment"): the axis is the union
// of every second at which any series has an entry. A series contributes its
// own value at its own timestamps; between them, level-type values (HR, speed,
// cadence, altitude, power, stroke rate, cumulative distance) are held from the
// last entry, as the band reports them when they change (step hold, like
// H3llK33p3r and ZeppBridge). Positions are never held or interpolated: a
// second without a GPS fix has no position. When two entries share a second,
// the last one wins (the run sample starts with time deltas `0;0;`).

export interface StreamInput {
  readonly t: readonly number[];
  readonly v: readonly (number | null)[];
  /** Hold the last value between entries (false: value only at own timestamps). */
  readonly hold: boolean;
}

export function unionAxis(series: readonly (readonly number[])[]): number[] {
  const all = new Set<number>();
  for (const s of series) for (const t of s) all.add(t);
  return [...all].sort((a, b) => a - b);
}

export function alignStream(axis: readonly number[], input: StreamInput): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(axis.length).fill(null);
  let j = 0;
  let held: number | null = null;
  for (let i = 0; i < axis.length; i++) {
    const t = axis[i]!;
    let hit = false;
    while (j < input.t.length && input.t[j]! <= t) {
      if (input.t[j] === t) hit = true;
      held = input.v[j] ?? null;
      j++;
    }
    out[i] = hit || input.hold ? held : null;
  }
  return out;
}

export function hasAnyValue(values: readonly (number | null)[]): boolean {
  return values.some((v) => v !== null);
}
