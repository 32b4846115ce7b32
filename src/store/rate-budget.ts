// The shared Strava budget (F10): one row, read with SELECT … FOR UPDATE and
// written back in the same transaction, so every worker of every machine sees
// one consistent count. Usage rolls to 0 when `now` passes a window's end.
import type { RateBudgetSnapshot, RateBudgetStore } from '../sync/ports.js';
import type { Db, Queryable } from './db.js';
import { iso, isoOrNull } from './rows.js';
import { DAY_MS, dayEnd, quarterEnd } from './windows.js';
import {
  NEW_WORKOUT_RESERVE_PERCENT,
  STRAVA_DEFAULT_LIMITS,
  newWorkoutReserve,
  type StravaLimits,
} from '../core/limits.js';

export type { StravaLimits } from '../core/limits.js';

interface Budget {
  limit15: number;
  usage15: number;
  limitDay: number;
  usageDay: number;
  readLimit15: number;
  readUsage15: number;
  readLimitDay: number;
  readUsageDay: number;
  windowEndsAt: Date;
  dayEndsAt: Date;
  blockedUntil: Date | null;
  updatedAt: Date;
  /** Requests for new workouts today, since when, and yesterday (newWorkoutReserve). */
  freshUsageDay: number;
  freshSince: Date | null;
  freshPrevDay: number;
}

const SELECT = `SELECT limit15, usage15, limit_day, usage_day, read_limit15, read_usage15,
  read_limit_day, read_usage_day, window_ends_at, day_ends_at, blocked_until, updated_at,
  fresh_usage_day, fresh_since, fresh_prev_day
  FROM rate_budget WHERE id = 1`;

async function load(q: Queryable, forUpdate: boolean): Promise<Budget> {
  const rows = await q.query(forUpdate ? `${SELECT} FOR UPDATE` : SELECT);
  const r = rows[0];
  if (!r) throw new Error('the rate_budget row is missing: the database was not migrated');
  return {
    limit15: Number(r.limit15),
    usage15: Number(r.usage15),
    limitDay: Number(r.limit_day),
    usageDay: Number(r.usage_day),
    readLimit15: Number(r.read_limit15),
    readUsage15: Number(r.read_usage15),
    readLimitDay: Number(r.read_limit_day),
    readUsageDay: Number(r.read_usage_day),
    windowEndsAt: new Date(iso(r.window_ends_at)),
    dayEndsAt: new Date(iso(r.day_ends_at)),
    blockedUntil: r.blocked_until ? new Date(iso(r.blocked_until)) : null,
    updatedAt: new Date(iso(r.updated_at)),
    freshUsageDay: Number(r.fresh_usage_day),
    freshSince: r.fresh_since ? new Date(iso(r.fresh_since)) : null,
    freshPrevDay: Number(r.fresh_prev_day),
  };
}

/** The budget as of `now`: windows that ended are reset to zero usage. */
function rolled(b: Budget, now: Date): Budget {
  const out = { ...b };
  if (now.getTime() >= b.windowEndsAt.getTime()) {
    out.usage15 = 0;
    out.readUsage15 = 0;
    out.windowEndsAt = quarterEnd(now);
  }
  if (now.getTime() >= b.dayEndsAt.getTime()) {
    out.usageDay = 0;
    out.readUsageDay = 0;
    // The day that ended is yesterday only if it ended less than a day ago.
    out.freshPrevDay = now.getTime() < b.dayEndsAt.getTime() + DAY_MS ? b.freshUsageDay : 0;
    out.freshUsageDay = 0;
    out.freshSince = null;
    out.dayEndsAt = dayEnd(now);
  }
  return out;
}

async function save(q: Queryable, b: Budget, now: Date): Promise<void> {
  await q.query(
    `UPDATE rate_budget SET limit15 = $1, usage15 = $2, limit_day = $3, usage_day = $4,
       read_limit15 = $5, read_usage15 = $6, read_limit_day = $7, read_usage_day = $8,
       window_ends_at = $9, day_ends_at = $10, updated_at = $11,
       fresh_usage_day = $12, fresh_since = $13, fresh_prev_day = $14 WHERE id = 1`,
    [
      b.limit15,
      b.usage15,
      b.limitDay,
      b.usageDay,
      b.readLimit15,
      b.readUsage15,
      b.readLimitDay,
      b.readUsageDay,
      b.windowEndsAt.toISOString(),
      b.dayEndsAt.toISOString(),
      now.toISOString(),
      b.freshUsageDay,
      b.freshSince?.toISOString() ?? null,
      b.freshPrevDay,
    ],
  );
}

/**
 * The limits bandsync keeps to: Strava's defaults, or what Strava granted the
 * application on request (config stravaLimits). The row keeps what Strava's
 * headers last stated; the budget uses the lower of the two, so a raise is
 * used only once it is configured, and a lower limit from Strava always wins.
 */
