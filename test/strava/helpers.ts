// Test-only parts: a FIT writer built on Garmin's SDK (independent of
// bandsync's encoder), an in-memory RateBudgetStore and TokenStore, and a
// named async mutex standing in for the store's database lock.
import { Encoder, Profile } from '@garmin/fitsdk';
import type { RateBudgetSnapshot, RateBudgetStore } from '../../src/sync/ports.js';
import { dayStart, nextDayReset, nextWindowReset, windowStart } from '../../src/strava/rate-budget.js';
import type { StravaTokens, TokenStore } from '../../src/strava/tokens.js';

export interface FitSpec {
  start: Date;
  /** seconds */
  elapsed: number;
  /** [startOffset, endOffset] seconds of each pause */
  pauses?: [number, number][];
  distanceMeters: number;
  heartRate?: boolean;
  gps?: boolean;
  sport?: string;
  subSport?: string;
  utcOffsetSeconds?: number;
}

const FIT_EPOCH_S = 631065600;

export function makeFit(spec: FitSpec): Uint8Array {
  const encoder = new Encoder();
  // The SDK's message types are a union; plain objects are what it encodes.
  const enc = { writeMesg: (m: Record<string, unknown>) => encoder.writeMesg(m as never) };
  const startS = Math.floor(spec.start.getTime() / 1000);
  const at = (offset: number): Date => new Date((startS + offset) * 1000);
  const pauses = spec.pauses ?? [];
  const paused = (t: number): boolean => pauses.some(([a, b]) => t > a && t < b);
  const pausedTotal = pauses.reduce((s, [a, b]) => s + (b - a), 0);
  enc.writeMesg({
    mesgNum: Profile.MesgNum.FILE_ID!,
    type: 'activity',
    manufacturer: 'zepp',
    product: 1,
    timeCreated: spec.start,
    serialNumber: 1234,
  });
  enc.writeMesg({ mesgNum: Profile.MesgNum.EVENT!, timestamp: at(0), event: 'timer', eventType: 'start' });
  const step = 10;
  for (let t = 0; t <= spec.elapsed; t += step) {
    for (const [a, b] of pauses) {
      if (a >= t - step && a < t)
        enc.writeMesg({ mesgNum: Profile.MesgNum.EVENT!, timestamp: at(a), event: 'timer', eventType: 'stopAll' });
      if (b >= t - step && b < t)
        enc.writeMesg({ mesgNum: Profile.MesgNum.EVENT!, timestamp: at(b), event: 'timer', eventType: 'start' });
    }
    if (paused(t)) continue;
    const rec: Record<string, unknown> = {
      mesgNum: Profile.MesgNum.RECORD!,
      timestamp: at(t),
      distance: (spec.distanceMeters * t) / spec.elapsed,
    };
    if (spec.heartRate) rec.heartRate = 120 + (t % 30);
    if (spec.gps) {
      rec.positionLat = Math.round((38.7 + t * 1e-5) * (2 ** 31 / 180));
      rec.positionLong = Math.round((-9.14 + t * 1e-5) * (2 ** 31 / 180));
    }
    enc.writeMesg(rec);
  }
  enc.writeMesg({ mesgNum: Profile.MesgNum.EVENT!, timestamp: at(spec.elapsed), event: 'timer', eventType: 'stopAll' });
  const timer = spec.elapsed - pausedTotal;
  const sport = spec.sport ?? 'running';
  enc.writeMesg({
    mesgNum: Profile.MesgNum.LAP!,
    timestamp: at(spec.elapsed),
    startTime: spec.start,
    totalElapsedTime: spec.elapsed,
    totalTimerTime: timer,
    totalDistance: spec.distanceMeters,
    sport,
    event: 'lap',
    eventType: 'stop',
  });
  enc.writeMesg({
    mesgNum: Profile.MesgNum.SESSION!,
    timestamp: at(spec.elapsed),
    startTime: spec.start,
    totalElapsedTime: spec.elapsed,
    totalTimerTime: timer,
    totalDistance: spec.distanceMeters,
    sport,
    subSport: spec.subSport ?? 'generic',
    firstLapIndex: 0,
    numLaps: 1,
    event: 'session',
    eventType: 'stop',
  });
  enc.writeMesg({
    mesgNum: Profile.MesgNum.ACTIVITY!,
    timestamp: at(spec.elapsed),
    numSessions: 1,
    type: 'manual',
    event: 'activity',
    eventType: 'stop',
    localTimestamp: startS + spec.elapsed + (spec.utcOffsetSeconds ?? 0) - FIT_EPOCH_S,
  });
  return encoder.close();
}

