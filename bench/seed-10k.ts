// A PGlite data dir holding N workouts (default 10,000) as a daemon would have
// them after years of use: every one synced to Strava, one ledger line each.
// Seeded through the real store, so the tables, indexes and ledger are the
// product's own. Used by bench/memory.ts; `node bin/run-ts.js bench/seed-10k.ts DIR [N]`
// seeds a directory to keep between bench runs.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/index.js';
import { gpsRun, strength } from '../test/server/workouts.js';

export async function seedDataDir(dataDir: string, workouts = 10_000): Promise<{ seconds: number }> {
  const started = performance.now();
  const opened = await openStore({ dataDir });
  try {
    const store = opened.store;
    const account = await store.saveAccount({ kind: 'zepp-cloud', label: 'bench', settings: {} });
    for (let i = 0; i < workouts; i++) {
      const start = new Date(Date.UTC(2026, 9, 31, 7) - i * 6 * 3600_000).toISOString();
      // Light samples keep seeding quick; one full 1-hour GPS run is the workout page under test.
      const w =
        i === 0
          ? gpsRun(i, start, { seconds: 3600 })
          : i % 5 === 4
            ? strength(i, start)
            : gpsRun(i, start, { seconds: 30 });
      const { id } = await store.saveWorkout(account.id, w);
      await store.ensureRecord(id, 'strava', `bandsync-${w.fingerprint}`);
      await store.transition({
        workoutId: id,
        destination: 'strava',
        from: ['discovered'],
        to: 'synced',
        patch: { activityId: String(9_000_000 + i) },
        reason: 'bench seed',
      });
    }
  } finally {
    await opened.close();
  }
  return { seconds: +((performance.now() - started) / 1000).toFixed(1) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await seedDataDir(process.argv[2]!, Number(process.argv[3] ?? 10_000)));
}
