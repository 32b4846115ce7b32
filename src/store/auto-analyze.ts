// Planner statistics for the embedded engine. A PostgreSQL server keeps them
// fresh with autovacuum; PGlite runs no autovacuum, so a table that grew
// since its last ANALYZE (or was never analyzed) is planned as if nearly
// empty, and joins of thousands of rows become nested loops: with 2,000
// workouts waiting, the dispatcher's list of pending records took 1.8 s
// instead of 0.12 s (bench/fairness). This counts the rows written and runs
// ANALYZE, as autovacuum would, once they pass its threshold.

/** autovacuum's defaults: analyze after 50 rows + 10 % of the rows the last analysis saw. */
const BASE_THRESHOLD = 50;
const SCALE_FACTOR = 0.1;

export interface AutoAnalyze {
  /** Told after every statement: the rows it inserted, updated or deleted. */
  wrote(rows: number): void;
  /** Resolves when no analysis is running (before the database closes). */
  idle(): Promise<void>;
}

/**
 * `analyze` runs ANALYZE and returns the rows the tables hold now; it is
 * started in the background after the statement that crossed the threshold
 * (outside its transaction, if any), one at a time.
 */
export function autoAnalyze(analyze: () => Promise<number>): AutoAnalyze {
  let written = 0;
  let seen = 0;
  let running: Promise<void> | null = null;
  return {
    wrote(rows) {
      written += rows;
      if (running || written < BASE_THRESHOLD + SCALE_FACTOR * seen) return;
      written = 0;
      // Queued behind the statement's own transaction, if any: PGlite runs one at a time.
      running = Promise.resolve()
        .then(analyze)
        .then(
          (rows) => void (seen = rows),
          // Statistics only guide the planner: a failed analysis is retried after the next writes.
          () => undefined,
        )
        .finally(() => (running = null));
    },
    idle: async () => {
      while (running) await running;
    },
  };
}
