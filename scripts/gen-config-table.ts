// Renders the configuration table from the schema into docs/configuration.md
// and README.md (between the config-table markers). `--check` exits 1 when
// either file differs from what the schema says (the drift test uses the same code).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigTable } from '../src/config/describe.js';

export const START = '<!-- config-table:start -->';
export const END = '<!-- config-table:end -->';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TARGETS = [path.join(root, 'docs/configuration.md'), path.join(root, 'README.md')];

/** Replaces only what lies between the markers; null when the markers are missing. */
export function withTable(text: string, table: string): string | null {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return null;
  return `${text.slice(0, a + START.length)}\n\n${table}\n\n${text.slice(b)}`;
}

export function plan(): { file: string; current: string | null; next: string | null }[] {
  const table = renderConfigTable();
  return TARGETS.map((file) => {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : null;
    return { file, current, next: current === null ? null : withTable(current, table) };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const { file, current, next } of plan()) {
    const rel = path.relative(root, file);
    if (current === null || next === null) {
      process.stderr.write(`${rel}: ${current === null ? 'missing' : `no ${START} … ${END} markers`}, skipped\n`);
      continue;
    }
    if (next === current) continue;
    stale++;
    if (check)
      process.stderr.write(`${rel}: configuration table is out of date (run: npx tsx scripts/gen-config-table.ts)\n`);
    else {
      writeFileSync(file, next);
      process.stdout.write(`${rel}: updated\n`);
    }
  }
  if (check && stale) process.exitCode = 1;
}
