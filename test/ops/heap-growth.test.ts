// Issue 17: BANDSYNC_HEAP_GROWING_PERCENT, set by deploy/bandsync.service, the
// worker's unit and the Dockerfile, becomes V8's heap growing factor in the
// long-running commands (Node refuses the flag in NODE_OPTIONS).
import type * as v8 from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';

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
    const { mkdtempSync, rmSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runCli } = await import('../helpers/cli.js');
    const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-heap-'));
    try {
      for (const command of ['daemon', 'worker', 'serve']) {
        const r = await runCli([command], { BANDSYNC_DATA_DIR: dataDir, BANDSYNC_HEAP_GROWING_PERCENT: 'lots' });
        expect(r.code, `${command}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toContain('BANDSYNC_HEAP_GROWING_PERCENT=lots: give a whole number of percent from 1 to 1000');
      }
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('is what the systemd units and the container give the daemon and the workers', async () => {
    const { readFileSync } = await import('node:fs');
    for (const f of ['deploy/bandsync.service', 'deploy/bandsync-worker.service'])
      expect(readFileSync(f, 'utf8')).toMatch(/^Environment=BANDSYNC_HEAP_GROWING_PERCENT=25$/m);
    expect(readFileSync('deploy/Dockerfile', 'utf8')).toMatch(/BANDSYNC_HEAP_GROWING_PERCENT=25/);
  });
});
