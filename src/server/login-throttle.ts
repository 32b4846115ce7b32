// Limits password guessing on a dashboard reachable from the network: after
// a few failures from one address within the window, that address is refused
// until the window has passed; a cap over all addresses stops guessing spread
// across many. A success clears its address. Behind a reverse proxy every
// client shares one address, which only makes the limit stricter.

export interface ThrottleLimits {
  readonly perAddress: number;
  readonly overall: number;
  readonly windowMs: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { perAddress: 5, overall: 50, windowMs: 15 * 60_000 };

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private recent: number[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
  ) {}

  /** Seconds to wait before this address may try again; 0 when it may try now. */
  waitSeconds(address: string): number {
    const t = this.now().getTime();
    const since = t - this.limits.windowMs;
    this.recent = this.recent.filter((at) => at > since);
    const mine = (this.failures.get(address) ?? []).filter((at) => at > since);
    if (mine.length) this.failures.set(address, mine);
    else this.failures.delete(address);
    const blockedUntil = Math.max(
      mine.length >= this.limits.perAddress ? mine[mine.length - this.limits.perAddress]! + this.limits.windowMs : 0,
      this.recent.length >= this.limits.overall
        ? this.recent[this.recent.length - this.limits.overall]! + this.limits.windowMs
        : 0,
    );
    return blockedUntil > t ? Math.ceil((blockedUntil - t) / 1000) : 0;
  }

  failed(address: string): void {
    const t = this.now().getTime();
    this.failures.set(address, [...(this.failures.get(address) ?? []), t]);
    this.recent.push(t);
    // Bounded memory whatever the number of addresses: forget the oldest.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }
}
