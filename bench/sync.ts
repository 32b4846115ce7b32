// The whole engine (discovery, plan, upload, confirm) against both simulators:
// a 1,000-workout backfill under Strava's DEFAULT limits (200/15 min,
// 2,000/day, reads 100/1,000) on a simulated clock. Figures: Strava requests
// per uploaded activity (token refreshes and listings included), simulated
// drain time against the floor the upload limit sets, 429s, duplicates on the
// simulator, wall time. `run({ workouts: 990 })` shows a backfill whose
// uploads plus listings fit the upload floor's windows exactly (1,000
// requests: drained 1.7 % over that floor); at exactly 1,000 workouts the
// listings alone spill into one more window, see floorWithListings.
import { discover } from '../src/sync/discover.js';
import { syncAll } from '../src/sync/sync-all.js';
import { startWorld } from '../test/helpers/world.js';

const QUARTER_MS = 900_000;
const PER_WINDOW = 200;

/**
 * The earliest simulated time the n-th request of a kind can be sent when
 * `perWindow` of them fit in each quarter-hour window, counting from `t0`
 * (the first window is the one t0 falls in, whole, as Strava counts it).
 */
export function nthRequestFloor(t0Ms: number, n: number, perWindow = PER_WINDOW): number {
  const window = Math.floor((n - 1) / perWindow);
  return window === 0 ? t0Ms : Math.floor(t0Ms / QUARTER_MS) * QUARTER_MS + window * QUARTER_MS;
}

export async function run(options: { workouts?: number } = {}): Promise<Record<string, unknown>> {
  const N = options.workouts ?? 1000;
  const wallStart = performance.now();
  // Short indoor shapes: generation and FIT encoding stay fast; the Strava side is what is measured.
  const world = await startWorld({
    zepp: { seed: 2026, workouts: N, years: 4, shapes: ['strength', 'indoor_cycling'] },
  });
  try {
    const { app, strava, clock } = world;
    const zeppAccount = (await app.store.listAccounts()).find((a) => a.kind === 'zepp-cloud')!;
    const discovered = await discover(app.deps, zeppAccount);
    const setupWall = (performance.now() - wallStart) / 1000;

    const requestsBefore = strava.control.requestCount();
    const t0 = clock.now().getTime();
    const syncWallStart = performance.now();
    const summary = await syncAll(app.deps, { all: true, skipDiscovery: true, wait: (u) => clock.wait(u) });
    const t1 = clock.now().getTime();

    const requests = strava.control.requests().slice(requestsBefore);
    const uploadsSent = strava.control.uploads();
    const lastUploadMs = Math.max(...uploadsSent.map((u) => u.createdAtMs));
    const floorMs = nthRequestFloor(t0, N);
    // Planning needs one listing per 200 workouts before their uploads go out
    // and confirming one per 200 after; those reads share the overall
    // 200/15-min limit with uploads, so the last of these N + 2·N/200 requests
    // is the true floor of a drain (for N = 1,000 it falls one window after
    // the uploads-only floor, which no run that lists at all can reach).
    const floorWithListingsMs = nthRequestFloor(t0, N + 2 * Math.ceil(N / PER_WINDOW));
    const externalIds = strava.control.activities().map((a) => a.externalId);
    const byKind: Record<string, number> = {};
    for (const r of requests) {
      const key = `${r.method} ${r.url.replace(/\?.*$/, '').replace(/\/\d+$/, '/{id}')}`;
      byKind[key] = (byKind[key] ?? 0) + 1;
    }
    const counts = await app.store.countByState('strava');
    return {
      workouts: N,
      discovered: discovered.stored,
      uploaded: summary.uploaded,
      synced: counts.synced ?? 0,
      states: counts,
      stravaRequests: requests.length,
      requestsByKind: byKind,
      requestsPerActivity: +(requests.length / Math.max(1, uploadsSent.length)).toFixed(4),
      startedAt: new Date(t0).toISOString(),
      lastUploadAt: new Date(lastUploadMs).toISOString(),
      drainedAt: new Date(t1).toISOString(),
      nthUploadFloorAt: new Date(floorMs).toISOString(),
      nthUploadFloorWithListingsAt: new Date(floorWithListingsMs).toISOString(),
      simulatedDrainSeconds: Math.round((t1 - t0) / 1000),
      floorSeconds: Math.round((floorMs - t0) / 1000),
      drainOverFloor: +((t1 - t0) / Math.max(1, floorMs - t0)).toFixed(4),
      floorWithListingsSeconds: Math.round((floorWithListingsMs - t0) / 1000),
      drainOverFloorWithListings: +((t1 - t0) / Math.max(1, floorWithListingsMs - t0)).toFixed(4),
      count429: strava.control.count429(),
      duplicatesOnSimulator: externalIds.length - new Set(externalIds).size,
      uploadsSentTwice: uploadsSent.length - new Set(uploadsSent.map((u) => u.externalId)).size,
      wallSecondsSetup: +setupWall.toFixed(2),
      wallSecondsSync: +((performance.now() - syncWallStart) / 1000).toFixed(2),
    };
  } finally {
    await world.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(JSON.stringify(await run({ workouts: Number(process.argv[2] ?? 1000) }), null, 2));
