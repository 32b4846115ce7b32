// Server-sent events: backfill progress as the engine reports it, and the
// rate budget and the counts per state every few seconds, so Overview and Backfill stay live.
import { shownCounts } from '../../sync/invariant-report.js';
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { BackfillProgress, ServerDeps } from '../deps.js';
import type { AppEnv } from '../security.js';

const BUDGET_EVERY_MS = 5000;

export function registerEvents(app: Hono<AppEnv>, deps: ServerDeps): void {
  app.get('/events', (c) => {
    c.header('Cache-Control', 'no-store');
    return streamSSE(c, async (stream) => {
      let id = 0;
      const queue: BackfillProgress[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = c.get('view').engine.subscribe((p) => {
        queue.push(p);
        wake?.();
      });
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      try {
        const status = await c.get('view').engine.status();
        if (status.backfill)
          await stream.writeSSE({ event: 'progress', data: JSON.stringify(status.backfill), id: String(++id) });
        let lastBudget = 0;
        while (!closed) {
          while (queue.length) {
            const p = queue.shift() as BackfillProgress;
            await stream.writeSSE({ event: 'progress', data: JSON.stringify(p), id: String(++id) });
            if (p.finished) lastBudget = 0;
          }
          if (Date.now() - lastBudget >= BUDGET_EVERY_MS) {
            lastBudget = Date.now();
            const [budget, counts] = await Promise.all([
              deps.budget.snapshot(deps.now()),
              shownCounts(c.get('view').store),
            ]);
            await stream.writeSSE({ event: 'budget', data: JSON.stringify(budget), id: String(++id) });
            await stream.writeSSE({ event: 'counts', data: JSON.stringify(counts), id: String(++id) });
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, BUDGET_EVERY_MS).unref?.();
          });
          wake = null;
        }
      } finally {
        unsubscribe();
      }
    });
  });
}
