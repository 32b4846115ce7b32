// bandsync import PATH… · watch DIR · export WORKOUT_ID --format F
import { join, resolve } from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { FileFormat } from '../../core/formats/sniff.js';
import { withApp } from '../app.js';

// The use cases load when a command runs, not at every start.
const filesImport = () => import('../../app/files-import.js');

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
      const [{ importPaths }, { printJson, progressView }, { renderSummary }] = await Promise.all([
        filesImport(),
        import('../output.js'),
        import('../render.js'),
      ]);
      const results = await withApp({ oneAthlete: true }, async (app) => {
        const view = progressView({ json: !!opts.json });
        try {
          return await importPaths(app, full, { upload: opts.upload, password, onProgress: view.listener });
        } finally {
          view.stop();
        }
      });
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
          `bandsync: ${bad} file${bad === 1 ? '' : 's'} could not be imported or ${bad === 1 ? 'is' : 'are'} held as damaged (listed with ✗ above); the others were imported.\n`,
        );
    });

  program
    .command('watch <dir>')
    .description('Watch a folder and import each file (those already there too) once it has finished writing')
    .option('--settle <ms>', 'how long a file must stay unchanged before it is read', '2000')
    .action(async (dir: string, opts: { settle: string }) => {
      const full = resolve(dir);
      if (!existsSync(full)) throw new Error(`${full}: no such folder`);
      const { importAccount } = await filesImport();
      await withApp({ oneAthlete: true }, async (app) => {
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        process.once('SIGTERM', () => controller.abort());
        // One files account for the folder, as the daemon's watched folder: files already
        // there count too (dropped while nobody watched); those imported before are skipped.
        const account = await app.accounts.connectPath('files', full);
        await app
          .watchDirectory(
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
          )
          .catch((err: Error) => {
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
      const { exportWorkout } = await import('../../app/workout-view.js');
      const bytes = await withApp({ oneAthlete: true }, (app) =>
        exportWorkout(app, workoutId, opts.format as FileFormat),
      );
      writeFileSync(out, bytes);
      process.stdout.write(`${out}\n`);
    });

  program
    .command('export-all <dir>')
    .description('Write every stored workout as FIT plus an index.json, so your data is never locked in')
    .action(async (dir: string) => {
      const out = resolve(dir);
      mkdirSync(out, { recursive: true });
      const { exportAll } = await import('../../app/export-all.js');
      const count = await withApp({ oneAthlete: true }, (app) => exportAll(app, out));
      process.stdout.write(`${count} workouts written to ${out} (index: ${join(out, 'index.json')})\n`);
    });
}
