// npm run bench [area…]: runs each bench/<area>.ts (exporting run()) in turn
// and writes every figure to bench/results/latest.json (and a dated copy);
// naming areas re-measures only those and keeps the others' last figures.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const AREAS = [
  'core',
  'strava',
  'sync',
  'sources',
  'zepp',
  'store',
  'server',
  'soak',
  'hostile',
  'startup',
  'memory',
  'long',
  'fairness',
];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const areas = (wanted.length ? wanted : AREAS).filter((a) => existsSync(join(here, `${a}.ts`)));

const out = join(here, 'results');
const latest = join(out, 'latest.json');
// Running some areas only updates those in the results file and keeps the others' last figures.
const previous: Record<string, unknown> =
  wanted.length && existsSync(latest) ? (JSON.parse(readFileSync(latest, 'utf8')) as Record<string, unknown>) : {};
const results: Record<string, unknown> = {
  ...previous,
  startedAt: new Date().toISOString(),
  node: process.version,
  machine: { cpus: (await import('node:os')).cpus().length },
};
for (const area of areas) {
  process.stderr.write(`bench: ${area}…\n`);
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(here, `${area}.ts`)).href)) as {
      run(): Promise<Record<string, unknown>>;
    };
    results[area] = {
      ...(await mod.run()),
      wallSeconds: +((performance.now() - started) / 1000).toFixed(2),
      measuredAt: new Date().toISOString(),
    };
  } catch (err) {
    results[area] = { error: err instanceof Error ? err.message : String(err) };
  }
  process.stderr.write(`bench: ${area}: ${JSON.stringify(results[area])}\n`);
}
mkdirSync(out, { recursive: true });
writeFileSync(latest, JSON.stringify(results, null, 2) + '\n');
writeFileSync(join(out, `${new Date().toISOString().slice(0, 10)}.json`), JSON.stringify(results, null, 2) + '\n');
process.stderr.write(`bench: results written to ${latest}\n`);
