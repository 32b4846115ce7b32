// Local static files only (offline, and the CSP allows nothing else): our own
// small JS/CSS from src/server/assets, Leaflet and uPlot from their packages,
// and plain grid map tiles when no tile server is configured.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { AppEnv } from './security.js';

const require = createRequire(import.meta.url);
const OWN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

function packageDist(name: string): { dir: string; version: string } {
  const pkgPath = require.resolve(`${name}/package.json`);
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string };
  return { dir: path.join(path.dirname(pkgPath), 'dist'), version: pkg.version };
}

const VENDOR = { leaflet: packageDist('leaflet'), uplot: packageDist('uplot') };

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** Versioned URLs, so the long cache never serves a stale file after an upgrade. */
export const assetUrl = {
  own: (file: string): string => `/assets/${file}?v=${ownVersion(file)}`,
  leaflet: (file: string): string => `/assets/vendor/leaflet@${VENDOR.leaflet.version}/${file}`,
  uplot: (file: string): string => `/assets/vendor/uplot@${VENDOR.uplot.version}/${file}`,
};

const versions = new Map<string, string>();
function ownVersion(file: string): string {
  let v = versions.get(file);
  if (!v) {
    v = createHash('sha256')
      .update(readFileSync(path.join(OWN_DIR, file)))
      .digest('hex')
      .slice(0, 10);
    versions.set(file, v);
  }
  return v;
}

/** Resolves `rel` inside `root`, refusing anything that escapes it. */
function inside(root: string, rel: string): string | null {
  const full = path.resolve(root, rel);
  return full.startsWith(root + path.sep) ? full : null;
}

async function sendFile(root: string, rel: string): Promise<Response | null> {
  const full = inside(root, rel);
  const type = full ? TYPES[path.extname(full)] : undefined;
  if (!full || !type) return null;
  try {
    const bytes = await readFile(full);
    return new Response(bytes, {
      headers: {
        'Content-Type': type,
        'Cache-Control': 'public, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch {
    return null;
  }
}

/** The request path after `prefix`, %-decoded once; null when it does not start so or does not decode. */
function pathAfter(url: string, prefix: string): string | null {
  const raw = new URL(url).pathname;
  if (!raw.startsWith(prefix)) return null;
  try {
    return decodeURIComponent(raw.slice(prefix.length));
  } catch {
    return null;
  }
}

export function registerAssets(app: Hono<AppEnv>): void {
  app.get('/assets/vendor/:pkg/*', async (c) => {
    const [name, version] = c.req.param('pkg').split('@');
    const vendor = name === 'leaflet' ? VENDOR.leaflet : name === 'uplot' ? VENDOR.uplot : null;
    if (!vendor || version !== vendor.version) return c.notFound();
    const rel = pathAfter(c.req.url, `/assets/vendor/${c.req.param('pkg')}/`);
    return (rel !== null && (await sendFile(vendor.dir, rel))) || c.notFound();
  });
  app.get('/assets/*', async (c) => {
    const rel = pathAfter(c.req.url, '/assets/');
    return (rel !== null && (await sendFile(OWN_DIR, rel))) || c.notFound();
  });
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'Cache-Control': 'public, max-age=86400' }));
  // A plain grid: the track stays readable without any tile server.
  app.get('/tiles/:z/:x/:y', (c) => {
    const label = `${c.req.param('z')}/${c.req.param('x')}/${c.req.param('y')}`.replace(/[^0-9/]/g, '');
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#eef1f4"/>` +
      `<path d="M0 .5H256M.5 0V256M0 128H256M128 0V256" stroke="#d3d9e0" stroke-width="1"/>` +
      `<text x="6" y="16" font-size="10" font-family="sans-serif" fill="#a8b0ba">${label}</text></svg>`;
    return c.body(svg, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' });
  });
}
