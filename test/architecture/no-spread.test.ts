// Issue 13, "any length": spreading a sample array into a call
// (`Math.max(...values)`) fails with "Maximum call stack size exceeded" once
// a recording is long enough (a 48-hour one has 172,800 samples), so the lint
// `npm run check` runs refuses any spread argument and `.apply()` under src/.
// Checked on a scratch tree with the project's own lint configuration.
import { afterAll, describe, expect, it } from 'vitest';
import { scratchTree } from './scratch-tree.js';

const scratch = scratchTree('bandsync-no-spread-');
afterAll(() => scratch.remove());

describe('no spreading into calls under src/ (npm run check → eslint .)', () => {
  it('flags Math.max(...), push(...), new X(...) and .apply(), and lets loops and array spreads pass', () => {
    const flagged: Record<string, string> = {
      'src/core/metrics/peak.ts': 'export const peak = (hr: number[]) => Math.max(...hr);\n',
      'src/sync/rows.ts': 'export const add = (all: string[], more: string[]) => void all.push(...more);\n',
      'src/core/formats/name.ts': 'export const name = (b: Uint8Array) => String.fromCharCode(...b);\n',
      'src/app/apply.ts': 'export const low = (v: number[]) => Math.min.apply(null, v);\n',
      'src/sources/files/d.ts': 'export const d = (p: [number]) => new Date(...p);\n',
    };
    const allowed: Record<string, string> = {
      'src/core/metrics/loop.ts':
        'export function peak(hr: number[]): number {\n  let m = -Infinity;\n  for (const v of hr) m = Math.max(m, v);\n  return m;\n}\nexport const both = (a: number[], b: number[]) => [...a, ...b];\nexport const copy = (o: object) => ({ ...o });\n',
    };
    scratch.write({ ...flagged, ...allowed });
    const { status, results } = scratch.lint();
    expect(status).toBe(1);
    const hits = scratch.flaggedBy(results, 'no-restricted-syntax');
    expect(hits).toEqual(Object.keys(flagged).sort());
    const peak = results.find((r) => r.filePath.endsWith('peak.ts'))!.messages[0]!.message;
    expect(peak).toMatch(/a long recording has more values than a call takes arguments/);
  }, 120_000);
});
