// The doctor dependencies that need no database: lock file, clock, disk,
// daemon. The composition root adds the database-backed ones (database,
// accounts, probes, rate budget) — only it may open the store.
import type { Config } from '../config.js';
import { configSecrets } from '../config/mask.js';
import { fetchServerDate, probeDaemon, type DoctorDeps, type LockHolderInfo } from './doctor.js';
import { createRedactor } from './redact.js';
import { findExposed } from '../private-files.js';
import { readDaemonFile } from '../local-api/discovery.js';
import { reachableHost } from '../loopback.js';

export function baseDoctorDeps(
  config: Config,
  readLockHolder: (dataDir: string) => LockHolderInfo | null,
  doFetch: typeof fetch = fetch,
): DoctorDeps {
  const host = reachableHost(config.host);
  return {
    dataDir: config.dataDir,
    // Taken now, before the composition root opens the store (which makes the data dir owner-only).
    exposureAtStart: findExposed(config.dataDir),
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    now: () => new Date(),
    redactor: createRedactor(configSecrets(config)),
    readLockHolder,
    serverDate: () => fetchServerDate(config.stravaUrl, doFetch),
    // The daemon of this data dir advertises its address (any port); else try the configured one.
    daemon: () =>
      probeDaemon(
        readDaemonFile(config.dataDir)?.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`,
        doFetch,
      ),
  };
}
