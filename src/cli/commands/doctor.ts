// bandsync doctor [--json]: one line per check with the fix; exit 1 when
// anything failed. The checks' I/O comes from the composition root.
import type { Command } from 'commander';
import { loadConfigFile } from '../app.js';
import type { Config } from '../../config.js';
import type { DoctorDeps } from '../../observability/doctor.js';

/** Builds the doctor's dependencies (compose.ts: base deps + store-backed probes) and what to close afterwards. */
export type MakeDoctorDeps = (config: Config) => Promise<{ deps: DoctorDeps; close(): Promise<void> }>;

export function register(program: Command, makeDeps: MakeDoctorDeps): void {
  program
    .command('doctor')
    .description(
      'Check the set-up (data dir, database, accounts, tokens, rate budget, clock, disk, daemon) and explain each fix',
    )
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = await loadConfigFile();
      const { deps, close } = await makeDeps(config);
      const { formatDoctor, runDoctor } = await import('../../observability/doctor.js');
      let results;
      try {
        results = await runDoctor(deps);
      } finally {
        await close();
      }
      process.stdout.write(opts.json ? JSON.stringify(results, null, 2) + '\n' : formatDoctor(results));
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
