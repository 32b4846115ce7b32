// The invariant of issue 12: every stored workout is settled (synced,
// duplicate, skipped with a reason), or the engine will move it by itself
// (now, at the next run or poll, or at its recorded next_attempt_at), or it
// waits for the person with a reason and the command or button that fixes
// it. A record that is none of these is stuck: status, doctor and the
// dashboard report it. Pure: the caller hands in the account's upload floor.
import { MAX_ATTEMPTS, ruleFor } from './failures.js';
import type { SyncRecord } from './ports.js';
import { LOST_UPLOAD_GRACE_SECONDS } from './upload-window.js';

export type Standing =
  | { readonly kind: 'done' }
  /** The engine moves it at `at` (null: at the next sync or poll). */
  | { readonly kind: 'scheduled'; readonly at: string | null }
  | { readonly kind: 'needs_user'; readonly code: string; readonly fix: string }
  | { readonly kind: 'stuck'; readonly reason: string; readonly fix: string };

/** Recorded before the account's upload floor and not approved: waits for a backfill, which only the person starts. */
export const BACKFILL_FIX =
  'recorded before the account was connected; to upload it: bandsync sync --all (or --since DATE), or Backfill on the dashboard';

export function standing(
  record: Pick<SyncRecord, 'workoutId' | 'state' | 'code' | 'attempts' | 'nextAttemptAt' | 'updatedAt'> & {
    readonly startTime: string;
  },
  context: {
    /** The account's upload floor (undefined: the whole history is approved). */
    readonly floor: string | undefined;
    /** The workout's account still exists. */
    readonly accountExists: boolean;
  },
): Standing {
  const retry = `bandsync retry ${record.workoutId} (or Retry on the workout's page)`;
  switch (record.state) {
    case 'synced':
    case 'duplicate':
      return { kind: 'done' };
    case 'skipped':
      return record.code ? { kind: 'done' } : { kind: 'stuck', reason: 'skipped without a reason', fix: retry };
    case 'needs_user':
      return record.code
        ? { kind: 'needs_user', code: record.code, fix: ruleFor(record.code).explain }
        : { kind: 'stuck', reason: 'waits for you without a reason', fix: retry };
    case 'failed': {
      const rule = ruleFor(record.code ?? 'internal');
      if (rule.needsUser) return { kind: 'needs_user', code: record.code ?? 'internal', fix: rule.explain };
      if (rule.retry !== 'never' && record.attempts < MAX_ATTEMPTS)
        return orphan(context) ?? { kind: 'scheduled', at: record.nextAttemptAt };
      return {
        kind: 'needs_user',
        code: record.code ?? 'internal',
        fix: `${rule.explain} It is not retried by itself: ${retry} once the cause is fixed, or bandsync skip ${record.workoutId}.`,
      };
    }
    case 'discovered':
    case 'fetched':
    case 'converted':
      if (!context.accountExists) return orphanStuck();
      if (context.floor !== undefined && record.startTime < context.floor)
        return { kind: 'needs_user', code: 'backfill', fix: BACKFILL_FIX };
      return { kind: 'scheduled', at: null };
    case 'uploading': {
      // Resolved by listing first; sent again only after the lost-upload grace.
      const grace = new Date(Date.parse(record.updatedAt) + LOST_UPLOAD_GRACE_SECONDS * 1000).toISOString();
      const at = record.nextAttemptAt && record.nextAttemptAt > grace ? record.nextAttemptAt : grace;
      return orphan(context) ?? { kind: 'scheduled', at };
    }
    case 'processing':
      return orphan(context) ?? { kind: 'scheduled', at: null };
    default:
      return { kind: 'stuck', reason: `unknown state ${String(record.state)}`, fix: retry };
  }
}

function orphan(context: { accountExists: boolean }): Standing | null {
  return context.accountExists ? null : orphanStuck();
}

function orphanStuck(): Standing {
  return {
    kind: 'stuck',
    reason: 'its source account is gone',
    fix: 'connect the source again, or remove the workout (bandsync skip ID)',
  };
}
