// The local API's own rules, on the Hono app: token, request validation, and a
// dashboard-only process (`bandsync serve`) that refuses to sync.
import { describe, expect, it } from 'vitest';
import { localApiRoutes, type LocalApiDeps } from '../../src/local-api/routes.js';

const token = 'secret-local-token';
const started: unknown[] = [];
const api = (startSync: LocalApiDeps['startSync']) =>
  localApiRoutes({
    token,
    app: {} as LocalApiDeps['app'],
    where: () => ({ dataDir: '/data', database: 'pglite', daemonPid: 4242, dashboard: 'http://127.0.0.1:1/' }),
    startSync,
  });
const post = (body: unknown, auth = `Bearer ${token}`) => ({
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('local API', () => {
  it('starts a requested sync in the background and answers 202', async () => {
    const r = await api((o) => started.push(o)).request(
      '/sync',
      post({ all: true, since: '2025-01-01T00:00:00.000Z' }),
    );
    expect(r.status).toBe(202);
    expect(started).toEqual([{ all: true, since: '2025-01-01T00:00:00.000Z' }]);
  });

  it('a dashboard-only process refuses to sync and says what to run', async () => {
    const r = await api(null).request('/sync', post({}));
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: string }).error).toMatch(
      /only serves the dashboard \(bandsync serve, pid 4242\).*bandsync daemon/,
    );
  });

  it('names the bad field of a malformed request', async () => {
    const r = await api(() => {}).request('/sync', post({ since: 'last tuesday', force: 1 }));
    expect(r.status).toBe(400);
    const { error } = (await r.json()) as { error: string };
    expect(error).toMatch(/since/);
    expect(error).toMatch(/force/);
  });

  it('refuses a missing or wrong token before doing anything', async () => {
    const before = started.length;
    expect((await api((o) => started.push(o)).request('/sync', post({}, 'Bearer nope'))).status).toBe(401);
    expect((await api((o) => started.push(o)).request('/sync', post({}, ''))).status).toBe(401);
    expect(started.length).toBe(before);
  });
});
