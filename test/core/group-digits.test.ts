// groupDigits writes counts and sizes as toLocaleString('en-US') does, without
// Intl (issue 17); ICU's formatting is the independent oracle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../src/core/group-digits.js';

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
