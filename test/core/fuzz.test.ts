// Seeded fuzzing: thousands of mutated FIT/TCX/GPX inputs. The decoders must
// never throw or hang, and every failure must be a non-empty, one-line reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFile, encodeFit, encodeGpx, encodeTcx, summarize } from '../../src/core/index.js';
import { corpusPath } from './corpus-files.js';
import { makePoolSwim, makeWorkout, rng } from './workout-factory.js';

function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const kind = Math.floor(rand() * 5);
  const pos = Math.floor(rand() * src.length);
  switch (kind) {
    case 0: {
      const b = src.slice();
      for (let k = 0; k < 1 + rand() * 8; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      return b;
    }
    case 1:
      return src.slice(0, pos); // truncation
    case 2: {
      const junk = Uint8Array.from({ length: 1 + Math.floor(rand() * 32) }, () => Math.floor(rand() * 256));
      return concat(src.slice(0, pos), junk, src.slice(pos));
    }
    case 3: {
      const len = Math.floor(rand() * 64);
      return concat(src.slice(0, pos), src.slice(pos + len));
    } // deletion
    default: {
      const len = Math.floor(rand() * 64);
      return concat(src.slice(0, pos + len), src.slice(pos, pos + len), src.slice(pos + len));
    } // duplication
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const w = makeWorkout({
  seconds: 120,
  pauses: [{ startOffset: 40, endOffset: 50 }],
  laps: [
    { startOffset: 0, elapsedSeconds: 60, timerSeconds: 50, trigger: 'manual' },
    { startOffset: 60, elapsedSeconds: 60, timerSeconds: 60, trigger: 'session_end' },
  ],
});
const seeds: [string, Uint8Array][] = [
  ['gen.fit', encodeFit(w)],
  ['swim.fit', encodeFit(makePoolSwim(6))],
  ['gen.tcx', encodeTcx(w)],
  ['gen.gpx', encodeGpx(w)],
  ...['garmin-fenix-5-run.fit', 'test.tcx', 'track-with-empty-segment.gpx'].flatMap((n): [string, Uint8Array][] => {
    const p = corpusPath(n);
    return p ? [[n, new Uint8Array(readFileSync(p))]] : [];
  }),
];

describe('fuzz: mutated inputs never crash the decoders', () => {
  for (const [name, src] of seeds) {
    // Bounded so the whole file stays around 20 s on a shared 2-core machine.
    const count = name.endsWith('.fit') ? 250 : src.length > 50_000 ? 60 : 150;
    it(`${name}: ${count} seeded mutations`, () => {
      const rand = rng(name.length * 7919 + src.length);
      let failures = 0;
      for (let i = 0; i < count; i++) {
        const input = mutate(src, rand);
        const r = decodeFile(input, name);
        if (r.ok) {
          // Whatever survived must still summarize without throwing.
          const s = summarize(r.workout, r.issues);
          expect(Number.isFinite(s.elapsedSeconds)).toBe(true);
        } else {
          failures++;
          expect(r.error.length).toBeGreaterThan(name.length + 5);
          expect(r.error).not.toMatch(/\n/);
        }
      }
      // Sanity: the mutations are strong enough to break some inputs.
      expect(failures).toBeGreaterThan(0);
    });
  }
});
