// The README's first command: `bandsync demo` starts both simulators, connects
// both accounts through their real login/OAuth paths, backfills the generated
// history with progress lines (not a TTY here), prints the summary and where
// to look — and what it says matches the data it leaves behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('bandsync demo', () => {
  it('syncs a generated history end to end, shows progress to 100 % and where the data is', async () => {
    const WORKOUTS = 30;
    const r = await runCli(
      ['demo', '--workouts', String(WORKOUTS), '--seed', '5', '--data-dir', dataDir],
      { BANDSYNC_CONFIG: '', DATABASE_URL: '' },
      { timeoutMs: 240_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Source workouts seen: ${WORKOUTS} (${WORKOUTS} new)`);
    expect(r.stdout).toMatch(new RegExp(`Uploaded: ${WORKOUTS}\\s+Already on Strava: 0\\s+Skipped: 0\\s+Failed: 0`));
    expect(r.stdout).toContain(`Activities now on the Strava simulator: ${WORKOUTS}`);
    expect(r.stdout).toContain(`data (embedded PostgreSQL): ${dataDir}`);
    // Plain progress lines, each phase to its end.
    expect(r.stderr).toContain(`Uploading: 100% (${WORKOUTS}/${WORKOUTS})`);
    expect(r.stderr).toContain(`Confirming: 100% (${WORKOUTS}/${WORKOUTS})`);

    // The command it suggests shows the same on the data it left.
    const status = await runCli(['status', '--json'], {
      BANDSYNC_DATA_DIR: dataDir,
      BANDSYNC_CONFIG: '',
      DATABASE_URL: '',
    });
    expect(status.code, status.stderr).toBe(0);
    const s = jsonOf(status) as { workouts: Record<string, number>; accounts: { kind: string; status: string }[] };
    expect(s.workouts).toEqual({ synced: WORKOUTS });
    expect(s.accounts.map((a) => [a.kind, a.status]).sort()).toEqual([
      ['strava', 'ok'],
      ['zepp-cloud', 'ok'],
    ]);
  }, 300_000);
});
