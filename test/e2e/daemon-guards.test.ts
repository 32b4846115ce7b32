// Issue 14 item 7 on the daemon's own routes: the loopback Host check covers
// /healthz, /readyz, /metrics and the local API, not only the dashboard pages;
// and /metrics needs the metrics token or a logged-in session once the
// dashboard is reachable from the network.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { readDaemonFile } from '../../src/local-api/discovery.js';
import { silentLogger } from '../../src/observability/index.js';
import { Client } from '../server/harness.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

function get(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the daemon guards every route it serves', () => {
  let dataDir: string;
  let app: App;
  let daemon: RunningDaemon | null = null;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bandsync-guards-'));
    app = await openApp({ env: {}, logger: silentLogger, flags: { dataDir, metricsToken: METRICS_TOKEN } });
  }, 120_000);
  afterAll(async () => {
    await daemon?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('on loopback, a foreign Host gets 421 on health, metrics and the local API too', async () => {
    daemon = await startDaemon(app, { port: 0, host: '127.0.0.1', work: false });
    const { token } = readDaemonFile(dataDir)!;
    const auth = { authorization: `Bearer ${token}` };
    for (const path of ['/healthz', '/readyz', '/metrics', '/api/local/status', '/']) {
      const url = new URL(path, daemon.url!).toString();
      expect(await get(url, { host: 'attacker.example', ...auth }), path).toBe(421);
      expect(await get(url, { host: 'attacker.example:8377', ...auth }), path).toBe(421);
      expect(await get(url, { host: new URL(daemon.url!).host, ...auth }), path).toBeLessThan(400);
    }
    await daemon.close();
    daemon = null;
  }, 60_000);

  it('reachable from the network, /metrics needs the token or a logged-in session', async () => {
    daemon = await startDaemon(app, { port: 0, host: '0.0.0.0', work: false, password: 'correct horse battery' });
    const base = daemon.url!.replace('0.0.0.0', '127.0.0.1').replace(/\/$/, '');
    const metrics = new URL('/metrics', base).toString();
    expect(await get(metrics, {})).toBe(401);
    expect(await get(metrics, { authorization: 'Bearer wrong-token-0123456789abcdef' })).toBe(401);
    const scraped = await fetch(metrics, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^# TYPE bandsync_uploads_total counter$/m);

    const owner = new Client(base);
    const csrf = await owner.csrf('/login');
    expect((await owner.get('/metrics')).status).toBe(401); // an anonymous session is not enough
    expect((await owner.post('/login', { _csrf: csrf, password: 'correct horse battery' })).status).toBe(303);
    const viaSession = await owner.get('/metrics');
    expect(viaSession.status).toBe(200);
    expect(await viaSession.text()).toMatch(/^bandsync_strava_requests_left\{/m);
  }, 60_000);
});
