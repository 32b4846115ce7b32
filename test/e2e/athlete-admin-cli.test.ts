// `bandsync athlete admin NAME` (issue 18): which athlete the dashboard's
// administrator is, shown by `athlete list`; the first athlete until set, and
// an unknown name is refused. The real CLI on a fresh data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../helpers/cli.js';

describe('bandsync athlete admin', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bandsync-athlete-admin-'));
  const cli = (args: string[]) => runCli(args, { BANDSYNC_DATA_DIR: path.join(dir, 'data') });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const admins = async () =>
    (jsonOf(await cli(['athlete', 'list', '--json'])) as unknown as { name: string; administrator: boolean }[])
      .filter((a) => a.administrator)
      .map((a) => a.name);

  it('is the first athlete until another is set', async () => {
    for (const name of ['ann', 'bob']) expect((await cli(['athlete', 'add', name])).code).toBe(0);
    expect(await admins()).toEqual(['ann']);
    const set = await cli(['athlete', 'admin', 'bob']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("The dashboard's administrator is bob");
    expect(await admins()).toEqual(['bob']);
    expect((await cli(['athlete', 'list'])).stdout).toContain('bob (administrator)');
    const unknown = await cli(['athlete', 'admin', 'carol']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no athlete named "carol"');
    expect(await admins()).toEqual(['bob']);
  }, 120_000);
});
