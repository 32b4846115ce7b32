// A path given in the dashboard for a Gadgetbridge database or a folder of
// files is checked before it is saved: it must be a full path to something
// that exists, of the right kind, that bandsync can read. Each refusal names
// the path and what is wrong, so the person can fix it on the spot (the CLI
// keeps accepting a folder that appears later, for a watched mount).
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';

export type LocalPathKind = 'gadgetbridge' | 'files';

/** Returns the path when it can be used; throws an Error whose message says why not. */
export function checkLocalPath(kind: LocalPathKind, path: string): string {
  const what = kind === 'files' ? 'folder' : 'Gadgetbridge database';
  if (!path) throw new Error(`Give the full path of the ${what}.`);
  if (!isAbsolute(path))
    throw new Error(
      `"${path.slice(0, 200)}" is not a full path: give it from the root, e.g. ${kind === 'files' ? '/home/you/workouts' : '/home/you/Gadgetbridge.db'}.`,
    );
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new Error(`The ${what} ${path} does not exist on the machine bandsync runs on.`);
    if (code === 'EACCES') throw new Error(`bandsync may not look at ${path} (permission denied).`);
    throw new Error(`${path} cannot be read: ${code ?? (err as Error).message}.`);
  }
  if (kind === 'files' && !stat.isDirectory())
    throw new Error(`${path} is a file, not a folder: give the folder that holds the FIT, TCX or GPX files.`);
  if (kind === 'gadgetbridge' && !stat.isFile())
    throw new Error(
      `${path} is a folder: give the database file Gadgetbridge exported (Settings → Database management → Export DB).`,
    );
  try {
    accessSync(path, kind === 'files' ? constants.R_OK | constants.X_OK : constants.R_OK);
  } catch {
    throw new Error(`bandsync may not read ${path} (permission denied for the user it runs as).`);
  }
  return path;
}
