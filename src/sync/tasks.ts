// Job handlers (DESIGN §4.2, convention 6): idempotent (payload, ctx)
// functions on the shared queue, so any number of `bandsync worker`
// processes, on any machine with the same DATABASE_URL, share the work.
// Waiting (rate-limit reset, Strava processing) is a rescheduled job, never
// a sleep.
import { z } from 'zod';
import { byStartTime, windows } from './plan.js';
import type { JobOptions, Queue } from './ports.js';
import { DESTINATION, type EngineDeps } from './deps.js';
import { confirmWindow, processWindow, uploadable } from './run.js';
import { applyPendingUpdates } from './sync-all.js';
import { uploadFloor } from './approval.js';
import { discover, openDiscovered } from './discover.js';
import { ruleFor } from './failures.js';
import { emptyTally, type PendingRecord } from './upload-window.js';
import { markDestinationNeedsUser } from './destination-status.js';
import { toBandsyncError } from './failures.js';
import { asBackfill } from './daily-reserve.js';
import { deferHere, deferredHere, releaseHere } from './deferred.js';

export const JOBS = {
  poll: 'poll-account',
  dispatch: 'dispatch',
  window: 'upload-window',
  confirm: 'confirm-window',
} as const;

type JobName = (typeof JOBS)[keyof typeof JOBS];

const ids = z.array(z.string().min(1)).min(1);
/** The job's athlete, when the instance has several (issue 18): the job runs on that athlete's engine. */
const athleteId = z.string().min(1).optional();
/** What each job carries. A worker parses it when it takes the job: the row comes from the database, not from a type. */
const PAYLOADS = {
  [JOBS.poll]: z.object({ accountId: z.string().min(1), athleteId }),
  [JOBS.dispatch]: z.object({ accountId: z.string().min(1).optional(), athleteId }),
  [JOBS.window]: z.object({ workoutIds: ids, athleteId, priority: z.number().int().optional() }),
  [JOBS.confirm]: z.object({ workoutIds: ids, round: z.number().int().min(0).default(0), athleteId }),
} satisfies Record<JobName, z.ZodType>;

export type JobPayload<N extends JobName> = z.infer<(typeof PAYLOADS)[N]>;

/** A job's payload, checked; one clear line naming the job and what is wrong otherwise (the job then fails). */
export function parseJobPayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  const parsed = PAYLOADS[name].safeParse(payload);
  if (!parsed.success)
    throw new Error(`job ${name}: its payload is not valid (${z.prettifyError(parsed.error).replace(/\n/g, '; ')})`);
  return parsed.data as JobPayload<N>;
}

/** Sends a job whose payload has the shape its worker parses. */
function send<N extends JobName>(queue: Queue, name: N, payload: z.input<(typeof PAYLOADS)[N]>, options: JobOptions) {
  return queue.send(name, payload, options);
}

/** Registers `handle` for the jobs named `name`, with their payload parsed. */
function work<N extends JobName>(
  queue: Queue,
  name: N,
  handle: (payload: JobPayload<N>, signal: AbortSignal) => Promise<unknown>,
  concurrency: number,
): Promise<void> {
  return queue.work(name, async (payload, ctx) => void (await handle(parseJobPayload(name, payload), ctx.signal)), {
    concurrency,
  });
}

const CONFIRM_DELAY_SECONDS = 15;
/**
 * How long the dispatcher leaves workouts it put in an upload job out of its
 * next cuts (deferred.ts): the job may wait behind other priorities or the
 * budget; one that has not run by then (taken by a worker that stopped, say)
 * is dispatched again.
 */
const QUEUED_HOLD_MS = 15 * 60_000;
/**
 * A window put off to a budget reset is left out a little past it: the
 * dispatch that runs at the reset would otherwise find its workouts free and
 * cut them into new jobs before the waiting job has taken them.
 */
