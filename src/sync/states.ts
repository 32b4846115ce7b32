// Sync states of DESIGN §4.3. A record moves forward through the happy path;
// every terminal or waiting state carries a code explaining why.
export const SYNC_STATES = [
  'discovered',
  'fetched',
  'converted',
  'uploading',
  'processing',
  'synced',
  'duplicate',
  'skipped',
  'failed',
  'needs_user',
] as const;

export type SyncState = (typeof SYNC_STATES)[number];

/** States that need no more work. */
export const DONE_STATES: ReadonlySet<SyncState> = new Set(['synced', 'duplicate', 'skipped']);

/** States the engine resumes from after a crash or restart. */
export const RESUMABLE_STATES: readonly SyncState[] = [
  'discovered',
  'fetched',
  'converted',
  'uploading',
  'processing',
  'failed',
];
