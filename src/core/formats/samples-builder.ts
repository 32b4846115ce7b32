// Accumulates decoded points into the column-array Samples shape: streams that
// never had a value are dropped, the rest padded with null.
import type { Samples, SampleStream } from '../workout/types.js';

export class SamplesBuilder {
  private readonly t: number[] = [];
  private readonly cols = new Map<SampleStream, (number | null)[]>();

  push(t: number, values: Partial<Record<SampleStream, number | undefined>>): void {
    const i = this.t.length;
    this.t.push(t);
    for (const [k, v] of Object.entries(values) as [SampleStream, number | undefined][]) {
      if (v == null || !Number.isFinite(v)) continue;
      let col = this.cols.get(k);
      if (!col) {
        col = new Array<number | null>(i).fill(null);
        this.cols.set(k, col);
      }
      while (col.length < i) col.push(null);
      col.push(v);
    }
  }

  get length(): number {
    return this.t.length;
  }

  build(): Samples {
    const n = this.t.length;
    const out: Record<string, (number | null)[]> = {};
    for (const [k, col] of this.cols) {
      while (col.length < n) col.push(null);
      out[k] = col;
    }
    if (!out.lat || !out.lon) {
      delete out.lat;
      delete out.lon;
    }
    return { t: this.t, ...out };
  }
}