const TAKE_UP_MS = 2 * 60_000;
/**
 * Fair shares of one Strava application (issue 18): a window of workouts
 * recorded since the account was connected runs at this priority, before any
 * backfill; an athlete's n-th backfill window runs at -n, so the backfills of
 * several athletes take turns window by window (pg-boss takes the highest
 * priority first, then the oldest).
 */
export const NEW_WORKOUTS_PRIORITY = 0;
const CONFIRM_ROUNDS_BEFORE_POLLING = 2;

export interface TaskOptions {
  /** Seconds between polls of an account; a function is asked at every poll (a changed setting applies at once). */
  readonly pollIntervalSeconds: number | (() => Promise<number>);
  readonly windowSize?: number;
  /** Told after each source poll (metrics: poll latency). */
  readonly onPoll?: (accountId: string, kind: string, seconds: number, ok: boolean) => void;
  /** Told when the next poll of an account is scheduled (dashboard: next poll time). */
  readonly onPollScheduled?: (accountId: string, at: Date) => void;
}

const later = (deps: EngineDeps, seconds: number) => new Date(deps.clock.now().getTime() + seconds * 1000);

export async function registerTasks(
  deps: EngineDeps,
  queue: Queue,
  options: TaskOptions,
  concurrency = 1,
): Promise<void> {
  await work(
    queue,
    JOBS.poll,
    async (p, signal) =>
      pollAccount(await engineFor(deps, p.athleteId), queue, p.accountId, options, signal, p.athleteId),
    1,
  );
  await work(queue, JOBS.dispatch, (p) => dispatch(deps, queue, options, p.accountId, p.athleteId), 1);
  await work(
    queue,
    JOBS.window,
    async (p, signal) => uploadWindowJob(await engineFor(deps, p.athleteId), queue, p.workoutIds, p, signal),
    concurrency,
  );
  await work(
    queue,
    JOBS.confirm,
    async (p) => confirmJob(await engineFor(deps, p.athleteId), queue, p.workoutIds, p.round, p.athleteId),
    concurrency,
  );
}

/** The engine of the job's athlete (the jobs of an instance with one athlete carry none). */
async function engineFor(deps: EngineDeps, athleteId: string | undefined): Promise<EngineDeps> {
  return athleteId !== undefined && deps.athletes ? deps.athletes.deps(athleteId) : deps;
}

/** Each athlete's engine when there are several; else this one alone (its jobs then carry no athlete). */
async function engines(deps: EngineDeps): Promise<{ athleteId?: string; deps: EngineDeps }[]> {
  const all = deps.athletes ? await deps.athletes.ids() : [];
  if (all.length < 2) return [{ deps }];
  const out: { athleteId?: string; deps: EngineDeps }[] = [];
  for (const id of all) out.push({ athleteId: id, deps: await deps.athletes!.deps(id) });
  return out;
}

const withAthlete = (athleteId: string | undefined) => (athleteId === undefined ? {} : { athleteId });

/** Schedules the next poll of every source account (the daemon calls this at start). */
export async function schedulePolls(
  deps: EngineDeps,
  queue: Queue,
  firstInSeconds = 0,
  options: Pick<TaskOptions, 'onPollScheduled'> & { readonly accountIds?: readonly string[] } = {},
): Promise<void> {
  for (const engine of await engines(deps))
    for (const account of await engine.deps.store.listAccounts()) {
      if (account.kind === 'strava' || (options.accountIds && !options.accountIds.includes(account.id))) continue;
      const at = later(deps, firstInSeconds);
      // A poll already waiting for this account keeps its time (one waiting job per key).
      const id = await send(
        queue,
        JOBS.poll,
        { accountId: account.id, ...withAthlete(engine.athleteId) },
        { startAfter: at, singletonKey: `poll:${account.id}` },
      );
      if (id || !options.accountIds) options.onPollScheduled?.(account.id, at);
    }
}

