// The part of Strava's daily limit a backfill leaves to new workouts (issue
// 18, core/limits.ts): the configured percent, or what the measured rate of
// requests outside backfills needs until midnight UTC, whichever is more.
// The expected values are worked by hand in the comments.
import { describe, expect, it } from 'vitest';
import { newWorkoutReserve } from '../../src/core/limits.js';

const at = (iso: string) => new Date(`2026-11-02T${iso}Z`);
const MIDNIGHT = new Date('2026-11-03T00:00:00Z');
const none = { today: 0, since: null, yesterday: 0 };

describe('newWorkoutReserve', () => {
  it('is the configured percent when nothing outside a backfill was asked for', () => {
    expect(newWorkoutReserve(2000, 10, none, at('08:00:00'), MIDNIGHT)).toBe(200);
    expect(newWorkoutReserve(2000, 25, none, at('08:00:00'), MIDNIGHT)).toBe(500);
  });

  it("grows with today's rate for the hours left", () => {
    // 39 requests since 06:10; at 08:15 that is 18.72 an hour; 15.75 h left: 294.84, ×1.25 = 368.55.
    expect(
      newWorkoutReserve(2000, 10, { today: 39, since: at('06:10:00'), yesterday: 0 }, at('08:15:00'), MIDNIGHT),
    ).toBe(369);
    // The same rate at 22:05 needs less than the percent: 1.92 h left × 18.72 × 1.25 = 44.9.
    expect(
      newWorkoutReserve(2000, 10, { today: 39, since: at('20:00:00'), yesterday: 0 }, at('22:05:00'), MIDNIGHT),
    ).toBe(200);
  });

  it('measures over at least an hour, takes yesterday when it was busier, and never keeps over half the day', () => {
    // 3 requests a minute ago count as 3 an hour: 10 h × 3 × 1.25 = 37.5, under the 10 %.
    expect(
      newWorkoutReserve(2000, 10, { today: 3, since: at('13:59:00'), yesterday: 0 }, at('14:00:00'), MIDNIGHT),
    ).toBe(200);
    // Yesterday 960: 40 an hour; 10 h left: 400 × 1.25 = 500.
    expect(
      newWorkoutReserve(2000, 10, { today: 1, since: at('13:00:00'), yesterday: 960 }, at('14:00:00'), MIDNIGHT),
    ).toBe(500);
    expect(
      newWorkoutReserve(2000, 10, { today: 900, since: at('13:00:00'), yesterday: 0 }, at('14:00:00'), MIDNIGHT),
    ).toBe(1000);
  });

  it('keeps nothing when the configured percent is 0', () => {
    expect(
      newWorkoutReserve(2000, 0, { today: 900, since: at('13:00:00'), yesterday: 0 }, at('14:00:00'), MIDNIGHT),
    ).toBe(0);
  });
});
