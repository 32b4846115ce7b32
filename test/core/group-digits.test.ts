// groupDigits writes counts and sizes as toLocaleString('en-US') does, without
// Intl (issue 17); ICU's formatting is the independent oracle. byStartTime
// orders stored starts as time does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../src/core/group-digits.js';
import { byStartTime } from '../../src/sync/plan.js';

describe('groupDigits', () => {
  it('groups integers in threes as en-US does, signs and edges included', () => {
    for (const n of [0, 7, 999, 1000, 12345, 100000, 1234567, 1073741824, -1, -1000, -987654321])
      expect(groupDigits(n)).toBe(n.toLocaleString('en-US'));
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => groupDigits(n) === n.toLocaleString('en-US')),
      { numRuns: 2000 },
    );
  });

  it('keeps a fraction as written, grouping only the whole part', () => {
    expect(groupDigits(1234.5)).toBe('1,234.5');
    expect(groupDigits(0.25)).toBe('0.25');
  });
});

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
