// Why a workout is not on Strava, and what fixes it: the same words and the
// same actions wherever a failed, held or skipped workout is shown (list,
// workout page, overview).
import { ruleFor } from '../sync/failures.js';
import type { SyncRecord } from '../sync/ports.js';

/** What the person can do about it; pages turn each into a button or a link. */
export type FixAction = 'retry' | 'reconnect' | 'remap' | 'unskip' | 'anyway';

export interface WorkoutProblem {
  /** One line: what happened and what it means. */
  readonly reason: string;
  /** The technical detail (the service's own message), when there is one. */
  readonly detail: string | null;
  readonly actions: readonly FixAction[];
}

const SKIP_REASONS: Record<string, string> = {
  user: 'Skipped by you.',
  rule: 'Skipped by a sport rule.',
};

/** Null for workouts that are fine (on Strava, or on their way). */
export function workoutProblem(r: Pick<SyncRecord, 'state' | 'code' | 'lastError'>): WorkoutProblem | null {
  if (r.state === 'skipped')
    return {
      reason: SKIP_REASONS[r.code ?? ''] ?? `Skipped${r.code ? ` (${r.code.replace(/_/g, ' ')})` : ''}.`,
      detail: null,
      actions: ['unskip'],
    };
  if (r.state !== 'failed' && r.state !== 'needs_user') return null;
  const rule = ruleFor(r.code ?? 'internal');
  const actions: FixAction[] = [];
  if (rule.scope === 'account' || rule.scope === 'destination' || r.code === 'source_password')
    actions.push('reconnect');
  else if (r.code === 'sport_unknown') actions.push('remap');
  else if (r.code === 'source_damaged') actions.push('anyway');
  else actions.push('retry');
  return { reason: rule.explain, detail: r.lastError && r.lastError !== rule.explain ? r.lastError : null, actions };
}

/** Failure codes whose explanation mentions `text`, so a search for a reason finds its workouts. */
export function codesExplaining(text: string, codes: readonly string[]): string[] {
  const needle = text.trim().toLowerCase();
  if (needle.length < 3) return [];
  return codes.filter((c) => ruleFor(c).explain.toLowerCase().includes(needle));
}
