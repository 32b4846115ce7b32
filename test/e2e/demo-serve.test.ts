// Issue 16 item 9: the demo leads into the dashboard. `bandsync demo --serve`
// as a real process: after the backfill it keeps both simulators and the
// dashboard running, so a dry run answers (no "Zepp history: fetch failed"),
// "View on Strava" opens the Strava simulator's own page of that activity,
// Strava's calories are shown beside the band's, and Ctrl+C (SIGTERM) stops
// all three. Without --serve the demo's hint names --serve.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '../server/harness.js';

const bin = fileURLToPath(new URL('../../bin/bandsync.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-demo-serve-'));
let child: ChildProcess | null = null;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const WORKOUTS = 12;

describe('bandsync demo --serve', () => {
  it('keeps the simulators and the dashboard running together until stopped', async () => {
    child = spawn(
      process.execPath,
      [bin, 'demo', '--serve', '--port', '0', '--workouts', String(WORKOUTS), '--seed', '7', '--data-dir', dataDir],
      {
        env: { ...process.env, BANDSYNC_CONFIG: '', DATABASE_URL: '', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 240_000;
    while (!/Dashboard: (http:\/\/\S+)/.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`demo exited ${child.exitCode}\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`no dashboard line\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const base = /Dashboard: (http:\/\/\S+)/.exec(stdout)![1]!.replace(/\/$/, '');
    const stravaSim = /Strava simulator:\s+(http:\/\/\S+)/.exec(stderr)![1]!.replace(/\/$/, '');
    expect(stdout).toContain(`Activities now on the Strava simulator: ${WORKOUTS}`);
    expect(stdout).toContain('Ctrl+C stops all three');
    expect(stdout).not.toContain('bandsync serve');

    const c = new Client(base);
    const token = await c.csrf('/');
    const list = await (await c.get('/workouts?state=synced')).text();
    const ids = [...list.matchAll(/<tr data-workout="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBe(WORKOUTS);

    // A workout page: "View on Strava" goes to the simulator's own activity page, and Strava's calories show.
    const page = await (await c.get(`/workouts/${ids[0]}`)).text();
    const link = /<a class="strava-link" id="strava-link" href="([^"]+)"/.exec(page)?.[1];
    expect(link).toMatch(new RegExp(`^${stravaSim.replace(/[.:/]/g, '\\$&')}/activities/\\d+$`));
    const activity = await fetch(link!);
    expect(activity.status).toBe(200);
    const activityPage = await activity.text();
    const calories = /<td data-field="Calories">(\d+) kcal<\/td>/.exec(activityPage)?.[1];
    expect(Number(calories)).toBeGreaterThan(0);
    const stravaCalories =
      /<tr class="[^"]*" data-metric="calories">.*?<td class="num" data-band[^>]*>[^<]*<\/td><td class="num">([^<]*)</s.exec(
        page,
      )?.[1];
    expect(stravaCalories).toBe(`${calories} kcal`);

    // A dry run asks the Zepp simulator again: it answers, nothing fails.
    const plan = await (await c.post('/backfill/plan', { _csrf: token })).text();
    expect(plan).toContain('id="plan"');
    expect(plan).not.toContain('fetch failed');
    // Everything is on Strava already: nothing left to upload, and no error.
    expect(plan).toContain('<span class="decision decision-upload">0 upload</span>');
    expect(plan).not.toContain('flash-error');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${stravaSim}/activities/1`)).rejects.toThrow();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 300_000);
});
