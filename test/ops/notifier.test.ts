import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, problemFromRecord } from '../../src/observability/notifier.js';
import type { SyncRecord } from '../../src/sync/ports.js';

// The dedup memory is the store's key/value settings; this map-backed copy
// stands in until the real store is wired (the notifier only needs get/set).
function settingsStore() {
  const m = new Map<string, string>();
  return {
    getSetting: async <T>(k: string) => (m.has(k) ? (JSON.parse(m.get(k)!) as T) : null),
    setSetting: async (k: string, v: unknown) => void m.set(k, JSON.stringify(v)),
  };
}

let received: { body: Record<string, unknown>; contentType: string | null }[] = [];
let failNext = 0;
let server: ReturnType<typeof serve>;
let webhookUrl = '';

// A minimal SMTP receiver (RFC 5321 happy path) so nodemailer talks to a real socket.
const mails: string[] = [];
const smtp = net.createServer((socket) => {
  let data = false;
  let buffer = '';
  socket.write('220 test ESMTP\r\n');
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let idx: number;
    while (true) {
      if (data) {
        idx = buffer.indexOf('\r\n.\r\n');
        if (idx < 0) return;
        mails.push(buffer.slice(0, idx));
        buffer = buffer.slice(idx + 5);
        data = false;
        socket.write('250 OK queued\r\n');
        continue;
      }
      idx = buffer.indexOf('\r\n');
      if (idx < 0) return;
      const cmd = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const verb = cmd.slice(0, 4).toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') socket.write('250-test\r\n250 8BITMIME\r\n');
      else if (verb === 'DATA') {
        data = true;
        socket.write('354 go ahead\r\n');
      } else if (verb === 'QUIT') {
        socket.end('221 bye\r\n');
        return;
      } else socket.write('250 OK\r\n');
    }
  });
});
let smtpPort = 0;

beforeAll(async () => {
  const app = new Hono().post('/hook', async (c) => {
    if (failNext > 0) {
      failNext--;
      return c.text('nope', 503);
    }
    received.push({ body: await c.req.json(), contentType: c.req.header('content-type') ?? null });
    return c.body(null, 204);
  });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      webhookUrl = `http://127.0.0.1:${info.port}/hook`;
      resolve();
    });
  });
  await new Promise<void>((resolve) =>
    smtp.listen(0, '127.0.0.1', () => {
      smtpPort = (smtp.address() as AddressInfo).port;
      resolve();
    }),
  );
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await new Promise((r) => smtp.close(r));
});

describe('notifier', () => {
  it('sends once per (subject, code) across retries and restarts, again after resolve', async () => {
    received = [];
    const store = settingsStore();
    const n1 = createNotifier({ webhookUrl, store });
    const p = {
      subject: 'acc-1',
      code: 'zepp_token_expired',
      message: 'Zepp said 401 for apptoken=SECRETAPPTOKEN123',
      accountId: 'acc-1',
    };
    expect((await n1.problem(p)).sent).toBe(true);
    expect((await n1.problem(p)).sent).toBe(false);
    // a restarted process (new notifier, same store) remembers
    const n2 = createNotifier({ webhookUrl, store });
    expect((await n2.problem(p)).sent).toBe(false);
    // another code for the same subject is another problem
    expect((await n2.problem({ ...p, code: 'zepp_region_wrong' })).sent).toBe(true);
    expect(received).toHaveLength(2);
    expect(received[0]!.contentType).toBe('application/json');
    expect(received[0]!.body).toMatchObject({
      event: 'problem',
      subject: 'acc-1',
      code: 'zepp_token_expired',
      accountId: 'acc-1',
    });
    expect(String(received[0]!.body.fix)).toContain('bandsync connect zepp');
    expect(JSON.stringify(received)).not.toContain('SECRETAPPTOKEN123');

    await n2.resolved('acc-1', 'zepp_token_expired');
    expect((await n2.open()).map((o) => o.code)).toEqual(['zepp_region_wrong']);
    expect((await n2.problem(p)).sent).toBe(true);
    expect(received).toHaveLength(3);
  });

  it('retries delivery later when the webhook fails instead of forgetting the problem', async () => {
    received = [];
    failNext = 1;
    const n = createNotifier({ webhookUrl, store: settingsStore() });
    const p = { subject: 'destination:strava', code: 'strava_auth_revoked', message: 'revoked' };
    const first = await n.problem(p);
    expect(first.sent).toBe(false);
    expect(first.errors[0]).toMatch(/HTTP 503/);
    expect((await n.problem(p)).sent).toBe(true);
    expect((await n.problem(p)).sent).toBe(false);
    expect(received).toHaveLength(1);
  });

  it('sends e-mail over SMTP', async () => {
    mails.length = 0;
    const n = createNotifier({
      store: settingsStore(),
      email: { host: '127.0.0.1', port: smtpPort, secure: false, from: 'bandsync@home.lan', to: 'me@home.lan' },
    });
    const r = await n.problem({ subject: 'w-7', code: 'strava_hr_consent', message: 'Strava dropped HR for w-7' });
    expect(r).toMatchObject({ sent: true, channels: ['email'] });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/^Subject: bandsync: strava_hr_consent/m);
    expect(mails[0]).toContain('Strava dropped HR for w-7');
    expect(mails[0]).toMatch(/To: me@home\.lan/);
  });
});

describe('problemFromRecord', () => {
  const base: SyncRecord = {
    workoutId: 'w1',
    destination: 'strava',
    state: 'failed',
    code: 'strava_unavailable',
    externalId: 'x',
    uploadId: null,
    activityId: null,
    attempts: 1,
    lastError: '503',
    nextAttemptAt: null,
    updatedAt: '2026-01-01T00:00:00Z',
  };
  it('ignores a retryable failure until it repeats', () => {
    expect(problemFromRecord(base, 3)).toBeNull();
    expect(problemFromRecord({ ...base, attempts: 3, code: 'strava_upload_lost' }, 3)).toMatchObject({
      subject: 'w1',
      code: 'strava_upload_lost',
    });
    // Strava being down is one problem, not one per workout
    expect(problemFromRecord({ ...base, attempts: 3 }, 3)).toMatchObject({
      subject: 'destination:strava',
      code: 'strava_unavailable',
    });
  });
  it('groups destination problems into one subject', () => {
    const a = problemFromRecord({ ...base, state: 'needs_user', code: 'strava_auth_revoked' }, 3);
    const b = problemFromRecord({ ...base, workoutId: 'w2', state: 'needs_user', code: 'strava_auth_revoked' }, 3);
    expect(a!.subject).toBe('destination:strava');
    expect(b!.subject).toBe(a!.subject);
  });
  it('ignores healthy records', () => {
    expect(problemFromRecord({ ...base, state: 'synced', code: null }, 3)).toBeNull();
  });
});
