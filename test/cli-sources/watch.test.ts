// `bandsync watch DIR` through the real CLI: a FIT file copied in slowly (in
// chunks, as a phone sync or a network copy writes it) is read only after it
// has stopped growing, goes to the Strava simulator once, and the watcher
// stops cleanly on SIGTERM. If it read the file half-written, the import
// would report it as truncated (✗) instead of uploading it. Like the daemon's
// watched folder, the folder is one account and files already there count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES, startCli, startCliWorld, type CliWorld } from './cli-world.js';

const FENIX_START = Date.parse('2017-06-11T14:34:09Z'); // fitparse session start_time (test/fixtures/corpus/expected.json)
const WAHOO_START = Date.parse('2022-04-24T20:54:33Z'); // gpxpy start_time (test/fixtures/corpus/expected.json)
const SETTLE_MS = 2500;
const CHUNK_GAP_MS = 400; // well under the settle time, so the file never looks finished mid-copy

describe('bandsync watch (real CLI, Strava simulator on loopback)', () => {
  let w: CliWorld;
  beforeAll(async () => {
    w = await startCliWorld('cli-watch');
  }, 300_000);
  afterAll(async () => {
    await w?.close();
  });

  it('uploads a slowly written file once, after its last chunk, and stops on SIGTERM', async () => {
    const inbox = path.join(w.dir, 'inbox');
    await mkdir(inbox);
    // Already there when watching starts (dropped while nobody watched): imported too.
    await copyFile(path.join(FIXTURES, 'wahoo_example.gpx'), path.join(inbox, 'old.gpx'));
    const watch = startCli(['watch', inbox, '--settle', String(SETTLE_MS)], w.env);
    try {
      await watch.waitFor(/Watching /, 'stderr');
      await watch.waitFor(/old\.gpx: 1 uploaded/, 'stdout', 150_000);
      const bytes = await readFile(path.join(FIXTURES, 'garmin-fenix-5-run.fit'));
      const target = path.join(inbox, 'fenix.fit');
      const chunk = Math.ceil(bytes.length / 6);
      for (let at = 0; at < bytes.length; at += chunk) {
        await appendFile(target, bytes.subarray(at, at + chunk));
        await new Promise((r) => setTimeout(r, CHUNK_GAP_MS));
        // Mid-copy: nothing read, nothing sent.
        if (at + chunk < bytes.length) expect(w.strava.control.uploads()).toHaveLength(1);
      }
      const lastWriteMs = Date.now() - CHUNK_GAP_MS;
      await watch.waitFor(/fenix\.fit: \d+ uploaded/, 'stdout', 150_000);

      expect(watch.stdout()).toContain(`${target}: 1 uploaded`);
      expect(watch.stdout()).not.toContain('✗');
      const uploads = w.strava.control
        .requests()
        .filter((r) => r.method === 'POST' && r.url.startsWith('/api/v3/uploads'));
      expect(uploads).toHaveLength(2);
      expect(Date.parse(uploads[1]!.at)).toBeGreaterThanOrEqual(lastWriteMs);
      expect(
        w.strava.control
          .activities()
          .map((a) => a.startMs)
          .sort(),
      ).toEqual([FENIX_START, WAHOO_START].sort());

      // A damaged file is reported against itself; the folder stays one account.
      await appendFile(path.join(inbox, 'broken.fit'), bytes.subarray(0, 200));
      await watch.waitFor(/broken\.fit: 0 uploaded, 0 already on Strava, ✗ /, 'stdout', 150_000);
      expect(watch.stdout()).not.toMatch(/fenix\.fit: .*✗/);

      watch.child.kill('SIGTERM');
      const exit = await watch.exited(60_000);
      expect(exit, watch.stderr()).toEqual({ code: 0, signal: null });
    } finally {
      if (watch.child.exitCode === null) watch.child.kill('SIGKILL');
    }
    // The data dir was released, and the workout is stored as synced.
    const status = await w.status();
    expect(status.workouts).toMatchObject({ synced: 2, failed: 1 });
    expect((status.accounts as { kind: string }[]).filter((a) => a.kind === 'files')).toHaveLength(1);
    expect(w.strava.control.uploads()).toHaveLength(2);
  }, 300_000);
});
