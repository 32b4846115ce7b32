// F1 and issue 9's endpoints: the daemon picks up a workout that appears in
// the source and it reaches Strava with no user action; /healthz, /readyz and
// /metrics answer; history recorded before connecting is not uploaded unasked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder, Stream } from '@garmin/fitsdk';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { startWorld, type World } from '../helpers/world.js';
import { until } from '../helpers/until.js';
import { runCli } from '../helpers/cli.js';

describe('bandsync daemon', () => {
  let world: World;
  let daemon: RunningDaemon;
  beforeAll(async () => {
    world = await startWorld({ zepp: { seed: 21, workouts: 4, years: 1 } });
    daemon = await startDaemon(world.app, { port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(async () => {
    await daemon?.close();
    await world?.close();
  });

  it('answers health, readiness and Prometheus metrics', async () => {
    expect((await fetch(new URL('/healthz', daemon.url!))).status).toBe(200);
    const ready = await fetch(new URL('/readyz', daemon.url!));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
    const metrics = await fetch(new URL('/metrics', daemon.url!));
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE bandsync_uploads_total counter$/m);
    expect(text).toMatch(/^bandsync_strava_requests_left\{/m);
  });

  it('uploads a new workout automatically, but not the history recorded before connecting', async () => {
    const { zepp, strava } = world;
    // The daemon's first poll has stored the 4 historic workouts without uploading them.
    await until('the first poll', async () => (await world.app.store.countByState('strava')).fetched === 4);
    expect(strava.control.uploads()).toHaveLength(0);

    // A run recorded after connecting (three hours later), which just ended.
    world.clock.advance(3 * 3600_000);
    const fresh = zepp.control.addWorkout('run');
    await daemon.pollNow();
    const upload = await until('the new workout on Strava', async () => strava.control.uploads()[0]);
    const session = new Decoder(Stream.fromByteArray(Array.from(upload.bytes))).read({ convertDateTimesToDates: true })
      .messages.sessionMesgs![0]!;
    expect((session.startTime as Date).toISOString().replace('.000Z', 'Z')).toBe(fresh.startTime);
    await until('the upload confirmed', async () => (await world.app.store.countByState('strava')).synced === 1);
    expect(strava.control.uploads()).toHaveLength(1);

    const metrics = await (await fetch(new URL('/metrics', daemon.url!))).text();
    expect(metrics).toMatch(/^bandsync_uploads_total 1$/m);
    expect(metrics).toMatch(/^bandsync_workouts\{state="synced"\} 1$/m);
  }, 300_000);
});

describe('bandsync export-all', () => {
  it('writes every stored workout as a FIT file that decodes, plus an index', async () => {
    const world = await startWorld({ zepp: { seed: 4, workouts: 3, years: 1 } });
    const out = mkdtempSync(join(tmpdir(), 'bandsync-export-'));
    try {
      const { syncAll } = await import('../../src/sync/sync-all.js');
      await syncAll(world.app.deps, { all: true, wait: (u) => world.clock.wait(u) });
      await world.app.close();
      const r = await runCli(['export-all', out], { BANDSYNC_DATA_DIR: world.dataDir, BANDSYNC_SECRET_KEY: '' });
      expect(r.code, r.stderr).toBe(0);
      const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as {
        file: string;
        startTime: string;
        stravaActivityId: string | null;
      }[];
      expect(index.map((i) => i.startTime).sort()).toEqual(
        world.zepp
          .truth()
          .map((t) => t.startTime)
          .sort(),
      );
      expect(index.every((i) => i.stravaActivityId)).toBe(true);
      expect(readdirSync(out).filter((f) => f.endsWith('.fit'))).toHaveLength(3);
      for (const i of index) {
        const { errors } = new Decoder(Stream.fromByteArray(Array.from(readFileSync(join(out, i.file))))).read();
        expect(errors).toEqual([]);
      }
    } finally {
      await Promise.all([world.zepp.close(), world.strava.close()]);
      rmSync(world.dataDir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('bandsync daemon notifications', () => {
  it('sends one webhook message for an expired Zepp login, not one per poll', async () => {
    const received: { code?: string; subject?: string }[] = [];
    const { createServer } = await import('node:http');
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as { code?: string });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as { port: number }).port;
    const world = await startWorld({
      zepp: { seed: 9, workouts: 2, years: 1 },
      flags: { notify: { webhookUrl: `http://127.0.0.1:${port}/hook`, repeatedFailures: 3 } },
    });
    const daemon = await startDaemon(world.app, { port: 0, host: '127.0.0.1' });
    try {
      world.zepp.control.expireTokens();
      for (let i = 0; i < 3; i++) {
        await daemon.pollNow();
        await until(
          'the account marked',
          async () =>
            (await world.app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')?.status === 'needs_user',
        );
        await new Promise((r) => setTimeout(r, 500));
      }
      await until('the webhook', async () => received.length > 0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(received).toHaveLength(1);
      expect(JSON.stringify(received[0])).toContain('zepp_token_expired');
      expect(JSON.stringify(received[0])).not.toContain(world.zepp.credentials.appToken);
    } finally {
      await daemon.close();
      await world.close();
      hook.close();
    }
  }, 300_000);
});

describe('bandsync daemon watched folder', () => {
  it('uploads a FIT file dropped into watchDir once it has finished writing', async () => {
    const { copyFileSync, mkdtempSync: mk } = await import('node:fs');
    const dir = mk(join(tmpdir(), 'bandsync-watch-'));
    const world = await startWorld({ zepp: { seed: 2, workouts: 1, years: 1 }, flags: { watchDir: dir } });
    const daemon = await startDaemon(world.app, { port: 0, host: '127.0.0.1' });
    try {
      // A real third-party file (python-fitparse test data, MIT): a Fenix 5 run from 2017.
      copyFileSync(new URL('../fixtures/corpus/garmin-fenix-5-run.fit', import.meta.url), join(dir, 'run.fit'));
      const upload = await until('the dropped file on Strava', async () => world.strava.control.uploads()[0], 120_000);
      const session = new Decoder(Stream.fromByteArray(Array.from(upload.bytes))).read({
        convertDateTimesToDates: true,
      }).messages.sessionMesgs![0]!;
      expect((session.startTime as Date).toISOString()).toBe('2017-06-11T14:34:09.000Z');
      expect(session.totalDistance).toBeCloseTo(157.56, 0);
    } finally {
      await daemon.close();
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
