// The store adapter's public face: only src/compose.ts (and doctor via compose) imports it.
export { openStore, type OpenStoreOptions, type OpenedStore } from './open.js';
export { readLockHolder, DataDirLockedError, type LockHolder } from './lock-file.js';
export { SecretKeyMismatchError } from './secrets.js';
export { redactUrl } from './redact-url.js';
export { SeveralAthletesError, checkAthleteName } from './scope.js';
export type { Db, Queryable } from './db.js';
