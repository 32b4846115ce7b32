// `bandsync convert IN --to fit|tcx|gpx [-o OUT]`: any supported input to any output.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { FileFormat } from '../../core/formats/sniff.js';
import { configuredLimits, readWorkoutFile, type ExtraDecoder } from './inspect.js';

const FORMATS: readonly FileFormat[] = ['fit', 'tcx', 'gpx'];

export function defaultOutputPath(input: string, format: FileFormat): string {
  return `${input.replace(/\.gz$/i, '').replace(/\.(fit|tcx|gpx|json)$/i, '')}.${format}`;
}

export function registerConvert(program: Command, extraDecoders: readonly ExtraDecoder[] = []): void {
  program
    .command('convert')
    .description('Convert an activity file (FIT/TCX/GPX, plain or .gz) to FIT, TCX or GPX')
    .argument('<in>', 'input file')
    .requiredOption('--to <format>', 'output format: fit, tcx or gpx')
    .option('-o, --output <file>', 'output file (default: input name with the new extension)')
    .option('--device-name <name>', 'device name written into the file')
    .action(async (input: string, opts: { to: string; output?: string; deviceName?: string }) => {
      const format = opts.to.toLowerCase() as FileFormat;
      if (!FORMATS.includes(format)) throw new Error(`--to must be one of ${FORMATS.join(', ')} (got "${opts.to}")`);
      const { workout, issues } = await readWorkoutFile(input, extraDecoders, await configuredLimits());
      const out = opts.output ?? defaultOutputPath(input, format);
      if (out === input) throw new Error(`refusing to overwrite the input file ${input}; pass -o`);
      const { encodeWorkout } = await import('../../core/index.js');
      const bytes = encodeWorkout(workout, format, opts.deviceName ? { deviceName: opts.deviceName } : {});
      await writeFile(out, bytes);
      for (const i of issues) process.stderr.write(`warning: ${i.code} at ${i.path}: ${i.detail}\n`);
      process.stderr.write(`wrote ${out} (${bytes.length} bytes, ${workout.samples.t.length} records)\n`);
    });
}

export function register(program: Command): void {
  registerConvert(program);
}
