// bandsync backup FILE / bandsync restore FILE. The store-side work lives in
// src/store/backup.ts; the composition root hands it in (only it may import
// the store).
import type { Command } from 'commander';
import { loadConfigFile } from '../app.js';
import type { Config } from '../../config.js';

export interface BackupOps {
  backup(config: Config, file: string): Promise<{ kind: string; file: string; bytes: number }>;
  restore(
    config: Config,
    file: string,
  ): Promise<{ kind: string; file: string; bytes: number; warnings: readonly string[] }>;
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

export function register(program: Command, ops: BackupOps): void {
  program
    .command('backup <file>')
    .description(
      'Write a consistent snapshot of the database to FILE (embedded: data-dir dump; PostgreSQL: pg_dump archive)',
    )
    .action(async (file: string) => {
      const info = await ops.backup(await loadConfigFile(), file);
      process.stdout.write(
        `backup written: ${info.file} (${info.kind}, ${kb(info.bytes)}). Keep the secret key (secret.key or BANDSYNC_SECRET_KEY) with it: the backup does not contain it.\n`,
      );
    });
  program
    .command('restore <file>')
    .description('Restore a backup into an empty data dir (or an empty PostgreSQL schema); never overwrites')
    .action(async (file: string) => {
      const info = await ops.restore(await loadConfigFile(), file);
      process.stdout.write(`restored ${info.file} (${info.kind}, ${kb(info.bytes)})\n`);
      for (const w of info.warnings) process.stderr.write(`warning: ${w}\n`);
    });
}
