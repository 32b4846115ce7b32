// Issue 14 item 7: a malformed request is the client's mistake, answered with
// a clean 4xx and never a 500 — a bad Origin, broken %-escapes, control
// characters, unreadable form bodies — on every route of the dashboard.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startHarness, type Harness } from './harness.js';
import { seedAccounts, seedWorkouts } from './seed.js';

/** Raw HTTP, so the path and headers go out exactly as written (fetch would normalise them). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = http.request({ hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('malformed requests get a 4xx, never a 500', () => {
  let h: Harness;
  let id: string;
  let cookie: string;
  let csrf: string;
  beforeAll(async () => {
    h = await startHarness();
    const { zepp } = await seedAccounts(h.opened.store);
    id = (await seedWorkouts(h.opened.store, zepp.id, 1))[0]!.id;
    const c = new Client(h.url);
    csrf = await c.csrf();
    cookie = c.cookie;
  });
  afterAll(() => h.close());

  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    raw(h.url, method, path, { cookie, ...headers }, body);

  it('an Origin that is not a URL is refused as cross-site (403), not a crash', async () => {
    for (const origin of ['notaurl', 'http://', '://x', 'http://[::1']) {
      const res = await send(
        'POST',
        `/workouts/${id}/skip`,
        { origin, 'content-type': 'application/x-www-form-urlencoded' },
        `_csrf=${csrf}`,
      );
      expect(res.status, origin).toBe(403);
      expect(res.text).toContain('Cross-site request refused');
    }
    expect((await h.opened.store.getRecord(id, 'strava'))?.state).toBe('discovered');
  });

  it('a broken %-escape or a control character in the address is a 400', async () => {
    for (const path of [
      '/assets/%E0%A4%A',
      '/assets/app.css%',
      '/assets/vendor/leaflet@1.9.4/%ZZleaflet.css',
      `/workouts/${id}%`,
      '/workouts/%00',
      '/workouts/a%0Ab',
      '/connect/%FF/disconnect',
    ]) {
      const res = await send('GET', path);
      expect(res.status, path).toBe(400);
    }
    expect((await send('GET', '/workouts?state=%00')).status).toBe(400);
    expect((await send('GET', '/workouts?q%00=1')).status).toBe(400);
  });

  it('a form body that cannot be read, or carries a NUL, is a 400', async () => {
    const post = (type: string, body: string) =>
      send('POST', '/settings', { 'content-type': type, 'x-csrf-token': csrf }, body);
    expect((await post('multipart/form-data', 'no boundary at all')).status).toBe(400);
    expect((await post('multipart/form-data; boundary=XYZ', '--XYZ\r\ngarbage without headers')).status).toBe(400);
    const nul = await post('application/x-www-form-urlencoded', 'deviceName=a%00b&pollIntervalSeconds=900');
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('NUL');
  });

  it('every route answers below 500 to a battery of malformed inputs', async () => {
    const bad = ['%E0%A4%A', '%00', '%', 'x'.repeat(4000), '..%2F..%2Fetc%2Fpasswd', '%C0%AE%C0%AE', '%F0%9F%92'];
    const gets = [
      '/',
      '/workouts',
      '/workouts/:id',
      '/workouts/:id/data.json',
      '/workouts/:id/export/:id',
      '/connect',
      '/connect/:id/disconnect',
      '/connect/strava/callback',
      '/settings',
      '/backfill',
      '/login',
      '/assets/:id',
      '/tiles/:id/:id/:id',
    ];
    const queries = ['?state=%ZZ', '?page=-1', '?page=1e999', '?since=notadate&until=%', '?code=%&state=%E0', '?a=%00'];
    const posts = [
      '/workouts/:id/retry',
      '/workouts/:id/:id',
      '/connect/zepp',
      '/connect/local',
      '/connect/export',
      '/connect/:id/disconnect',
      '/settings',
      '/settings/preview',
      '/backfill/plan',
      '/backfill/start',
      '/login',
    ];
    const bodies: [string, string][] = [
      ['application/x-www-form-urlencoded', '%%%=&&=%ZZ&_x=%E0%A4%A'],
      ['application/x-www-form-urlencoded', 'from=9999-99-99&to=-1&method=%00'],
      ['multipart/form-data', '--'],
      ['multipart/form-data; boundary=B', '--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--'],
      ['application/json', '{"not": "a form"'],
      ['text/plain', '\u0000\u0001'],
    ];
    const seen: string[] = [];
    const check = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
      const res = await send(method, path, headers, body);
      seen.push(`${res.status} ${method} ${path.slice(0, 80)}`);
      expect(res.status, `${method} ${path} ${JSON.stringify(headers)} ${body ?? ''}`).toBeLessThan(500);
    };
    for (const route of gets) {
      for (const value of [...bad, id]) await check('GET', route.replaceAll(':id', value));
      for (const q of queries) await check('GET', route.replaceAll(':id', id) + q);
    }
    for (const route of posts) {
      for (const value of [...bad, id]) {
        const path = route.replaceAll(':id', value);
        for (const [type, body] of bodies)
          await check('POST', path, { 'content-type': type, 'x-csrf-token': csrf }, body);
      }
    }
    // The battery reached the pages, not only the guards.
    expect(seen.filter((s) => /^2\d\d /.test(s)).length).toBeGreaterThan(20);
    expect(seen.filter((s) => /^400 /.test(s)).length).toBeGreaterThan(50);
  }, 120_000);
});
