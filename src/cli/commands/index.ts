// The command list. Each file exports register(program).
import type { Command } from 'commander';

export function registerCommands(_program: Command): void {
  // commands are added here as they land
}
