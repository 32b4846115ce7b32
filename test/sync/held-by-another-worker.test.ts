// A dashboard backfill runs in the daemon beside its queue workers, which may
// take the same approved workouts. A backfill that finds one of them being
// sent by the other worker holds it; it must go on as soon as that worker's
// answer is stored, not stall for the whole lost-upload grace (two minutes,
// twice: this stalled the browser test's backfill on a loaded CI machine),
// and never send it again while that worker's request is still open.
import { afterEach, expect, it } from 'vitest';
import { syncAll } from '../../src/sync/sync-all.js';
import type { Destination } from '../../src/sync/ports.js';
import { LOST_UPLOAD_GRACE_SECONDS } from '../../src/sync/upload-window.js';
import { startWorld, type World } from '../helpers/world.js';
import { expectEachWorkoutOnceOnStrava } from '../faults/helpers.js';

const WORKOUTS = 4;
let world: World | null = null;

afterEach(async () => {
  await world?.close();
  world = null;
});

/** Another worker's destination: its first upload (sent after the claim) waits until `openGate`. */
function gatedFirstUpload(w: World) {
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let claimed!: () => void;
  const claimedOne = new Promise<void>((resolve) => (claimed = resolve));
  const gated = async (): Promise<Destination> => {
    const real = await w.app.deps.destination();
    let first = true;
    return new Proxy(real, {
      get(target, key, receiver) {
        if (key !== 'upload') return Reflect.get(target, key, receiver);
        return async (...args: Parameters<Destination['upload']>) => {
          if (first) {
            first = false;
            claimed();
            await gate;
          }
          return target.upload(...args);
        };
      },
    });
  };
  return { gated, claimedOne, openGate };
}

it('a run that holds an upload another worker is sending goes on once that answer is stored', async () => {
  const w = (world = await startWorld({ zepp: { seed: 41, workouts: WORKOUTS, years: 1, shapes: ['run'] } }));
  // The other worker: its first upload waits at a gate, after it claimed the workout.
  const { gated, claimedOne, openGate } = gatedFirstUpload(w);
  const wait = (until: Date) => w.clock.wait(until);
  const other = syncAll({ ...w.app.deps, destination: gated }, { all: true, wait });
  await claimedOne;

  // Time the clock jumped, not the real time that passed meanwhile (a loaded machine adds a lot of that).
  const jumpedBefore = w.clock.skippedMs();
  const waits: number[] = [];
  const backfill = await syncAll(w.app.deps, {
    all: true,
    wait: async (until) => {
      waits.push((until.getTime() - w.clock.now().getTime()) / 1000);
      openGate(); // the other worker's answer arrives while this run waits
      await other;
      await w.clock.wait(until);
    },
  });
  await other;

  // The held workout was the other worker's; this run sent the rest and waited only until that answer was stored.
  expect(backfill.held).toBe(0);
  expect(waits[0]).toBeLessThan(LOST_UPLOAD_GRACE_SECONDS);
  expect(w.clock.skippedMs() - jumpedBefore).toBeLessThan(LOST_UPLOAD_GRACE_SECONDS * 1000);
  expect(await w.app.store.countByState('strava')).toEqual({ synced: WORKOUTS });
  expectEachWorkoutOnceOnStrava(w.zepp, w.strava);
});

it('a run whose claim another worker won since the plan waits for that upload, and never ends with it in flight', async () => {
  const w = (world = await startWorld({ zepp: { seed: 42, workouts: WORKOUTS, years: 1, shapes: ['run'] } }));
  const { store } = w.app.deps;
  let taken: string | null = null;
  // At this run's first upload, another worker claims the last workout this run planned to send.
  const racing = async (): Promise<Destination> => {
    const real = await w.app.deps.destination();
    return new Proxy(real, {
      get(target, key, receiver) {
        if (key !== 'upload') return Reflect.get(target, key, receiver);
        return async (...args: Parameters<Destination['upload']>) => {
          if (taken === null) {
            const waiting = await store.listRecords({ destination: 'strava', states: ['fetched'], limit: 100 });
            const last = waiting.sort((a, b) => b.startTime.localeCompare(a.startTime))[0]!;
            taken = last.workoutId;
            await store.transition({
              workoutId: taken,
              destination: 'strava',
              from: ['fetched'],
              to: 'uploading',
              reason: 'the other worker claims it',
            });
          }
          return target.upload(...args);
        };
      },
    });
  };
  let otherDone = false;
  let waits = 0;
  const summary = await syncAll(
    { ...w.app.deps, destination: racing },
    {
      all: true,
      wait: async (until) => {
        // The other worker takes a while: its answer (Strava refused the file) comes during this run's second wait.
        if (taken && !otherDone && ++waits === 2) {
          otherDone = true;
          await store.transition({
            workoutId: taken,
            destination: 'strava',
            from: ['uploading'],
            to: 'failed',
            reason: 'strava_upload_rejected: refused (the other worker)',
            patch: { code: 'strava_upload_rejected', lastError: 'refused' },
          });
        }
        await w.clock.wait(until);
      },
    },
  );
  expect(taken).not.toBeNull();
  expect(otherDone).toBe(true);
  // When the run returns (a dashboard backfill then shows its final counts), nothing of it is still in flight.
  expect(await store.countByState('strava')).toEqual({ synced: WORKOUTS - 1, failed: 1 });
  expect(summary.held).toBe(0);
});

it('an upload this process is still sending is never sent again, however far the clock has moved', async () => {
  const w = (world = await startWorld({ zepp: { seed: 43, workouts: WORKOUTS, years: 1, shapes: ['run'] } }));
  // The daemon's queue worker in this process: its first upload hangs at a gate after the claim.
  const { gated, claimedOne, openGate } = gatedFirstUpload(w);
  const other = syncAll({ ...w.app.deps, destination: gated }, { all: true, wait: (until) => w.clock.wait(until) });
  await claimedOne;
  // The engine's clock passes the lost-upload grace while that request is open (a simulated clock's
  // jump; on the real clock, a request slower than the grace): by the clock alone, it looks lost.
  w.clock.advance((LOST_UPLOAD_GRACE_SECONDS + 60) * 1000);
  let waited = 0;
  const backfill = await syncAll(w.app.deps, {
    all: true,
    wait: async (until) => {
      // The open request is answered only after this run has waited a few rounds.
      if (++waited === 3) openGate();
      await w.clock.wait(until);
    },
  });
  openGate(); // had this run not waited for it
  await other;
  // One upload request per workout: the open one was waited for, not sent a second time.
  expect(w.strava.control.uploads()).toHaveLength(WORKOUTS);
  expect(waited).toBeGreaterThanOrEqual(3);
  expect(backfill.held).toBe(0);
  expect(await w.app.store.countByState('strava')).toEqual({ synced: WORKOUTS });
  expectEachWorkoutOnceOnStrava(w.zepp, w.strava);
});
