// bandsync import PATH… · watch DIR · export WORKOUT_ID --format F
import { resolve } from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { encodeWorkout } from '../../core/index.js';
import type { App } from '../../compose.js';
import type { ProgressListener } from '../../sync/deps.js';
import { DESTINATION } from '../../sync/deps.js';
import { syncAll } from '../../sync/sync-all.js';
import { withApp } from '../app.js';
import { printJson, progressView } from '../output.js';
import { renderSummary } from '../render.js';

/** "<file>: <reason>"; reasons from the files source already start with the file (or zip!entry). */
function badFileLine(
  record: { lastError: string | null; code: string | null; name: string | null },
  importedPath: string,
): string {
  const reason = record.lastError ?? record.code ?? 'failed';
  return reason.startsWith(importedPath) ? reason : `${record.name ?? importedPath}: ${reason}`;
}

async function importPaths(app: App, paths: string[], opts: { upload: boolean; json: boolean; password?: string }) {
  const view = progressView({ json: opts.json });
  const results = [];
  try {
    for (const path of paths) {
      const account = await app.accounts.connectPath('files', path, {}, { password: opts.password });
      results.push({
        path,
        ...(await importAccount(app, account.id, path, { upload: opts.upload, onProgress: view.listener })),
      });
    }
  } finally {
    view.stop();
  }
  return results;
}

/** Imports what is new under one files account (a file or a folder); reports every file that could not be read. */
async function importAccount(
  app: App,
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
  return { summary, badFiles: [...new Set([...bad.map((b) => badFileLine(b, path)), ...refused])] };
}

export function register(program: Command): void {
  program
    .command('import <paths...>')
    .description('Import FIT/TCX/GPX files, folders, .gz and zips once, and upload them')
    .option('--no-upload', 'store the workouts only; upload later with bandsync sync --all')
    .option('--json', 'print JSON')
    .option(
      '--password <password>',
      'for password-protected zips (prefer BANDSYNC_ZIP_PASSWORD to keep it out of shell history)',
    )
    .action(async (paths: string[], opts: { upload: boolean; json?: boolean; password?: string }) => {
      const full = paths.map((p) => resolve(p));
      for (const p of full) if (!existsSync(p)) throw new Error(`${p}: no such file or folder`);
      const password = opts.password ?? process.env.BANDSYNC_ZIP_PASSWORD;
      const results = await withApp({}, (app) =>
        importPaths(app, full, { upload: opts.upload, json: !!opts.json, password }),
      );
      // Any file that could not be imported makes the exit code non-zero (scripts notice), after the rest went in.
      const bad = results.reduce((n, r) => n + r.badFiles.length, 0);
      if (bad > 0) process.exitCode = 1;
      if (opts.json) return printJson(results);
      for (const r of results) {
        process.stdout.write(`${r.path}\n${renderSummary(r.summary)}\n`);
        for (const b of r.badFiles) process.stdout.write(`  ✗ ${b}\n`);
      }
      if (bad > 0)
        process.stderr.write(
          `bandsync: ${bad} file${bad === 1 ? '' : 's'} could not be imported (listed with ✗ above); the others were imported.\n`,
        );
    });

  program
    .command('watch <dir>')
    .description('Watch a folder and import each file (those already there too) once it has finished writing')
    .option('--settle <ms>', 'how long a file must stay unchanged before it is read', '2000')
    .action(async (dir: string, opts: { settle: string }) => {
      const full = resolve(dir);
      if (!existsSync(full)) throw new Error(`${full}: no such folder`);
      await withApp({}, async (app) => {
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        process.once('SIGTERM', () => controller.abort());
        // One files account for the folder, as the daemon's watched folder: files already
        // there count too (dropped while nobody watched); those imported before are skipped.
        const account = await app.accounts.connectPath('files', full);
        const { watchDirectory } = await import('../../compose.js');
        await watchDirectory(
          full,
          async (file) => {
            const r = await importAccount(app, account.id, full, { upload: true });
            const bad = r.badFiles.filter((b) => b.startsWith(file));
            process.stdout.write(
              `${file}: ${r.summary.uploaded} uploaded, ${r.summary.duplicates} already on Strava${bad.length ? `, ✗ ${bad.join('; ')}` : ''}\n`,
            );
          },
          {
            signal: controller.signal,
            settleMs: Number(opts.settle),
            includeExisting: true,
            onReady: () => process.stderr.write(`Watching ${full} (Ctrl-C to stop)\n`),
          },
        ).catch((err: Error) => {
          if (!controller.signal.aborted) throw err;
        });
      });
    });

  program
    .command('export <workoutId>')
    .description('Write a stored workout as a FIT, TCX or GPX file')
    .requiredOption('--format <format>', 'fit, tcx or gpx')
    .option('-o, --output <file>', 'output file (default: <id>.<format>)')
    .action(async (workoutId: string, opts: { format: string; output?: string }) => {
      if (!['fit', 'tcx', 'gpx'].includes(opts.format))
        throw new Error(`--format must be fit, tcx or gpx, not "${opts.format}"`);
      const out = opts.output ?? `${workoutId}.${opts.format}`;
      await withApp({}, async (app) => {
        const stored = await app.store.getWorkout(workoutId);
        if (!stored) throw new Error(`No workout ${workoutId} (see bandsync status or the dashboard)`);
        writeFileSync(
          out,
          encodeWorkout(stored.workout, opts.format as 'fit' | 'tcx' | 'gpx', {
            deviceName: app.mapping.deviceName ?? app.config.deviceName,
          }),
        );
      });
      process.stdout.write(`${out}\n`);
    });

  program
    .command('export-all <dir>')
    .description('Write every stored workout as FIT plus an index.json, so your data is never locked in')
    .action(async (dir: string) => {
      const out = resolve(dir);
      mkdirSync(out, { recursive: true });
      const count = await withApp({}, (app) => exportAll(app, out));
      process.stdout.write(`${count} workouts written to ${out} (index: ${join(out, 'index.json')})\n`);
    });
}

/** Pages through the store so memory stays flat however long the history is. */
async function exportAll(app: App, out: string): Promise<number> {
  const index = [];
  const PAGE = 200;
  for (let offset = 0; ; offset += PAGE) {
    const page = await app.store.listRecords({ destination: DESTINATION, limit: PAGE, offset });
    for (const r of page) {
      const stored = await app.store.getWorkout(r.workoutId);
      if (!stored || (stored.workout.samples.t.length === 0 && stored.workout.elapsedSeconds === 0)) continue;
      const file = `${stored.workout.startTime.slice(0, 19).replace(/[:T]/g, '-')}-${stored.workout.sport}-${r.workoutId.slice(0, 8)}.fit`;
      writeFileSync(
        join(out, file),
        encodeWorkout(stored.workout, 'fit', { deviceName: app.mapping.deviceName ?? app.config.deviceName }),
      );
      index.push({
        id: r.workoutId,
        file,
        startTime: stored.workout.startTime,
        sport: stored.workout.sport,
        source: stored.workout.source,
        state: r.state,
        stravaActivityId: r.activityId,
        fingerprint: stored.workout.fingerprint,
      });
    }
    if (page.length < PAGE) break;
  }
  writeFileSync(join(out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  return index.length;
}
