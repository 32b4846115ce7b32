// Issue 13's "one set of metrics": the dashboard's Band column shows exactly
// what `bandsync inspect --json` prints for the same workout, for every corpus
// file imported through the files source and for every shape the Zepp
// simulator records, synced through the Zepp source. The dashboard is the real
// one, on loopback, over the store the import and the sync wrote.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importPaths } from '../../src/app/files-import.js';
import { registerInspect } from '../../src/cli/commands/inspect.js';
import { loadExtraFileDecoders } from '../../src/compose.js';
import { createDashboardEngine } from '../../src/dashboard-engine.js';
import { createApp } from '../../src/server/app.js';
import { serveApp, type Served } from '../../src/server/serve.js';
import { encodeDetail, encodeSummary, generateWorkout, SHAPES } from '../../src/simulators/zepp-cloud/index.js';
import type { ShapeKind } from '../../src/simulators/zepp-cloud/index.js';
import { syncAll } from '../../src/sync/sync-all.js';
import { corpusPath, expectedTable } from '../core/corpus-files.js';
import { startWorld, type World } from '../helpers/world.js';

/** The band numbers the dashboard shows, keyed like inspect's JSON. */
const BAND = ['distanceMeters', 'timerSeconds', 'elapsedSeconds', 'ascentMeters', 'avgHeartRate', 'calories'];

async function inspectJson(file: string): Promise<Record<string, unknown>> {
  const program = new Command('bandsync').exitOverride();
  registerInspect(program, await loadExtraFileDecoders());
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  try {
    await program.parseAsync(['inspect', file, '--json'], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out) as Record<string, unknown>;
}

/** The Band cells of a workout page: data-band → the raw number (null when the page shows none). */
function bandCells(page: string): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const m of page.matchAll(/data-band="(\w+)" data-value="([^"]*)"/g)) out[m[1]!] = m[2] ? Number(m[2]) : null;
  return out;
}

// Decodable corpus files (the broken ones and non-activities are refused by import and by inspect alike);
// a track whose points share one time (Mojstrovka.gpx, duration 0 for gpxpy) is no workout to import.
const ACTIVITIES = Object.entries(expectedTable()).filter(
  ([name, e]) => (e.kind.endsWith('-activity') || e.expected.gpxpy?.track_points > 0) && corpusPath(name),
);
const noDuration = (e: Record<string, any>) => e.expected.gpxpy && !(e.expected.gpxpy.duration_s > 0); // eslint-disable-line @typescript-eslint/no-explicit-any
const CORPUS = ACTIVITIES.filter(([, e]) => !noDuration(e)).map(([name]) => name);
const KINDS = Object.keys(SHAPES) as ShapeKind[];

describe('the dashboard shows what inspect --json prints', () => {
  let world: World;
  let served: Served;
  const dir = () => join(world.dataDir, 'inputs');
  const zepp = new Map<ShapeKind, { trackId: number; file: string; summary: Record<string, unknown> }>();
  let filesAccount = '';

  beforeAll(async () => {
    world = await startWorld({ zepp: { workouts: 0 } });
    mkdirSync(join(dir(), 'corpus'), { recursive: true });
    for (const [name] of ACTIVITIES) copyFileSync(corpusPath(name)!, join(dir(), 'corpus', name));
    const [imported] = await importPaths(world.app, [join(dir(), 'corpus')], { upload: false });
    filesAccount = (await world.app.store.listAccounts()).find((a) => a.kind === 'files')!.id;
    expect(imported!.badFiles.map((b) => b.replace(/^.*\//, '').replace(/:.*/, ''))).toEqual(
      ACTIVITIES.filter(([, e]) => noDuration(e)).map(([name]) => name),
    );

    // One workout of every shape, a day apart; the Zepp JSON inspect reads is the simulator's own payload.
    const now = Math.floor(world.clock.now().getTime() / 1000);
    KINDS.forEach((kind, i) => {
      const truth = world.zepp.control.addWorkout(kind, new Date((now - (i + 1) * 86_400) * 1000), 1000 + i);
      const trackId = Number(truth.trackId);
      const w = generateWorkout({ trackId, kind, seed: 1000 + i });
      const file = join(dir(), `${kind}.json`);
      const summary = encodeSummary(w);
      writeFileSync(file, JSON.stringify({ summary, detail: encodeDetail(w) }));
      zepp.set(kind, { trackId, file, summary });
    });
    const synced = await syncAll(world.app.deps, { all: true, wait: (u) => world.clock.wait(u) });
    expect(synced.failed).toBe(0);

    const app = createApp({
      store: world.app.store,
      budget: world.app.budget,
      engine: createDashboardEngine(world.app),
      now: () => world.clock.now(),
      security: { remote: false },
    });
    served = await serveApp(app, { port: 0, host: '127.0.0.1', passwordConfigured: false });
  }, 240_000);
  afterAll(async () => {
    await served?.close();
    await world?.close();
  });

  async function page(accountId: string, sourceId: string): Promise<Record<string, number | null>> {
    const stored = await world.app.store.findWorkoutBySourceId(accountId, sourceId);
    expect(stored, `stored workout ${sourceId}`).not.toBeNull();
    const res = await fetch(`${served.url.replace(/\/$/, '')}/workouts/${encodeURIComponent(stored!.id)}`);
    expect(res.status).toBe(200);
    return bandCells(await res.text());
  }

  it.each(CORPUS)('corpus %s', async (name) => {
    const json = await inspectJson(join(dir(), 'corpus', name));
    const cells = await page(filesAccount, join(dir(), 'corpus', name));
    expect(Object.keys(cells).sort()).toEqual([...BAND].sort());
    for (const key of BAND) expect(cells[key], key).toBe(json[key]);
  });

  it.each(KINDS)('simulated Zepp %s', async (kind) => {
    const { trackId, file, summary } = zepp.get(kind)!;
    const json = await inspectJson(file);
    const zeppAccount = (await world.app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!.id;
    const cells = await page(zeppAccount, String(trackId));
    for (const key of BAND) expect(cells[key], key).toBe(json[key]);
    // And they are the band's declared totals (the simulated summary payload), not recomputed ones.
    const declared = (key: string) => (Number(summary[key]) > 0 ? Number(summary[key]) : null);
    expect([json.distanceMeters, json.calories]).toEqual([declared('dis'), declared('calorie')]);
    expect(json.timerSeconds).toBe(declared('run_time'));
  });
});
