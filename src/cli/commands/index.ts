// The command list. Each file exports register(program).
import type { Command } from 'commander';
import { extraFileDecoders } from '../../compose.js';
import { register as sync } from './sync.js';
import { register as status } from './status.js';
import { register as records } from './records.js';
import { register as connect } from './connect.js';
import { register as simulate } from './simulate.js';
import { register as demo } from './demo.js';
import { register as daemon } from './daemon.js';
import { register as files } from './files.js';
import { register as config } from './config.js';
import { registerInspect } from './inspect.js';
import { registerConvert } from './convert.js';

export function registerCommands(program: Command): void {
  for (const register of [demo, sync, status, records, connect, daemon, files, simulate, config]) register(program);
  registerInspect(program, extraFileDecoders);
  registerConvert(program, extraFileDecoders);
}
