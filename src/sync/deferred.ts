// Workouts waiting in an upload job this process sent or put off until the
// Strava budget resets. The dispatcher runs every minute and cuts the pending
// workouts into windows afresh; a window the budget stopped part-way waits as
// a job of its own (tasks.ts), whose workouts the fresh cut no longer
// matches, so each dispatch added a job for the same workouts: with a
// 2,000-workout backfill waiting for its budget, 30-50 jobs that each read
// their window and, once the budget came back, listed it again (bench/fairness:
// ~100 extra Strava requests). Known here only: a job deferred by a worker on
// another machine can still be dispatched again, as before; an entry lapses
// at its time, so a lost job never holds its workouts for long.
const until = new Map<string, number>();

/** These workouts wait in a job of ours until `untilMs` (the engine's clock). */
export function deferHere(workoutIds: readonly string[], untilMs: number): void {
  for (const id of workoutIds) until.set(id, untilMs);
}

/** Whether the workout waits in such a job at `nowMs`; a lapsed entry is dropped. */
export function deferredHere(workoutId: string, nowMs: number): boolean {
  const t = until.get(workoutId);
  if (t === undefined) return false;
  if (t > nowMs) return true;
  until.delete(workoutId);
  return false;
}

/** These workouts wait in no job of ours any more (the job failed): the next dispatch takes them. */
export function releaseHere(workoutIds: readonly string[]): void {
  for (const id of workoutIds) until.delete(id);
}
