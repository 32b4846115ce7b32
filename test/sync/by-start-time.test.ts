// byStartTime (sync/plan.ts) orders stored starts as time does: the order the
// engine's windows need, without ICU's collation (issue 17).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { byStartTime } from '../../src/sync/plan.js';

describe('byStartTime', () => {
  it('orders ISO starts (as the store gives them) by time, oldest first', () => {
    const times = fc.array(fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), {
      maxLength: 50,
    });
    fc.assert(
      fc.property(times, (dates) => {
        const sorted = dates.map((d) => ({ startTime: d.toISOString() })).sort(byStartTime);
        const expected = [...dates].sort((a, b) => a.getTime() - b.getTime()).map((d) => d.toISOString());
        return sorted.map((r) => r.startTime).join() === expected.join();
      }),
    );
  });
});