async function pollAccount(
  deps: EngineDeps,
  queue: Queue,
  accountId: string,
  options: TaskOptions,
  signal?: AbortSignal,
  athleteId?: string,
): Promise<void> {
  const account = await deps.store.getAccount(accountId);
  if (!account) return; // disconnected since: the poll chain ends here
  const started = deps.clock.now().getTime();
  let ok = false;
  try {
    const result = await discover(deps, account, { signal });
    ok = result.stoppedBy === null;
    await send(
      queue,
      JOBS.dispatch,
      { accountId, ...withAthlete(athleteId) },
      { singletonKey: `dispatch:${accountId}` },
    );
  } finally {
    options.onPoll?.(accountId, account.kind, (deps.clock.now().getTime() - started) / 1000, ok);
    // Jitter spreads polls of many accounts so they do not hit the source together.
    const interval =
      typeof options.pollIntervalSeconds === 'number'
        ? options.pollIntervalSeconds
        : await options.pollIntervalSeconds().catch(() => 900);
    const next = later(deps, interval * (0.9 + deps.random() * 0.2));
    await send(
      queue,
      JOBS.poll,
      { accountId, ...withAthlete(athleteId) },
      { startAfter: next, singletonKey: `poll:${accountId}` },
    );
    options.onPollScheduled?.(accountId, next);
  }
}

/** History held back per account at the last dispatch, so the log says it once, not every poll. */
const heldBack = new Map<string, number>();

/**
 * Cuts pending work into windows; each window becomes one job any worker can
 * take (with several athletes, each carrying its athlete; see NEW_WORKOUTS_PRIORITY). What may be uploaded is the account's stored approval (approval.ts),
 * the same in every process. Uploads Strava still processes whose
 * confirmation chain ended (a crash, a restart) get a confirmation job again.
 */
export async function dispatch(
  deps: EngineDeps,
  queue: Queue,
  options: Partial<TaskOptions>,
  accountId?: string,
  athleteId?: string,
): Promise<number> {
  // With several athletes each job carries its athlete, and priorities share the one Strava
  // application fairly: every athlete's new workouts first, then the backfills window by window in turns.
  const scopes =
    athleteId !== undefined ? [{ athleteId, deps: await engineFor(deps, athleteId) }] : await engines(deps);
  let jobs = 0;
  for (const engine of scopes) jobs += await dispatchAthlete(engine.deps, queue, options, accountId, engine.athleteId);
  return jobs;
}

async function dispatchAthlete(
  deps: EngineDeps,
  queue: Queue,
  options: Partial<TaskOptions>,
  accountId: string | undefined,
  athleteId: string | undefined,
): Promise<number> {
  await openDiscovered(deps, accountId);
  const accounts = (await deps.store.listAccounts()).filter(
    (a) => a.kind !== 'strava' && (!accountId || a.id === accountId),
  );
  let jobs = 0;
  let backfillWindow = 0;
  for (const account of accounts) {
    const floor = await uploadFloor(deps.store, account);
    const all = await uploadable(deps, { accountId: account.id });
    const now = deps.clock.now().getTime();
    // A window the budget put off waits as its own job: sending its workouts again would only churn.
    const approved = all.filter((r) => floor === undefined || r.startTime >= floor);
    const pending = approved.filter((r) => !deferredHere(r.workoutId, now));
    const waiting = all.length - approved.length;
    if (waiting !== (heldBack.get(account.id) ?? 0)) {
      heldBack.set(account.id, waiting);
      if (waiting > 0)
        deps.logger.info('history waits for a backfill', {
          account: account.id,
          workouts: waiting,
          before: floor,
          fix: 'bandsync sync --all (or --since DATE), or Backfill on the dashboard',
        });
    }
    // Recorded since the account was connected: new; before it: backfill (approved history).
    const connectedAt = typeof account.settings.connectedAt === 'string' ? account.settings.connectedAt : undefined;
    const isNew = (r: PendingRecord) => connectedAt === undefined || r.startTime >= connectedAt;
    for (const part of [
      { items: pending.filter(isNew), backfill: false },
      { items: pending.filter((r) => !isNew(r)), backfill: true },
    ])
      for (const w of windows(part.items, options.windowSize ?? 200)) {
        const ids = w.items.map((i) => i.workoutId);
        const priority = part.backfill ? -++backfillWindow : NEW_WORKOUTS_PRIORITY;
        await send(
          queue,
          JOBS.window,
          { workoutIds: ids, ...withAthlete(athleteId), ...(part.backfill ? { priority } : {}) },
          { singletonKey: `window:${ids[0]}`, priority },
        );
        // Waiting in that job (behind others' priorities, or the budget): not cut into another one next minute.
        deferHere(ids, now + QUEUED_HOLD_MS);
        jobs++;
      }
    const unconfirmed = (
      await deps.store.listRecords({ destination: DESTINATION, states: ['processing'], accountId: account.id })
    )
      .filter((r) => now - Date.parse(r.updatedAt) > CONFIRM_DELAY_SECONDS * 4 * 1000)
      .sort(byStartTime);
    for (const w of windows(unconfirmed, 199)) {
      const ids = w.items.map((i) => i.workoutId);
      await send(
        queue,
        JOBS.confirm,
        { workoutIds: ids, round: 0, ...withAthlete(athleteId) },
        { singletonKey: `confirm:${ids[0]}` },
      );
      jobs++;
    }
  }
  await applyPendingUpdates(deps);
  return jobs;
}

