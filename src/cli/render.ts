// Human-readable renderings of engine results, shared by commands.
import { ruleFor } from '../sync/failures.js';
import type { SyncSummary } from '../sync/sync-all.js';

export function renderSummary(s: SyncSummary & { stravaRequests?: number }): string {
  const lines = [
    `Source workouts seen: ${s.sourceWorkouts} (${s.newWorkouts} new)`,
    `Uploaded: ${s.uploaded}   Already on Strava: ${s.duplicates}   Skipped: ${s.skipped}   Failed: ${s.failed}   Needs you: ${s.needsUser}`,
  ];
  if (s.pending)
    lines.push(`Still pending: ${s.pending}${s.retryAt ? ` (Strava rate limit; resumes at ${s.retryAt})` : ''}`);
  if (s.stravaRequests !== undefined) lines.push(`Strava requests: ${s.stravaRequests}`);
  for (const a of s.accounts) if (a.problem) lines.push(`! ${a.kind} ${a.id}: ${ruleFor(a.problem).explain}`);
  if (s.stoppedBy) lines.push(`! Stopped: ${ruleFor(s.stoppedBy).explain}`);
  return lines.join('\n');
}

export function renderPlan(rows: SyncSummary['plan']): string {
  if (rows.length === 0) return 'Nothing to do.';
  const out = ['DECISION   START (UTC)           SPORT            REASON'];
  for (const r of rows) {
    out.push(
      `${r.action.padEnd(10)} ${r.startTime.slice(0, 19).replace('T', ' ').padEnd(21)} ${r.sport.padEnd(16)} ${r.reason}`,
    );
  }
  const count = (a: string) => rows.filter((r) => r.action === a).length;
  out.push(
    `\n${count('upload')} to upload, ${count('duplicate')} already on Strava, ${count('skip')} skipped, ${count('hold')} on hold. Nothing was sent (dry run).`,
  );
  return out.join('\n');
}
