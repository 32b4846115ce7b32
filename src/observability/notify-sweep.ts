// One call for the daemon (after each poll/upload round, or on a timer):
// turns the store's current problems into notifications, and marks problems
// that went away as resolved so they are sent again if they come back.
import type { Store } from '../sync/ports.js';
import { problemFromRecord, type Notifier, type Problem } from './notifier.js';

export interface SweepResult {
  readonly current: number;
  readonly sent: number;
  readonly resolved: number;
}

export async function sweepProblems(options: {
  store: Pick<Store, 'listAccounts' | 'listRecords'>;
  notifier: Notifier;
  repeatedFailures: number;
  destination?: string;
}): Promise<SweepResult> {
  const { store, notifier } = options;
  const problems = new Map<string, Problem>();
  const add = (p: Problem | null) => {
    if (p && !problems.has(`${p.subject}\u0000${p.code}`)) problems.set(`${p.subject}\u0000${p.code}`, p);
  };

  for (const a of await store.listAccounts()) {
    if (a.status === 'needs_user' && a.problem)
      add({
        subject: a.kind === 'strava' ? `destination:strava` : a.id,
        code: a.problem,
        message: `${a.label}: ${a.problem}`,
        accountId: a.id,
      });
  }
  const records = await store.listRecords({
    destination: options.destination ?? 'strava',
    states: ['failed', 'needs_user'],
    limit: 10_000,
  });
  for (const r of records) add(problemFromRecord(r, options.repeatedFailures));

  let sent = 0;
  for (const p of problems.values()) if ((await notifier.problem(p)).sent) sent++;
  let resolved = 0;
  for (const open of await notifier.open()) {
    if (!problems.has(`${open.subject}\u0000${open.code}`)) {
      await notifier.resolved(open.subject, open.code);
      resolved++;
    }
  }
  return { current: problems.size, sent, resolved };
}
