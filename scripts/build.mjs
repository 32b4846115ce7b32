#!/usr/bin/env node
// npm run build: src/ → dist/ (decision 0004). Each .ts file is transpiled on
// its own by esbuild (no bundling, no type checking: `npm run check` does
// that), so dist/ mirrors src/ and every path a module finds relative to
// itself (migrations, dashboard assets) is the same; the non-TypeScript files
// it reads are copied beside it. Takes well under a second, so `prepare`
// can run it on every `npm ci`.
//   node scripts/build.mjs [--outdir DIR] [--if-possible]
// --if-possible (the `prepare` script): without esbuild (an install with
// --omit=dev) say so and succeed; bin/bandsync.js then explains what is missing.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let build;
try {
  ({ build } = await import('esbuild'));
} catch (err) {
  if (!process.argv.includes('--if-possible')) throw err;
  process.stderr.write('build: esbuild is not installed (dev dependencies omitted); dist/ not built\n');
  process.exit(0);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]) : path.join(root, 'dist');

const isTest = (name) => /\.test\.ts$/.test(name);
const entries = [];
const copies = [];
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const full = path.join(entry.parentPath ?? entry.path, entry.name);
  if (entry.name.endsWith('.ts')) {
    if (!isTest(entry.name) && !entry.name.endsWith('.d.ts')) entries.push(full);
  } else copies.push(full);
}

const started = performance.now();
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: entries,
  outdir,
  outbase: src,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
// Files modules read relative to themselves: src/store/migrations/*.sql, src/server/assets/*.
for (const file of copies) {
  const to = path.join(outdir, path.relative(src, file));
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(file, to);
}
// The launcher runs dist/ only when this stamp is newer than every file in src/.
writeFileSync(path.join(outdir, '.build-stamp'), `${new Date().toISOString()}\n`);
if (!existsSync(path.join(outdir, 'cli', 'main.js'))) throw new Error(`build: ${outdir}/cli/main.js was not written`);
process.stderr.write(
  `build: ${entries.length} modules and ${copies.length} files to ${path.relative(process.cwd(), outdir) || '.'} in ${Math.round(performance.now() - started)} ms\n`,
);
