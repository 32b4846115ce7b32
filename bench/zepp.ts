// Zepp figures: decoding the real 2023 run (detail 146 kB, 3105 s), and a
// full simulated backfill listing + fetch over loopback HTTP (250 workouts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startZeppSimulator } from '../src/simulators/zepp-cloud/index.js';
import { createZeppCloudSource, decodeZeppWorkout } from '../src/sources/zepp-cloud/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function run(): Promise<Record<string, unknown>> {
  const dir = path.join(here, '../test/fixtures/zepp');
  const summary = JSON.parse(readFileSync(path.join(dir, 'run_1698569116_summary.json'), 'utf8')) as unknown;
  const detail = JSON.parse(readFileSync(path.join(dir, 'run_1698569116_detail.json'), 'utf8')) as unknown;
  const rounds = 20;
  let t0 = performance.now();
  for (let i = 0; i < rounds; i++) decodeZeppWorkout({ summary, detail });
  const decodeMs = (performance.now() - t0) / rounds;

  const sim = await startZeppSimulator({ seed: 1, workouts: 250, now: () => new Date('2026-11-01T00:00:00Z') });
  try {
    const src = createZeppCloudSource({
      baseUrl: sim.url,
      allowOrigins: [sim.url],
      appToken: sim.credentials.appToken,
      userId: sim.credentials.userId,
      accountId: 'bench',
    });
    const heapBefore = process.memoryUsage().heapUsed;
    t0 = performance.now();
    const refs = [];
    for await (const ref of src.list({})) refs.push(ref);
    const listMs = performance.now() - t0;
    t0 = performance.now();
    let samples = 0;
    for (const ref of refs) samples += (await src.fetch(ref)).workout.samples.t.length;
    const fetchMs = performance.now() - t0;
    return {
      realRunDecodeMs: +decodeMs.toFixed(1),
      simulatedWorkouts: refs.length,
      listAllMs: Math.round(listMs),
      fetchAllMs: Math.round(fetchMs),
      fetchPerWorkoutMs: +(fetchMs / refs.length).toFixed(1),
      samplesDecoded: samples,
      heapGrowthMb: +((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1),
      note: 'simulator generation runs in the same process and is included in list/fetch times',
    };
  } finally {
    await sim.close();
  }
}
