// What the use cases work on: the composed application as src/compose.ts
// builds it, seen through ports only. Each use case takes this (or the part
// of it it needs), so the CLI, the daemon and the dashboard share one copy.
import type { WaitingClock } from '../clock.js';
import type { Config } from '../config.js';
import type { EngineDeps, SportDecision } from '../sync/deps.js';
import type { Logger, RateBudgetStore, Store } from '../sync/ports.js';
import type { RequestTally } from '../observability/request-tally.js';
import type { Workout } from '../core/workout/types.js';
import type { AccountActions } from './accounts.js';
import type { WatchDirectory } from './ports.js';
import type { MappingSettings } from './sport-mapping.js';

export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly budget: RateBudgetStore;
  readonly deps: EngineDeps;
  readonly clock: WaitingClock;
  readonly logger: Logger;
  readonly accounts: AccountActions;
  /** Mapping settings edited at run time (dashboard); mutate through saveMapping(). */
  readonly mapping: MappingSettings;
  readonly sportForWith: (rules: MappingSettings['rules']) => (w: Workout) => SportDecision;
  /** Strava requests this process has sent (an observer on the Strava client). */
  readonly stravaRequests: RequestTally;
  /** Folder watching (the files source's), for `bandsync watch` and the daemon's watched folder. */
  readonly watchDirectory: WatchDirectory;
}
