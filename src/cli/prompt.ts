// One line from the terminal (or from piped standard input), for the few
// values that must not go on the command line: a password, the address a
// browser sign-in ended on. A hidden prompt echoes nothing.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export async function askLine(question: string, options: { hidden?: boolean } = {}): Promise<string | null> {
  process.stderr.write(question);
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: !!process.stdin.isTTY });
  muted = !!options.hidden;
  try {
    const line = await new Promise<string | null>((resolve) => {
      rl.once('line', (l) => resolve(l));
      rl.once('close', () => resolve(null));
    });
    if (options.hidden && process.stdin.isTTY) process.stderr.write('\n');
    return line === null ? null : line.trim();
  } finally {
    rl.close();
  }
}