function capped(b: Budget, l: StravaLimits): Budget {
  return {
    ...b,
    limit15: Math.min(b.limit15, l.overall15),
    limitDay: Math.min(b.limitDay, l.overallDay),
    readLimit15: Math.min(b.readLimit15, l.read15),
    readLimitDay: Math.min(b.readLimitDay, l.readDay),
  };
}

/**
 * The daily limits as backfill sees them (issue 18): the reserve for new
 * workouts taken off, at least config stravaLimits.newWorkoutReservePercent
 * and more when they come faster (newWorkoutReserve); reads keep the same share.
 */
function withoutReserve(b: Budget, percent: number, now: Date): Budget {
  const fresh = { today: b.freshUsageDay, since: b.freshSince, yesterday: b.freshPrevDay };
  const reserve = newWorkoutReserve(b.limitDay, percent, fresh, now, b.dayEndsAt);
  const readReserve = b.limitDay > 0 ? Math.ceil((b.readLimitDay * reserve) / b.limitDay) : 0;
  return { ...b, limitDay: b.limitDay - reserve, readLimitDay: b.readLimitDay - readReserve };
}

/** Whichever spent window resets last is the one that binds. */
function retryAt(b: Budget, kind: 'upload' | 'read'): string {
  const daySpent = b.usageDay >= b.limitDay || (kind === 'read' && b.readUsageDay >= b.readLimitDay);
  return (daySpent ? b.dayEndsAt : b.windowEndsAt).toISOString();
}

export function createRateBudgetStore(db: Db, limits: StravaLimits = STRAVA_DEFAULT_LIMITS): RateBudgetStore {
  const reserve = limits.newWorkoutReservePercent ?? NEW_WORKOUT_RESERVE_PERCENT;
  return {
    tryReserve(kind, now, keepForUploads, backfill = false, newWorkouts = false) {
      return db.transaction(async (tx) => {
        const stored = await load(tx, true);
        if (stored.blockedUntil && stored.blockedUntil.getTime() > now.getTime())
          return stored.blockedUntil.toISOString();
        const b = rolled(stored, now);
        // Backfill stops at the daily reserve and, like at the limit, waits for midnight UTC.
        const l = backfill ? withoutReserve(capped(b, limits), reserve, now) : capped(b, limits);
        const overallOk = b.usage15 < l.limit15 && b.usageDay < l.limitDay;
        const readOk =
          kind === 'upload' ||
          (b.readUsage15 < l.readLimit15 && b.readUsageDay < l.readLimitDay && l.limit15 - b.usage15 > keepForUploads);
        if (!overallOk || !readOk) {
          await save(tx, b, now); // persists a roll-over even when refusing
          return retryAt(l, kind);
        }
        b.usage15 += 1;
        b.usageDay += 1;
        if (newWorkouts) {
          b.freshUsageDay += 1;
          b.freshSince ??= now;
        }
        if (kind === 'read') {
          b.readUsage15 += 1;
          b.readUsageDay += 1;
        }
        await save(tx, b, now);
        return null;
      });
    },

    record(headers, now) {
      if (!headers.overall && !headers.read) return Promise.resolve();
      return db.transaction(async (tx) => {
        const b = rolled(await load(tx, true), now);
        // Tuples are [limit15, limitDay, usage15, usageDay] as in the X-RateLimit-Limit/Usage headers.
        if (headers.overall) {
          const [limit15, limitDay, usage15, usageDay] = headers.overall;
          b.limit15 = limit15;
          b.limitDay = limitDay;
          b.usage15 = Math.max(b.usage15, usage15);
          b.usageDay = Math.max(b.usageDay, usageDay);
        }
        if (headers.read) {
          const [limit15, limitDay, usage15, usageDay] = headers.read;
          b.readLimit15 = limit15;
          b.readLimitDay = limitDay;
          b.readUsage15 = Math.max(b.readUsage15, usage15);
          b.readUsageDay = Math.max(b.readUsageDay, usageDay);
        }
        await save(tx, b, now);
      });
    },

    async block(until) {
      await db.query('UPDATE rate_budget SET blocked_until = $1 WHERE id = 1', [new Date(until).toISOString()]);
    },

    async snapshot(now): Promise<RateBudgetSnapshot> {
      const stored = await load(db, false);
      const b = capped(rolled(stored, now), limits);
      const blocked = b.blockedUntil && b.blockedUntil.getTime() > now.getTime() ? b.blockedUntil.toISOString() : null;
      return {
        overall: { limit15: b.limit15, usage15: b.usage15, limitDay: b.limitDay, usageDay: b.usageDay },
        read: { limit15: b.readLimit15, usage15: b.readUsage15, limitDay: b.readLimitDay, usageDay: b.readUsageDay },
        windowEndsAt: b.windowEndsAt.toISOString(),
        dayEndsAt: b.dayEndsAt.toISOString(),
        blockedUntil: blocked,
        updatedAt: isoOrNull(b.updatedAt) ?? now.toISOString(),
      };
    },
  };
}
