// Reading a source's listing only to learn that it can be read (connect,
// doctor): the source's own error (wrong password, expired token) surfaces here.
import type { ListOptions, Source } from '../sync/ports.js';

/** Workouts the source lists, reading at most `stopAfter` of them. */
export async function countListed(source: Source, options: ListOptions, stopAfter = Infinity): Promise<number> {
  let n = 0;
  for await (const _ref of source.list(options)) if (++n >= stopAfter) break;
  return n;
}
