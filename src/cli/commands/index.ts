// The command list. Each file exports register(program).
import type { Command } from 'commander';
import { register as sync } from './sync.js';
import { register as status } from './status.js';
import { register as records } from './records.js';
import { register as connect } from './connect.js';
import { register as simulate } from './simulate.js';
import { register as demo } from './demo.js';

export function registerCommands(program: Command): void {
  for (const register of [demo, sync, status, records, connect, simulate]) register(program);
}
