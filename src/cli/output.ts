// Terminal output: progress bars on a TTY, plain lines otherwise, nothing
// but the final JSON object with --json.
import cliProgress from 'cli-progress';
import type { Progress, ProgressListener } from '../sync/deps.js';

export interface ProgressView {
  readonly listener: ProgressListener;
  stop(): void;
}

const LABEL: Record<Progress['phase'], string> = {
  discover: 'Reading source',
  plan: 'Planning',
  upload: 'Uploading',
  confirm: 'Confirming',
  wait: 'Waiting',
};

export function progressView(options: { json: boolean; stream?: NodeJS.WriteStream }): ProgressView {
  const stream = options.stream ?? process.stderr;
  if (options.json) return { listener: () => {}, stop: () => {} };
  if (!stream.isTTY) {
    // Plain lines, at most one per 10 % step per phase, so logs stay readable.
    let last = '';
    return {
      listener: (p) => {
        const pct = p.total ? Math.floor((p.done / p.total) * 10) * 10 : 0;
        const line = p.message
          ? `${LABEL[p.phase]}: ${p.message}`
          : `${LABEL[p.phase]}: ${pct}% (${p.done}/${p.total})`;
        const key = p.message ? line : `${p.phase}:${pct}`;
        if (key !== last) {
          stream.write(line + '\n');
          last = key;
        }
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      hideCursor: true,
      clearOnComplete: false,
      format: '{phase} [{bar}] {percentage}% | {value}/{total} {message}',
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let phase = '';
  return {
    listener: (p) => {
      if (!started) {
        bar.start(Math.max(1, p.total), p.done, { phase: LABEL[p.phase].padEnd(14), message: '' });
        started = true;
      }
      if (phase !== p.phase) {
        phase = p.phase;
        bar.setTotal(Math.max(1, p.total));
      }
      bar.update(p.done, { phase: LABEL[p.phase].padEnd(14), message: p.message ?? '' });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

export { printJson } from './print-json.js';
