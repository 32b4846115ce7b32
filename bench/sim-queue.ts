// The Queue port on a simulated clock, for benches: pg-boss's rules (among
// due jobs the highest priority first, then the oldest; a singleton key holds
// one waiting job; startAfter delays a job) with time that jumps to the next
// due job instead of passing. One job at a time, as a daemon with
// --concurrency 1. Real pg-boss compares startAfter with the database's clock,
// so a simulated day cannot run through it.
import type { JobOptions, Queue } from '../src/sync/ports.js';

interface Job {
  readonly id: string;
  readonly name: string;
  readonly payload: Record<string, unknown>;
  readonly due: number;
  readonly priority: number;
  readonly seq: number;
  readonly key: string | undefined;
}

type Handler = (payload: unknown, ctx: { jobId: string; signal: AbortSignal }) => Promise<void>;

export interface SimQueue extends Queue {
  /** Runs the next due job; false when none is due. */
  runNext(): Promise<boolean>;
  /** When the next waiting job falls due (ms), or null when none waits. */
  nextDue(): number | null;
  readonly failures: string[];
  peek(): string[];
}

export function simQueue(now: () => number): SimQueue {
  const waiting: Job[] = [];
  const handlers = new Map<string, Handler>();
  const failures: string[] = [];
  const signal = new AbortController().signal;
  let seq = 0;
  return {
    failures,
    async send(name, payload, options: JobOptions = {}) {
      if (options.singletonKey && waiting.some((j) => j.name === name && j.key === options.singletonKey)) return null;
      const job: Job = {
        id: `job-${++seq}`,
        name,
        payload,
        due: options.startAfter ? options.startAfter.getTime() : now(),
        priority: options.priority ?? 0,
        seq,
        key: options.singletonKey,
      };
      waiting.push(job);
      return job.id;
    },
    async work(name, handler) {
      handlers.set(name, handler);
    },
    async depth() {
      const out: Record<string, number> = {};
      for (const j of waiting) out[j.name] = (out[j.name] ?? 0) + 1;
      return out;
    },
    async stop() {},
    peek() {
      return waiting.map(
        (j) =>
          `${j.name}|${j.key}|${new Date(j.due).toISOString().slice(11, 16)}|${(j.payload.workoutIds as string[] | undefined)?.length}`,
      );
    },
    nextDue() {
      return waiting.length ? Math.min(...waiting.map((j) => j.due)) : null;
    },
    async runNext() {
      const t = now();
      const due = waiting
        .filter((j) => j.due <= t && handlers.has(j.name))
        .sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      const job = due[0];
      if (!job) return false;
      waiting.splice(waiting.indexOf(job), 1);
      await handlers.get(job.name)!(job.payload, { jobId: job.id, signal }).catch((err: Error) =>
        failures.push(`${job.name}: ${err.message}`),
      );
      return true;
    },
  };
}
