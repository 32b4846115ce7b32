import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { appendFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchDirectory } from '../../../src/sources/files/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bandsync-watch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(20);
  }
}

describe('watchDirectory', () => {
  it('reports a new file once, only after it stopped growing; ignores old, junk and non-workout files', async () => {
    const root = path.join(dir, 'a');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await writeFile(path.join(root, 'old.fit'), 'was here before');
    const reports: { file: string; size: number }[] = [];
    const ac = new AbortController();
    const done = watchDirectory(
      root,
      async (file) => {
        reports.push({ file, size: (await stat(file)).size });
      },
      { signal: ac.signal, settleMs: 300, pollMs: 40 },
    );
    await sleep(100);

    const growing = path.join(root, 'sub', 'new.fit');
    await writeFile(growing, 'x'.repeat(100));
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      await appendFile(growing, 'y'.repeat(100));
    } // pauses shorter than settleMs
    await writeFile(path.join(root, 'notes.txt'), 'not a workout');
    await writeFile(path.join(root, 'download.fit.part'), 'half');
    await until(() => reports.length >= 1);
    await sleep(500); // a second report would arrive by now
    ac.abort();
    await done;
    expect(reports).toEqual([{ file: growing, size: 700 }]);
  });

  it('reports files already there when asked, and stops when aborted', async () => {
    const root = path.join(dir, 'b');
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'a.gpx'), '<gpx/>');
    await writeFile(path.join(root, 'b.zip'), 'PK');
    const seen: string[] = [];
    const ac = new AbortController();
    const done = watchDirectory(
      root,
      (file) => {
        seen.push(path.basename(file));
      },
      { signal: ac.signal, settleMs: 50, includeExisting: true },
    );
    await until(() => seen.length >= 2);
    ac.abort();
    await expect(done).resolves.toBeUndefined();
    expect(seen.sort()).toEqual(['a.gpx', 'b.zip']);
  });
});
