// The uploads this process is sending right now. An 'uploading' record counts
// as lost once LOST_UPLOAD_GRACE_SECONDS have passed on the engine's clock,
// and is then planned again. A run in the same process (the daemon's queue
// beside a dashboard or CLI backfill) must never take one of this process's
// own requests in flight for lost, whatever its clock says: a simulated clock
// jumps through the grace in an instant (a loaded CI machine uploaded a
// workout twice that way), and a request may outlast the grace on a slow link.
const sending = new Map<string, Promise<void>>();

/** Runs `send` for the workout, known as in flight here until it settles. */
export async function sendingHere<T>(workoutId: string, send: () => Promise<T>): Promise<T> {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  sending.set(workoutId, settled);
  try {
    return await send();
  } finally {
    sending.delete(workoutId);
    settle();
  }
}

export function inFlightHere(workoutId: string): boolean {
  return sending.has(workoutId);
}

/** Resolves once none of these workouts is in flight here, or after `realMs` of real time, whichever is first. */
export async function settledHere(workoutIds: Iterable<string>, realMs: number): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const id of workoutIds) {
    const p = sending.get(id);
    if (p) pending.push(p);
  }
  if (pending.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all(pending), new Promise<void>((resolve) => (timer = setTimeout(resolve, realMs)))]);
  clearTimeout(timer);
}
