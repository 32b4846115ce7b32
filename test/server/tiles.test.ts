// Issue 16 item 10: a map tile server can be configured (config and env). The
// daemon's workout page then points Leaflet at it with its credit and the
// content security policy allows that origin's images and no other; unset, the
// page keeps its own offline grid; a template without {z}/{x}/{y} or that is
// not http(s) is refused, naming the key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApp } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { startDaemon } from '../../src/daemon.js';
import { silentLogger } from '../../src/observability/index.js';
import { gpsRun } from './workouts.js';

async function workoutPage(env: Record<string, string>): Promise<{ body: string; csp: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-tiles-'));
  const app = await openApp({ env, logger: silentLogger, flags: { dataDir } });
  try {
    const account = await app.store.saveAccount({ kind: 'files', label: 'fit folder', settings: { path: dataDir } });
    const { id } = await app.store.saveWorkout(account.id, gpsRun(1, '2026-10-01T07:00:00.000Z'));
    await app.store.ensureRecord(id, 'strava', 'bandsync-tiles-1');
    const daemon = await startDaemon(app, { host: '127.0.0.1', port: 0, work: false });
    try {
      const res = await fetch(new URL(`/workouts/${id}`, daemon.url!));
      expect(res.status).toBe(200);
      return { body: await res.text(), csp: res.headers.get('content-security-policy') ?? '' };
    } finally {
      await daemon.close();
    }
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('map tiles', () => {
  it('BANDSYNC_TILE_URL and BANDSYNC_TILE_ATTRIBUTION reach the map, and the CSP allows that origin', async () => {
    const { body, csp } = await workoutPage({
      BANDSYNC_TILE_URL: 'https://tiles.example.org/osm/{z}/{x}/{y}.png',
      BANDSYNC_TILE_ATTRIBUTION: '© OpenStreetMap contributors',
    });
    expect(body).toContain('data-tiles="https://tiles.example.org/osm/{z}/{x}/{y}.png"');
    expect(body).toContain('data-attribution="© OpenStreetMap contributors"');
    expect(csp).toMatch(/img-src 'self' data: https:\/\/tiles\.example\.org(;|$)/);
  }, 60_000);

  it('unset: the offline grid of the dashboard itself, and no outside image origin', async () => {
    const { body, csp } = await workoutPage({});
    expect(body).toContain('data-tiles="/tiles/{z}/{x}/{y}.svg"');
    expect(csp).toMatch(/img-src 'self' data:(;|$)/);
  }, 60_000);

  it('refuses a template that is not http(s) or lacks {z}, {x} or {y}, naming the key', () => {
    expect(() => loadConfig({ env: { BANDSYNC_TILE_URL: 'https://tiles.example.org/{z}/{x}.png' } })).toThrow(
      /tileUrl.*must contain \{z\}, \{x\} and \{y\}/s,
    );
    expect(() => loadConfig({ env: { BANDSYNC_TILE_URL: 'javascript:alert(1)//{z}{x}{y}' } })).toThrow(
      /tileUrl.*must be an http\(s\) URL/s,
    );
    expect(loadConfig({ env: { BANDSYNC_TILE_URL: 'http://127.0.0.1:8080/{z}/{x}/{y}.png' } }).tileUrl).toBe(
      'http://127.0.0.1:8080/{z}/{x}/{y}.png',
    );
  });
});
