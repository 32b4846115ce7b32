// The handle a listed file carries back to fetch(). It round-trips through
// the store as JSON, so it is validated before it names a path to read.
import { z } from 'zod';

export const FileHandle = z.object({
  path: z.string().min(1).max(4096),
  entry: z.string().min(1).max(4096).optional(),
});
export type FileHandle = z.infer<typeof FileHandle>;