/**
 * A job's records with their workouts' start, sport and name, in one query:
 * not their whole workouts, which the window reads one at a time when it
 * plans and uploads (reading all of a window's at once cost the daemon's
 * backfill up to 200 parsed workouts per job; issue 17).
 */
async function load(deps: EngineDeps, ids: readonly string[]): Promise<PendingRecord[]> {
  const records = await deps.store.listRecords({ destination: DESTINATION, workoutIds: ids });
  return records.sort(byStartTime);
}

/** A job a worker cannot act on: said in the log and in the ledger, never dropped silently. */
async function refuse(deps: EngineDeps, why: string, workoutIds: readonly (string | null)[], accountId: string | null) {
  deps.logger.warn('upload job not done', { reason: why, workouts: workoutIds.length });
  for (const workoutId of workoutIds)
    await deps.store.appendLedger({
      workoutId,
      accountId,
      event: 'job_refused',
      fromState: null,
      toState: null,
      reason: why,
      data: null,
    });
}

async function uploadWindowJob(
  deps: EngineDeps,
  queue: Queue,
  ids: string[],
  job: { athleteId?: string; priority?: number },
  signal?: AbortSignal,
): Promise<void> {
  try {
    await uploadWindow(deps, queue, ids, job, signal);
  } catch (err) {
    // A failed job leaves its workouts to the next dispatch, as before.
    releaseHere(ids);
    throw err;
  }
}

