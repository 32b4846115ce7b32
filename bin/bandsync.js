#!/usr/bin/env node
// Launcher (decision 0004): runs the built JavaScript in dist/. In a source
// checkout (src/ beside dist/), dist/ is used only while it is newer than every
// file and folder in src/; otherwise, or with no build at all, the TypeScript
// runs through tsx (a dev dependency), so an edit is never shadowed by a stale
// build. BANDSYNC_FROM_SOURCE=1 forces tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'dist', 'cli', 'main.js');
const src = path.join(root, 'src');

/** Newest mtime under dir (files and folders, so a deleted or added file counts too). */
function newest(dir) {
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function useBuild() {
  if (!existsSync(built)) return false;
  if (!existsSync(src)) return true; // an installed package: dist/ is all there is
  if (process.env.BANDSYNC_FROM_SOURCE === '1') return false;
  try {
    return statSync(path.join(root, 'dist', '.build-stamp')).mtimeMs > newest(src);
  } catch {
    return false;
  }
}

let entry;
if (useBuild()) entry = pathToFileURL(built).href;
else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      `bandsync: no build in ${path.join(root, 'dist')} and tsx is not installed to run the sources; run \`npm run build\` (or \`npm ci\`)\n`,
    );
    process.exit(1);
  }
  register();
  entry = pathToFileURL(path.join(src, 'cli', 'main.ts')).href;
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
