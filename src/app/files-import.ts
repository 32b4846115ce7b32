// Importing local files: `bandsync import` and `watch`, the daemon's watched
// folder, and an export zip uploaded through the dashboard.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DESTINATION, type ProgressListener } from '../sync/deps.js';
import type { Account } from '../sync/ports.js';
import { syncAll } from '../sync/sync-all.js';
import type { AppContext } from './context.js';

/** "<file>: <reason>"; reasons from the files source already start with the file (or zip!entry). */
function badFileLine(
  record: { lastError: string | null; code: string | null; name: string | null },
  importedPath: string,
): string {
  const reason = record.lastError ?? record.code ?? 'failed';
  return reason.startsWith(importedPath) ? reason : `${record.name ?? importedPath}: ${reason}`;
}

/** Imports what is new under one files account (a file or a folder); reports every file that could not be read. */
export async function importAccount(
  app: Pick<AppContext, 'deps' | 'clock' | 'store'>,
  accountId: string,
  path: string,
  opts: { upload: boolean; onProgress?: ProgressListener },
) {
  const summary = await syncAll(app.deps, {
    all: true,
    accountId,
    dryRun: !opts.upload,
    onProgress: opts.onProgress,
    wait: (until) => app.clock.wait(until),
  });
  // Bad files are reported one by one; the rest of the import went on.
  const bad = await app.store.listRecords({ destination: DESTINATION, accountId, states: ['failed'], limit: 10_000 });
  // Plus files whose damaged rewrite was refused while the stored, readable version was kept.
  const refused = summary.accounts.flatMap((a) => a.discovery?.unreadable ?? []).map((u) => u.reason);
  const held = await heldDamaged(app, accountId);
  return {
    summary,
    badFiles: [...new Set([...bad.map((b) => badFileLine(b, path)), ...refused, ...held.map(heldLine)])],
    held,
  };
}

/** Files read only partly: stored, held in needs_user until the user accepts them. */
async function heldDamaged(app: Pick<AppContext, 'store'>, accountId: string) {
  const records = await app.store.listRecords({
    destination: DESTINATION,
    accountId,
    states: ['needs_user'],
    limit: 10_000,
  });
  const out = [];
  for (const r of records.filter((x) => x.code === 'source_damaged')) {
    const stored = await app.store.getWorkout(r.workoutId);
    out.push({ id: r.workoutId, file: stored?.workout.source.id ?? r.workoutId, problem: r.lastError ?? 'damaged' });
  }
  return out;
}

const heldLine = (h: { id: string; file: string; problem: string }) =>
  `${h.file}: damaged, held (${h.problem}); to upload what could be read: bandsync retry --accept-damaged ${h.id}`;

/** `bandsync import`: each path becomes (or stays) a files account, and what is new in it is imported. */
export async function importPaths(
  app: Pick<AppContext, 'deps' | 'clock' | 'store' | 'accounts'>,
  paths: readonly string[],
  opts: { upload: boolean; password?: string; onProgress?: ProgressListener },
) {
  const results = [];
  for (const path of paths) {
    const account = await app.accounts.connectPath('files', path, {}, { password: opts.password });
    results.push({
      path,
      ...(await importAccount(app, account.id, path, { upload: opts.upload, onProgress: opts.onProgress })),
    });
  }
  return results;
}

/**
 * The daemon's watched folder: each file that finished writing is read and
 * uploaded. A file dropped there is an explicit request, so it goes up
 * whatever its date (unlike history found in a connected account).
 */
export async function watchFolder(
  app: Pick<AppContext, 'accounts' | 'logger' | 'watchDirectory' | 'deps'>,
  dir: string,
): Promise<() => Promise<void>> {
  const account = await app.accounts.connectPath('files', dir);
  const controller = new AbortController();
  let chain: Promise<unknown> = Promise.resolve();
  const watching = app
    .watchDirectory(
      dir,
      (file) => {
        chain = chain
          .then(() => syncAll(app.deps, { all: true, accountId: account.id }))
          .then((s) => app.logger.info('watched file imported', { file, uploaded: s.uploaded, failed: s.failed }))
          .catch((err: Error) => app.logger.warn('watched file import failed', { file, error: err.message }));
        // Files dropped while the daemon was down count too; the store skips ones already imported.
      },
      { signal: controller.signal, settleMs: 2000, includeExisting: true },
    )
    .catch((err: Error) => app.logger.error('folder watch stopped', { dir, error: err.message }));
  return async () => {
    controller.abort();
    await watching;
    await chain;
  };
}

/** A Zepp export uploaded through the dashboard: kept in the data dir, since the source re-reads it on every poll. */
export async function connectUploadedExport(
  app: Pick<AppContext, 'config' | 'accounts'>,
  input: { fileName: string; bytes: Uint8Array; password?: string; kind?: 'zepp-export' | 'mi-fitness-export' },
): Promise<Account> {
  const dir = join(app.config.dataDir, 'imports');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${Date.now()}-${basename(input.fileName).replace(/[^\w.-]/g, '_')}`);
  writeFileSync(path, input.bytes, { mode: 0o600 });
  try {
    return await app.accounts.connectPath(
      input.kind ?? 'zepp-export',
      path,
      {},
      input.password ? { password: input.password } : undefined,
    );
  } catch (err) {
    rmSync(path, { force: true }); // a refused export (e.g. wrong password) is not kept
    throw err;
  }
}
