// `bandsync export-all DIR`: every stored workout as FIT plus an index.json,
// so the user's data is never locked in.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWorkout } from '../core/formats/codec.js';
import { DESTINATION } from '../sync/deps.js';
import type { AppContext } from './context.js';

/** Pages through the store so memory stays flat however long the history is. Returns the number written. */
export async function exportAll(app: Pick<AppContext, 'store' | 'mapping' | 'config'>, out: string): Promise<number> {
  const index = [];
  const PAGE = 200;
  for (let offset = 0; ; offset += PAGE) {
    const page = await app.store.listRecords({ destination: DESTINATION, limit: PAGE, offset });
    for (const r of page) {
      const stored = await app.store.getWorkout(r.workoutId);
      if (!stored || (stored.workout.samples.t.length === 0 && stored.workout.elapsedSeconds === 0)) continue;
      const file = `${stored.workout.startTime.slice(0, 19).replace(/[:T]/g, '-')}-${stored.workout.sport}-${r.workoutId.slice(0, 8)}.fit`;
      writeFileSync(
        join(out, file),
        encodeWorkout(stored.workout, 'fit', { deviceName: app.mapping.deviceName ?? app.config.deviceName }),
      );
      index.push({
        id: r.workoutId,
        file,
        startTime: stored.workout.startTime,
        sport: stored.workout.sport,
        source: stored.workout.source,
        state: r.state,
        stravaActivityId: r.activityId,
        fingerprint: stored.workout.fingerprint,
      });
    }
    if (page.length < PAGE) break;
  }
  writeFileSync(join(out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  return index.length;
}