/** In-memory budget with the semantics the database store implements: reserve, record headers, block after 429. */
export function memoryBudget(limits = { overall15: 200, overallDay: 2000, read15: 100, readDay: 1000 }) {
  let window = 0;
  let day = 0;
  const u = { overall15: 0, overallDay: 0, read15: 0, readDay: 0 };
  const l = { ...limits };
  let blockedUntil: string | null = null;
  const roll = (now: Date): void => {
    const w = windowStart(now).getTime();
    const d = dayStart(now).getTime();
    if (d !== day) {
      day = d;
      u.overallDay = 0;
      u.readDay = 0;
    }
    if (w !== window) {
      window = w;
      u.overall15 = 0;
      u.read15 = 0;
    }
  };
  const store: RateBudgetStore & { blocks: string[]; reservations: number } = {
    blocks: [],
    reservations: 0,
    async tryReserve(kind, now, keepForUploads) {
      roll(now);
      if (blockedUntil && Date.parse(blockedUntil) > now.getTime()) return blockedUntil;
      if (u.overallDay >= l.overallDay || (kind === 'read' && u.readDay >= l.readDay))
        return nextDayReset(now).toISOString();
      const reserve = kind === 'read' ? keepForUploads : 0;
      if (u.overall15 + reserve >= l.overall15 || (kind === 'read' && u.read15 >= l.read15))
        return nextWindowReset(now).toISOString();
      u.overall15++;
      u.overallDay++;
      if (kind === 'read') {
        u.read15++;
        u.readDay++;
      }
      store.reservations++;
      return null;
    },
    async record(headers, now) {
      roll(now);
      if (headers.overall) {
        [l.overall15, l.overallDay] = headers.overall;
        u.overall15 = Math.max(u.overall15, headers.overall[2]);
        u.overallDay = Math.max(u.overallDay, headers.overall[3]);
      }
      if (headers.read) {
        [l.read15, l.readDay] = headers.read;
        u.read15 = Math.max(u.read15, headers.read[2]);
        u.readDay = Math.max(u.readDay, headers.read[3]);
      }
    },
    async block(until) {
      blockedUntil = until;
      store.blocks.push(until);
    },
    async snapshot(now): Promise<RateBudgetSnapshot> {
      roll(now);
      return {
        overall: { limit15: l.overall15, usage15: u.overall15, limitDay: l.overallDay, usageDay: u.overallDay },
        read: { limit15: l.read15, usage15: u.read15, limitDay: l.readDay, usageDay: u.readDay },
        windowEndsAt: nextWindowReset(now).toISOString(),
        dayEndsAt: nextDayReset(now).toISOString(),
        blockedUntil,
        updatedAt: now.toISOString(),
      };
    },
  };
  return store;
}

export function memoryTokens(
  initial: StravaTokens | null,
): TokenStore & { current(): StravaTokens | null; saves: number } {
  let current = initial;
  const store = {
    saves: 0,
    async load() {
      return current;
    },
    async save(t: StravaTokens) {
      current = t;
      store.saves++;
    },
    current: () => current,
  };
  return store;
}

/** A named mutex: what the store's withLock gives across processes. */
export function memoryLock() {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const prev = tails.get(name) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    tails.set(name, run);
    return run;
  };
}

/** A clock the test moves by hand. */
export function manualClock(startIso: string) {
  let t = Date.parse(startIso);
  return {
    now: (): Date => new Date(t),
    advance(seconds: number): void {
      t += seconds * 1000;
    },
    set(iso: string): void {
      t = Date.parse(iso);
    },
  };
}
