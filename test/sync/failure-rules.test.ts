// A failure code is looked up among the table's own keys (issue 15: `name in
// ACTIONS` accepted `constructor`; the doctor's `code in FAILURES` did too,
// and ruleFor('constructor') returned Object's constructor as a rule).
import { describe, expect, it } from 'vitest';
import { FAILURES, isFailureCode, ruleFor } from '../../src/sync/failures.js';

describe('failure rules', () => {
  it('every code of the table has its own rule', () => {
    for (const [code, rule] of Object.entries(FAILURES)) {
      expect(isFailureCode(code)).toBe(true);
      expect(ruleFor(code)).toBe(rule);
    }
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'rule', ''])(
    '%j is no failure code: the internal rule, with its explanation',
    (code) => {
      expect(isFailureCode(code)).toBe(false);
      expect(ruleFor(code)).toBe(FAILURES.internal);
      expect(typeof ruleFor(code).explain).toBe('string');
    },
  );
});
