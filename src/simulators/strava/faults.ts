// Faults the tests switch on: 429 storms, server errors, hangs, and an
// upload stored but its answer lost (connection closed after the work).
export type FaultKind = 'rate_limit' | 'server_error' | 'hang' | 'drop_response';

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Only requests with this method (default: any). */
  readonly method?: string;
  /** Only paths equal to this string or matching this pattern (default: any). */
  readonly path?: string | RegExp;
  /** How many matching requests it hits (default 1; Infinity for a storm). */
  readonly times?: number;
  /** HTTP status for server_error (default 500). */
  readonly status?: number;
  /** How long a hang lasts before the simulator answers 504 (default 30 s, real time). */
  readonly hangMs?: number;
}

interface Armed extends FaultSpec {
  left: number;
}

export class FaultPlan {
  private armed: Armed[] = [];

  add(spec: FaultSpec): void {
    this.armed.push({ ...spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The first armed fault matching this request, consumed once. */
  take(method: string, path: string): FaultSpec | null {
    for (const f of this.armed) {
      if (f.left <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.path !== undefined && (typeof f.path === 'string' ? f.path !== path : !f.path.test(path))) continue;
      f.left--;
      return f;
    }
    return null;
  }
}