async function uploadWindow(
  deps: EngineDeps,
  queue: Queue,
  ids: string[],
  job: { athleteId?: string; priority?: number },
  signal?: AbortSignal,
): Promise<void> {
  const loaded = (await load(deps, ids)).filter((r) =>
    ['fetched', 'converted', 'failed', 'uploading'].includes(r.state),
  );
  // The stored approval decides, whichever process dispatched the job.
  const floors = new Map<string, string | undefined>();
  const items: PendingRecord[] = [];
  const refused: PendingRecord[] = [];
  for (const r of loaded) {
    if (!floors.has(r.accountId)) {
      const account = await deps.store.getAccount(r.accountId);
      floors.set(r.accountId, account ? await uploadFloor(deps.store, account) : '9999');
    }
    const floor = floors.get(r.accountId);
    (floor === undefined || r.startTime >= floor ? items : refused).push(r);
  }
  if (refused.length)
    await refuse(
      deps,
      `not approved for upload: recorded before ${floors.get(refused[0]!.accountId)} (the account's connection or backfill); to upload it: bandsync sync --all (or --since DATE), or Backfill on the dashboard`,
      refused.map((r) => r.workoutId),
      refused[0]!.accountId,
    );
  if (items.length === 0) return;
  let destination;
  try {
    destination = await deps.destination();
  } catch (err) {
    const e = toBandsyncError(err);
    const rule = ruleFor(e.code);
    if (!rule.needsUser) throw err;
    // Strava not connected or revoked: the workouts stay as they are and the next dispatch after the fix takes them.
    await markDestinationNeedsUser(deps, e.code);
    await refuse(deps, `${e.code}: ${rule.explain}`, [null], null);
    releaseHere(ids);
    return;
  }
  const [w] = windows(items, items.length);
  const tally = emptyTally();
  // A window dispatched as backfill (priority < 0) leaves the day's reserve to new workouts.
  const backfill = (job.priority ?? NEW_WORKOUTS_PRIORITY) < 0;
  await asBackfill(backfill, () => processWindow(deps, destination, w!, tally, { signal })).catch(
    async (err: unknown) => {
      // Stopped by shutdown: the job fails and is taken again on the next start (states are crash-safe).
      if (signal?.aborted) throw err;
      const e = toBandsyncError(err);
      // The window's listing found the read budget spent: the window waits for the reset below, like a spent upload.
      if (e.code === 'strava_rate_limited' && e.retryAt) return void (tally.retryAt = e.retryAt);
      await markDestinationNeedsUser(deps, e.code);
      throw err;
    },
  );
  await markDestinationNeedsUser(deps, tally.stoppedBy);
  if (tally.retryAt) {
    // Budget spent: the rest of this window runs when the window resets.
    deps.logger.info('upload window waits for the Strava budget', { until: tally.retryAt, workouts: ids.length });
    const rest = (await load(deps, ids))
      .filter((r) => ['fetched', 'converted', 'failed', 'uploading'].includes(r.state))
      .map((r) => r.workoutId);
    if (rest.length) {
      deferHere(rest, Date.parse(tally.retryAt) + TAKE_UP_MS);
      await send(
        queue,
        JOBS.window,
        {
          workoutIds: rest,
          ...withAthlete(job.athleteId),
          ...(job.priority !== undefined ? { priority: job.priority } : {}),
        },
        {
          startAfter: new Date(tally.retryAt),
          singletonKey: `window:${rest[0]}:${tally.retryAt}`,
          priority: job.priority ?? NEW_WORKOUTS_PRIORITY,
        },
      );
    }
  }
  await send(
    queue,
    JOBS.confirm,
    { workoutIds: ids, round: 0, ...withAthlete(job.athleteId) },
    { startAfter: later(deps, CONFIRM_DELAY_SECONDS), singletonKey: `confirm:${ids[0]}` },
  );
}

async function confirmJob(
  deps: EngineDeps,
  queue: Queue,
  ids: string[],
  round: number,
  athleteId?: string,
): Promise<void> {
  const items = (await load(deps, ids)).filter((r) => r.state === 'processing');
  if (items.length === 0) return;
  const destination = await deps.destination();
  const [w] = windows(items, items.length);
  const left = await confirmWindow(deps, destination, w!, emptyTally(), round >= CONFIRM_ROUNDS_BEFORE_POLLING).catch(
    async (err: unknown) => {
      const e = toBandsyncError(err);
      // Read budget spent: the same round runs again at the reset instead of failing and waiting for a re-dispatch.
      if (e.code === 'strava_rate_limited' && e.retryAt) return e.retryAt;
      await markDestinationNeedsUser(deps, e.code);
      throw err;
    },
  );
  if (typeof left === 'string') {
    await send(
      queue,
      JOBS.confirm,
      { workoutIds: ids, round, ...withAthlete(athleteId) },
      { startAfter: new Date(left), singletonKey: `confirm:${ids[0]}:${round}:${left}` },
    );
    return;
  }
  if (left > 0 && round < 10) {
    await send(
      queue,
      JOBS.confirm,
      { workoutIds: ids, round: round + 1, ...withAthlete(athleteId) },
      {
        startAfter: later(deps, CONFIRM_DELAY_SECONDS * 2 ** Math.min(round, 5)),
        singletonKey: `confirm:${ids[0]}:${round + 1}`,
      },
    );
  }
}
