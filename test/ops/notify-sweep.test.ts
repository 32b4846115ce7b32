// The sweep on the real store (PostgreSQL schema): a revoked Strava account
// and many failing workouts make few messages, sent once, and again only after
// the problem was fixed and came back.
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/observability/notifier.js';
import { sweepProblems } from '../../src/observability/notify-sweep.js';
import { openStore, type OpenedStore } from '../../src/store/index.js';
import { TEST_DATABASE_URL, dropSchema, makeWorkout, tempDir, uniqueSchema } from '../store/helpers.js';

const schema = uniqueSchema('sweep');
const dir = tempDir('bandsync-sweep-');
let opened: OpenedStore;
let server: ReturnType<typeof serve>;
let url = '';
const received: { subject: string; code: string }[] = [];

beforeAll(async () => {
  opened = await openStore({
    dataDir: dir.path,
    databaseUrl: TEST_DATABASE_URL,
    schema,
    secretKey: randomBytes(32).toString('base64'),
  });
  const app = new Hono().post('/hook', async (c) => {
    received.push(await c.req.json());
    return c.body(null, 204);
  });
  await new Promise<void>((r) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (i) => {
      url = `http://127.0.0.1:${i.port}/hook`;
      r();
    });
  });
}, 120_000);
afterAll(async () => {
  await opened?.close();
  await new Promise((r) => server.close(r));
  await dropSchema(schema);
  dir.remove();
});

describe('sweepProblems', () => {
  it('notifies each problem once, resolves what went away, re-notifies a recurrence', async () => {
    const { store } = opened;
    const notifier = createNotifier({ webhookUrl: url, store });
    const zepp = await store.saveAccount({ kind: 'zepp-cloud', label: 'me', settings: {} });
    const strava = await store.saveAccount({ kind: 'strava', label: 'Strava', settings: {} });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const w = await store.saveWorkout(zepp.id, makeWorkout(`s${i}`, `2025-05-0${i + 1}T06:00:00.000Z`));
      await store.ensureRecord(w.id, 'strava', `ext-${i}`);
      ids.push(w.id);
    }
    // Strava revoked: every workout waits for the user, plus the account itself says so.
    await store.setAccountStatus(strava.id, 'needs_user', 'strava_auth_revoked');
    for (const id of ids.slice(0, 3)) {
      await store.transition({
        workoutId: id,
        destination: 'strava',
        from: ['discovered'],
        to: 'needs_user',
        patch: { code: 'strava_auth_revoked' },
        reason: 'test',
      });
    }
    // One workout's upload keeps getting lost (workout-scoped, retryable): only after 3 attempts.
    await store.transition({
      workoutId: ids[3]!,
      destination: 'strava',
      from: ['discovered'],
      to: 'failed',
      patch: { code: 'strava_upload_lost', attempts: 2 },
      reason: 'test',
    });

    const first = await sweepProblems({ store, notifier, repeatedFailures: 3 });
    expect(first).toEqual({ current: 1, sent: 1, resolved: 0 });
    expect(received.map((r) => [r.subject, r.code])).toEqual([['destination:strava', 'strava_auth_revoked']]);

    await store.transition({
      workoutId: ids[3]!,
      destination: 'strava',
      from: ['failed'],
      to: 'failed',
      patch: { code: 'strava_upload_lost', attempts: 3 },
      reason: 'test',
    });
    expect(await sweepProblems({ store, notifier, repeatedFailures: 3 })).toEqual({ current: 2, sent: 1, resolved: 0 });
    expect(await sweepProblems({ store, notifier, repeatedFailures: 3 })).toEqual({ current: 2, sent: 0, resolved: 0 });
    expect(received).toHaveLength(2);

    // The user reconnects Strava; the records are retried.
    await store.setAccountStatus(strava.id, 'ok', null);
    for (const id of ids.slice(0, 3))
      await store.transition({
        workoutId: id,
        destination: 'strava',
        from: ['needs_user'],
        to: 'discovered',
        reason: 'retry',
      });
    expect(await sweepProblems({ store, notifier, repeatedFailures: 3 })).toEqual({ current: 1, sent: 0, resolved: 1 });

    // Revoked again later: a new message.
    await store.setAccountStatus(strava.id, 'needs_user', 'strava_auth_revoked');
    expect(await sweepProblems({ store, notifier, repeatedFailures: 3 })).toMatchObject({ sent: 1 });
    expect(received.filter((r) => r.code === 'strava_auth_revoked')).toHaveLength(2);
  }, 120_000);
});
