// Password guessing on the dashboard: per-address lock-out, a cap over all
// addresses, and the window passing (an injected clock).
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/server/login-throttle.js';

function clock(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('login throttle', () => {
  it('locks an address out after 5 failures for the rest of the 15-minute window', () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < 4; i++) {
      expect(th.waitSeconds('10.0.0.1')).toBe(0);
      th.failed('10.0.0.1');
      c.advance(10_000);
    }
    th.failed('10.0.0.1'); // the 5th, 40 s after the first
    expect(th.waitSeconds('10.0.0.1')).toBe(15 * 60 - 40);
    expect(th.waitSeconds('10.0.0.2')).toBe(0); // others are not affected
    c.advance((15 * 60 - 40) * 1000);
    expect(th.waitSeconds('10.0.0.1')).toBe(0);
  });

  it('a success clears the address', () => {
    const th = new LoginThrottle(clock().now);
    for (let i = 0; i < 4; i++) th.failed('a');
    th.succeeded('a');
    th.failed('a');
    expect(th.waitSeconds('a')).toBe(0);
  });

  it('caps failures over all addresses, so guessing from many addresses stops too', () => {
    const c = clock();
    const th = new LoginThrottle(c.now, { perAddress: 5, overall: 50, windowMs: 15 * 60_000 });
    for (let i = 0; i < 50; i++) th.failed(`192.0.2.${i}`);
    expect(th.waitSeconds('198.51.100.7')).toBe(15 * 60);
    c.advance(15 * 60_000);
    expect(th.waitSeconds('198.51.100.7')).toBe(0);
  });
});
