// Several athletes through the real CLI (issue 18): two athletes, each with
// their own Strava athlete on the one simulated Strava application (each
// refresh token is one athlete's; listings and uploads are per athlete), each
// importing their own files, one file both. Every workout lands on its own
// athlete's Strava once; --athlete scopes every command; removing an athlete
// revokes their Strava access only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStravaSimulator, type StravaSimulator } from '../../src/simulators/strava/index.js';
import { jsonOf, runCli, type CliResult } from '../helpers/cli.js';
import { FIXTURES } from '../cli-sources/cli-world.js';

const ALICE = 1001;
const BOB = 2002;
const file = (name: string) => path.join(FIXTURES, name);

describe('several athletes through the CLI', () => {
  let sim: StravaSimulator;
  let server: ReturnType<typeof serve>;
  let dir: string;
  let cli: (args: string[]) => Promise<CliResult>;
  const ids: Record<string, string[]> = {};

  beforeAll(async () => {
    sim = createStravaSimulator({});
    server = await new Promise((resolve) => {
      const s = serve({ hostname: '127.0.0.1', port: 0, fetch: sim.app.fetch }, () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'bandsync-athletes-'));
    const env = {
      BANDSYNC_DATA_DIR: path.join(dir, 'data'),
      BANDSYNC_STRAVA_URL: url,
      STRAVA_CLIENT_ID: sim.credentials.clientId,
      STRAVA_CLIENT_SECRET: sim.credentials.clientSecret,
    };
    cli = (args) => runCli(args, env, { timeoutMs: 150_000 });
  });
  afterAll(async () => {
    sim?.releaseHangs();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    (server as unknown as { closeAllConnections?: () => void })?.closeAllConnections?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('adds athletes, and a command that needs one stops naming them', async () => {
    expect(jsonOf(await cli(['athlete', 'list', '--json']))).toEqual([]);
    expect((await cli(['athlete', 'add', 'alice'])).code).toBe(0);
    expect((await cli(['athlete', 'add', 'bob'])).code).toBe(0);
    const again = await cli(['athlete', 'add', 'bob']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('an athlete named bob already exists');

    for (const args of [
      ['connect', 'strava', '--refresh-token', sim.control.issueRefreshToken(undefined, ALICE)],
      ['import', file('test.tcx')],
    ]) {
      const r = await cli(args);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toContain('there are 2 athletes (alice, bob): name one with --athlete NAME');
    }
    const unknown = await cli(['--athlete', 'carol', 'status']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no athlete named "carol": the athletes are alice, bob');
  }, 120_000);

  it("uploads each athlete's workouts to their own Strava athlete only, once; a workout both recorded goes to both", async () => {
    // --athlete before or after the command.
    const a = await cli([
      '--athlete',
      'alice',
      'connect',
      'strava',
      '--refresh-token',
      sim.control.issueRefreshToken(undefined, ALICE),
    ]);
    expect(a.code, a.stderr).toBe(0);
    const b = await cli([
      'connect',
      'strava',
      '--refresh-token',
      sim.control.issueRefreshToken(undefined, BOB),
      '--athlete',
      'bob',
    ]);
    expect(b.code, b.stderr).toBe(0);

    const ai = await cli(['--athlete', 'alice', 'import', file('garmin-fenix-5-run.fit'), file('test.tcx')]);
    expect(ai.code, ai.stderr).toBe(0);
    const bi = await cli(['--athlete', 'bob', 'import', file('wahoo_example.gpx'), file('test.tcx')]);
    expect(bi.code, bi.stderr).toBe(0);

    const of = (athleteId: number) => sim.control.activities().filter((x) => x.athleteId === athleteId);
    expect(of(ALICE)).toHaveLength(2);
    expect(of(BOB)).toHaveLength(2);
    expect(sim.control.activities()).toHaveLength(4);
    // Each athlete's own external ids, never the other's.
    for (const [name, athleteId] of [
      ['alice', ALICE],
      ['bob', BOB],
    ] as const) {
      const log = jsonOf(await cli(['--athlete', name, 'log', '--json', '-n', '1000'])) as unknown as {
        workoutId: string | null;
        toState: string | null;
        data: { externalId?: string } | null;
      }[];
      ids[name] = [...new Set(log.map((e) => e.workoutId).filter((x): x is string => x !== null))];
      expect(ids[name]).toHaveLength(2);
      const sent = log.filter((e) => e.toState === 'discovered').map((e) => e.data?.externalId);
      expect(sent).toHaveLength(2);
      // Strava returns the external id with the file's extension.
      expect(
        of(athleteId)
          .map((x) => x.externalId?.replace(/\.fit$/, ''))
          .sort(),
      ).toEqual(sent.sort());
    }
    expect(ids.alice!.filter((id) => ids.bob!.includes(id))).toEqual([]);
  }, 240_000);

  it('covers every athlete in status and sync unless one is named, and keeps retry/skip to the named athlete', async () => {
    const all = jsonOf(await cli(['status', '--json'])) as {
      athletes: { athlete: string; workouts: Record<string, number> }[];
    };
    expect(all.athletes.map((s) => [s.athlete, s.workouts])).toEqual([
      ['alice', { synced: 2 }],
      ['bob', { synced: 2 }],
    ]);
    const one = jsonOf(await cli(['--athlete', 'bob', 'status', '--json'])) as { workouts: Record<string, number> };
    expect(one.workouts).toEqual({ synced: 2 });

    const uploads = sim.control.uploads().length;
    const sync = await cli(['sync', '--json']);
    expect(sync.code, sync.stderr).toBe(0);
    expect((jsonOf(sync) as { athletes: { athlete: string }[] }).athletes.map((s) => s.athlete)).toEqual([
      'alice',
      'bob',
    ]);
    expect(sim.control.uploads()).toHaveLength(uploads);

    const crossed = await cli(['--athlete', 'alice', 'skip', ids.bob![0]!]);
    expect(crossed.code).toBe(1);
    const bobs = jsonOf(await cli(['--athlete', 'bob', 'status', '--json'])) as { workouts: Record<string, number> };
    expect(bobs.workouts).toEqual({ synced: 2 });
  }, 240_000);

  it('removes an athlete after confirmation, revoking their Strava access only', async () => {
    const unconfirmed = await cli(['athlete', 'remove', 'bob']);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain('not confirmed (no terminal to ask): run bandsync athlete remove bob --yes');

    const removed = await cli(['athlete', 'remove', 'bob', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Removed athlete bob (Strava access revoked)');
    expect(
      sim.control.requests().filter((r) => r.method === 'POST' && r.url.startsWith('/oauth/deauthorize')),
    ).toHaveLength(1);
    const list = jsonOf(await cli(['athlete', 'list', '--json'])) as unknown as { name: string }[];
    expect(list.map((a) => a.name)).toEqual(['alice']);
    // Alice's access still works: her sync lists her Strava activities without a problem.
    const sync = await cli(['sync', '--all', '--json']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(jsonOf(sync)).toMatchObject({ stoppedBy: null, uploaded: 0 });
  }, 240_000);
});
