// --athlete through a running daemon (issue 18): the local API answers for the
// named athlete only (status, log, skip, retry), refuses an unknown name, and
// without a name answers as before. In-process daemon (dashboard and local
// API, no workers) on a PGlite data dir with two athletes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { localApiClient } from '../../src/local-api/client.js';
import { readDaemonFile } from '../../src/local-api/discovery.js';
import { silentLogger } from '../../src/observability/index.js';
import { makeWorkout } from '../store/helpers.js';

describe('the local API for one athlete', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bandsync-local-athletes-'));
  const dataDir = join(dir, 'data');
  let app: App;
  let daemon: RunningDaemon;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await openApp({ env: { BANDSYNC_DATA_DIR: dataDir }, logger: silentLogger });
    for (const name of ['ann', 'bob']) {
      const own = await app.forAthlete(await app.athletes.add(name));
      const files = await own.store.saveAccount({
        kind: 'files',
        label: `${name} files`,
        settings: { path: `/srv/${name}` },
      });
      const w = await own.store.saveWorkout(files.id, makeWorkout(`${name}-1`, '2026-03-01T07:00:00.000Z'));
      await own.store.ensureRecord(w.id, 'strava', `bandsync-${w.id}`);
      await own.store.transition({
        workoutId: w.id,
        destination: 'strava',
        from: ['discovered'],
        to: 'fetched',
        reason: 'test',
      });
      ids[name] = w.id;
    }
    daemon = await startDaemon(app, { port: 0, host: '127.0.0.1', work: false });
  }, 60_000);
  afterAll(async () => {
    await daemon?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = (athlete?: string) => localApiClient(readDaemonFile(dataDir)!, athlete);

  it('answers status and log for the named athlete only', async () => {
    const bob = await api('bob').status();
    expect(bob.accounts.map((a) => a.label)).toEqual(['bob files']);
    expect(bob.workouts).toEqual({ fetched: 1 });
    expect((await api('bob').log({ limit: 100 })).map((e) => e.workoutId)).toEqual([ids.bob, ids.bob]);
    // No name: the administrator's view of both.
    expect((await api().status()).workouts).toEqual({ fetched: 2 });
    await expect(api('carol').status()).rejects.toThrow('no athlete named "carol": the athletes are ann, bob');
  });

  it("acts on the named athlete's workouts only", async () => {
    await expect(api('bob').skip(ids.ann!, 'not mine')).rejects.toThrow();
    expect(
      (await app.athletes.scoped((await app.athletes.byName('ann'))!.id).getRecord(ids.ann!, 'strava'))?.state,
    ).toBe('fetched');
    expect(await api('ann').skip(ids.ann!, 'mine')).toMatchObject({ state: 'skipped' });
    expect(await api('ann').retry(ids.ann!)).toMatchObject({ state: 'fetched' });
  });
});
