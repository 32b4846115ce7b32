import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createRedactor, REDACTED } from '../../src/observability/redact.js';

function sink(isTTY = false) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    }),
    { isTTY },
  );
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes JSON lines when the stream is not a TTY, with child fields', () => {
    const s = sink(false);
    const log = createLogger({ stream: s.stream, level: 'info', now: () => new Date('2026-01-02T03:04:05.678Z') });
    const job = log.child({ jobId: 'j-1' }).child({ requestId: 'r-9' });
    job.info('uploaded', { workoutId: 'w1', attempt: 2 });
    job.debug('not shown');
    const [line, ...rest] = s.lines();
    expect(rest).toEqual([]);
    expect(JSON.parse(line!)).toEqual({
      time: '2026-01-02T03:04:05.678Z',
      level: 'info',
      msg: 'uploaded',
      jobId: 'j-1',
      requestId: 'r-9',
      workoutId: 'w1',
      attempt: 2,
    });
  });

  it('writes a readable line on a TTY', () => {
    const s = sink(true);
    createLogger({ stream: s.stream, now: () => new Date('2026-01-02T03:04:05.678Z') }).warn('slow down', {
      code: 'strava_rate_limited',
    });
    expect(s.lines()).toEqual(['03:04:05.678 WARN  slow down  code=strava_rate_limited']);
  });

  it('respects the level', () => {
    const s = sink();
    const log = createLogger({ stream: s.stream, level: 'warn' });
    log.info('a');
    log.warn('b');
    log.error('c');
    expect(s.lines().map((l) => JSON.parse(l).msg)).toEqual(['b', 'c']);
  });
});

describe('redaction', () => {
  const secrets = {
    access: 'a1b2c3d4e5f6access',
    refresh: 'r9r8r7r6refresh',
    client: 'cl1entS3cretValue',
    pw: 'hunter2pw!',
    app: 'APPTOKEN-xyz-123456',
  };

  it('removes registered secret values and token-looking fields from messages and fields', () => {
    const s = sink();
    const redactor = createRedactor([secrets.client]);
    const log = createLogger({ stream: s.stream, redactor }).child({ requestId: 'r1' });
    redactor.addSecret(secrets.access);
    log.info(`token exchange sent client_secret=${secrets.client}&code=abc123 got ${secrets.access}`);
    log.error('refresh failed', {
      response: {
        access_token: secrets.access,
        refresh_token: secrets.refresh,
        expires_at: 1700000000,
        token_type: 'Bearer',
      },
      headers: { Authorization: `Bearer ${secrets.refresh}`, 'content-type': 'application/json' },
      body: `{"refresh_token":"${secrets.refresh}","password":"${secrets.pw}"}`,
      url: `https://api.local/login?apptoken=${secrets.app}&x=1`,
      db: `postgres://bandsync:${secrets.pw}@db.lan/bs`,
      err: new Error(`login with password=${secrets.pw} failed`),
      login: { password: secrets.pw, apptoken: secrets.app, email: 'me@example.com', hasToken: true },
      code: 'strava_auth_revoked',
    });
    const out = s.lines().join('\n');
    for (const v of Object.values(secrets)) expect(out, v).not.toContain(v);
    expect(out).not.toContain('abc123');
    const second = JSON.parse(s.lines()[1]!);
    expect(second.response.expires_at).toBe(1700000000);
    expect(second.headers.Authorization).toBe(REDACTED);
    expect(second.headers['content-type']).toBe('application/json');
    expect(second.login.email).toBe('me@example.com');
    expect(second.login.hasToken).toBe(true);
    expect(second.code).toBe('strava_auth_revoked');
    expect(second.db).toContain('@db.lan/bs');
    expect(second.err.message).toContain('login with password=');
  });

  it('takes secrets directly (e.g. from the config)', () => {
    const s = sink();
    createLogger({ stream: s.stream, secrets: ['my-client-secret-42'] }).info('sent my-client-secret-42 to strava');
    expect(JSON.parse(s.lines()[0]!).msg).toBe(`sent ${REDACTED} to strava`);
  });

  it('catches URL-encoded and base64 forms of a registered secret', () => {
    const r = createRedactor(['p@ss w/rd']);
    expect(r.redact(`q=${encodeURIComponent('p@ss w/rd')} h=${Buffer.from('p@ss w/rd').toString('base64')}`)).toBe(
      `q=${REDACTED} h=${REDACTED}`,
    );
  });
});
