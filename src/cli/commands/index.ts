// The command list. Each file exports register(program).
import type { Command } from 'commander';
import type { ExtraDecoder } from './inspect.js';
import { register as sync } from './sync.js';
import { register as status } from './status.js';
import { register as records } from './records.js';
import { register as connect } from './connect.js';
import { register as simulate } from './simulate.js';
import { register as demo } from './demo.js';
import { register as daemon } from './daemon.js';
import { register as files } from './files.js';
import { register as config } from './config.js';
import { register as doctor } from './doctor.js';
import { register as backup } from './backup.js';
import { register as athlete } from './athlete.js';
import { register as strava } from './strava.js';
import { registerInspect } from './inspect.js';
import { registerConvert } from './convert.js';

export function registerCommands(program: Command): void {
  for (const register of [demo, sync, status, records, connect, daemon, files, simulate, config, athlete, strava])
    register(program);
  // Commands whose I/O the composition root provides, loaded only when they run.
  doctor(program, async (cfg) => (await import('../../compose.js')).makeDoctorDeps(cfg));
  backup(program, {
    backup: async (cfg, file) => (await import('../../compose.js')).backupOps.backup(cfg, file),
    restore: async (cfg, file) => (await import('../../compose.js')).backupOps.restore(cfg, file),
  });
  // inspect/convert also read a Zepp workout JSON; its decoder lives with the
  // adapters, which are loaded only when one of these commands runs.
  const decoders: ExtraDecoder[] = [];
  registerInspect(program, decoders);
  registerConvert(program, decoders);
  // They only read `.json` (plain or .gz), so other files never load the adapters
  // (and with them the database engines) at all.
  program.hook('preAction', async (_program, command) => {
    const file = command.args[0] ?? '';
    if (decoders.length === 0 && ['inspect', 'convert'].includes(command.name()) && /\.json(\.gz)?$/i.test(file)) {
      for (const d of await (await import('../../compose.js')).loadExtraFileDecoders()) decoders.push(d);
    }
  });
}
