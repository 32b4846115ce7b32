// A small seeded PRNG (mulberry32) so generated histories are identical for
// the same seed on every machine.
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const between = (r: Random, lo: number, hi: number): number => lo + (hi - lo) * r();
export const intBetween = (r: Random, lo: number, hi: number): number => Math.floor(between(r, lo, hi + 1));
export function pick<T>(r: Random, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}
