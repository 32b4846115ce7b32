// `bandsync import` of a password-protected zip (WinZip AES, written by
// @zip.js/zip.js) through the real CLI: refused per file without the password
// or with a wrong one (never echoed), imported once the right one is given.
// Start times come from third-party tools (test/fixtures/corpus/expected.json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { aesZip } from '../sources/files/aes-zip.js';
import { FIXTURES, startCliWorld, type CliWorld } from './cli-world.js';

const CORPUS = path.resolve(FIXTURES, '../corpus');
const PASSWORD = 'zip-pass-5150';
const EXPECTED_STARTS = [
  Date.parse('2017-06-11T14:34:09Z'), // fenix: fitparse session start_time
  Date.parse('2022-07-16T16:08:25Z'), // sup_activity_1.tcx: lxml first trackpoint
];

describe('bandsync import of an AES-encrypted zip (real CLI)', () => {
  let w: CliWorld;
  let zip: string;

  beforeAll(async () => {
    w = await startCliWorld('cli-import-aes');
    zip = path.join(w.dir, 'locked.zip');
    await writeFile(
      zip,
      await aesZip(
        {
          'runs/fenix.fit': new Uint8Array(await readFile(path.join(FIXTURES, 'garmin-fenix-5-run.fit'))),
          'paddle/sup.tcx': new Uint8Array(await readFile(path.join(CORPUS, 'sup_activity_1.tcx'))),
        },
        { password: PASSWORD },
      ),
    );
  }, 300_000);
  afterAll(async () => {
    await w?.close();
  });

  it('without the password: each file is named as password-protected, nothing is sent', async () => {
    const r = await w.cli(['import', zip], { BANDSYNC_ZIP_PASSWORD: '' });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.includes('✗') && l.includes('password-protected'))).toHaveLength(2);
    expect(w.strava.control.uploads()).toHaveLength(0);
  }, 300_000);

  it('importing again without it reads the files again but does not repeat the failure in the ledger', async () => {
    const ledger = async () => JSON.parse((await w.cli(['log', '--json', '-n', '100000'])).stdout) as unknown[];
    const before = (await ledger()).length;
    const r = await w.cli(['import', zip], { BANDSYNC_ZIP_PASSWORD: '' });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.includes('✗') && l.includes('password-protected'))).toHaveLength(2);
    expect((await ledger()).length).toBe(before);
  }, 300_000);

  it('with a wrong password: refused per file, and the password is not repeated', async () => {
    const r = await w.cli(['import', zip, '--password', 'not-it-9931']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ .*wrong password/);
    expect(r.stdout + r.stderr).not.toContain('not-it-9931');
    expect(w.strava.control.uploads()).toHaveLength(0);
  }, 300_000);

  it('with the right password (from the environment): both workouts go up once', async () => {
    const r = await w.cli(['import', zip], { BANDSYNC_ZIP_PASSWORD: PASSWORD });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(
      w.strava.control
        .activities()
        .map((a) => a.startMs)
        .sort(),
    ).toEqual([...EXPECTED_STARTS].sort());
    expect(w.strava.control.uploads()).toHaveLength(2);
    const status = await w.status();
    expect(status.workouts).toMatchObject({ synced: 2 });
    expect((status.accounts as { kind: string }[]).filter((a) => a.kind === 'files')).toHaveLength(1);
  }, 300_000);
});
