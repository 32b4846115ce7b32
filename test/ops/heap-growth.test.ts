// Issue 17: BANDSYNC_HEAP_GROWING_PERCENT, set by deploy/bandsync.service, the
// worker's unit and the Dockerfile, becomes V8's heap growing factor in the
// long-running commands (Node refuses the flag in NODE_OPTIONS). That the units
// and the image set it (to 25, with the other memory settings) is checked in
// test/ops/deploy.test.ts.
import { readdirSync } from 'node:fs';
import type * as v8 from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../store/helpers.js';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', async (original) => ({ ...(await original<typeof v8>()), setFlagsFromString }));
const { heapGrowth } = await import('../../src/cli/commands/daemon.js');

describe('BANDSYNC_HEAP_GROWING_PERCENT', () => {
  afterEach(() => setFlagsFromString.mockClear());

  it("sets V8's heap growing factor when given, and leaves V8's policy alone when not", () => {
    expect(heapGrowth({ BANDSYNC_HEAP_GROWING_PERCENT: '25' })).toBe(25);
    expect(setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=25');
    setFlagsFromString.mockClear();
    expect(heapGrowth({})).toBeNull();
    expect(heapGrowth({ BANDSYNC_HEAP_GROWING_PERCENT: '' })).toBeNull();
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it('refuses what is not a whole number of percent, saying which variable', () => {
    for (const bad of ['0', '-5', '2.5', 'lots', '5000'])
      expect(() => heapGrowth({ BANDSYNC_HEAP_GROWING_PERCENT: bad })).toThrow(/BANDSYNC_HEAP_GROWING_PERCENT/);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });

  it('is read by the daemon, a worker and serve themselves: a bad value stops each before it opens anything', async () => {
    const dataDir = tempDir('bandsync-heap-');
    try {
      for (const command of ['daemon', 'worker', 'serve']) {
        const r = await runCli([command], { BANDSYNC_DATA_DIR: dataDir.path, BANDSYNC_HEAP_GROWING_PERCENT: 'lots' });
        expect(r.code, `${command}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toContain('BANDSYNC_HEAP_GROWING_PERCENT=lots: give a whole number of percent from 1 to 1000');
      }
      expect(readdirSync(dataDir.path)).toEqual([]);
    } finally {
      dataDir.remove();
    }
  }, 120_000);
});
