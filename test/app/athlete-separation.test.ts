// Separation between athletes (issue 18 item 6), through the use cases the
// CLI, the local API and the dashboard share: as a second athlete, every
// action on the first athlete's workouts finds nothing, and nothing of the
// first athlete changes. A real store (PGlite) and the composed app.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/compose.js';
import type { AppContext } from '../../src/app/context.js';
import { silentLogger } from '../../src/observability/index.js';
import { retryWorkout, skipWorkout } from '../../src/app/workout-actions.js';
import { exportWorkout, remoteNumbers } from '../../src/app/workout-view.js';
import { exportAll } from '../../src/app/export-all.js';
import { buildStatusReport } from '../../src/app/status.js';
import { sendOneNow } from '../../src/app/upload-now.js';
import { makeWorkout } from '../store/helpers.js';

describe('one athlete reaches nothing of another', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bandsync-separation-'));
  let app: App;
  let ann: AppContext;
  let bob: AppContext;
  const annIds: string[] = [];

  beforeAll(async () => {
    app = await openApp({ env: { BANDSYNC_DATA_DIR: join(dir, 'data') }, logger: silentLogger });
    ann = await app.forAthlete(await app.athletes.add('ann'));
    bob = await app.forAthlete(await app.athletes.add('bob'));
    const files = await ann.store.saveAccount({ kind: 'files', label: 'ann files', settings: { path: '/srv/ann' } });
    for (let i = 0; i < 2; i++) {
      const w = await ann.store.saveWorkout(files.id, makeWorkout(`ann-${i}`, `2026-03-0${i + 1}T07:00:00.000Z`));
      await ann.store.ensureRecord(w.id, 'strava', `bandsync-${w.id}`);
      await ann.store.transition({
        workoutId: w.id,
        destination: 'strava',
        from: ['discovered'],
        to: 'failed',
        patch: { code: 'strava_unavailable' },
        reason: 'test',
      });
      annIds.push(w.id);
    }
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds none of her workouts, log entries or accounts', async () => {
    for (const id of annIds) {
      await expect(retryWorkout(bob.deps, id)).rejects.toThrow();
      await expect(skipWorkout(bob.deps, id, 'not mine')).rejects.toThrow();
      await expect(exportWorkout(bob, id, 'fit')).rejects.toThrow(`No workout ${id}`);
      expect(await remoteNumbers(bob, id)).toBeNull();
      expect(await bob.store.listLedger({ workoutId: id })).toEqual([]);
      await sendOneNow(bob, id); // nothing of bob's to send: no request, no change
    }
    const out = join(dir, 'bob-export');
    mkdirSync(out);
    expect(await exportAll(bob, out)).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.fit'))).toEqual([]);
    const status = await buildStatusReport(
      { store: bob.store, budget: app.budget, now: new Date() },
      { dataDir: dir, database: 'pglite' },
    );
    expect(status).toMatchObject({ accounts: [], workouts: {}, needsUser: [] });
    expect(await bob.store.listAccounts()).toEqual([]);
    expect(await bob.store.ledgerEvents()).toEqual([]);
  });

  it('left every one of her records as it was', async () => {
    for (const id of annIds) expect(await ann.store.getRecord(id, 'strava')).toMatchObject({ state: 'failed' });
    expect((await ann.store.listLedger({})).filter((e) => e.toState === 'skipped')).toEqual([]);
    // Her own actions still work.
    expect(await skipWorkout(ann.deps, annIds[0]!, 'mine')).toMatchObject({ state: 'skipped' });
    expect((await exportWorkout(ann, annIds[1]!, 'fit')).length).toBeGreaterThan(0);
  });
});
