// Issue 13, "any length": spreading a sample array into a call
// (`Math.max(...values)`) fails with "Maximum call stack size exceeded" once
// a recording is long enough (a 48-hour one has 172,800 samples), so the lint
// `npm run check` runs refuses any spread argument and `.apply()` under src/.
// Checked on a scratch tree with the project's own lint configuration.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'bandsync-no-spread-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('no spreading into calls under src/ (npm run check → eslint .)', () => {
  it('flags Math.max(...), push(...), new X(...) and .apply(), and lets loops and array spreads pass', () => {
    for (const f of ['eslint.config.js', 'eslint/rooms.js', 'package.json']) {
      mkdirSync(dirname(join(scratch, f)), { recursive: true });
      copyFileSync(join(repo, f), join(scratch, f));
    }
    symlinkSync(join(repo, 'node_modules'), join(scratch, 'node_modules'), 'dir');
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
    for (const [path, text] of Object.entries({ ...flagged, ...allowed })) {
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), text);
    }
    const run = spawnSync(
      process.execPath,
      [join(repo, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', 'src'],
      {
        cwd: scratch,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    const results = JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string; message: string }[] }[];
    const hits = results
      .filter((r) => r.messages.some((m) => m.ruleId === 'no-restricted-syntax'))
      .map((r) => r.filePath.slice(scratch.length + 1))
      .sort();
    expect(hits).toEqual(Object.keys(flagged).sort());
    const peak = results.find((r) => r.filePath.endsWith('peak.ts'))!.messages[0]!.message;
    expect(peak).toMatch(/a long recording has more values than a call takes arguments/);
  }, 120_000);
});
