// FIT / TCX / GPX files, folders, .gz and .zip as a Source. Listing only walks
// names and sizes (cheap, so re-imports skip unchanged files by revision);
// fetch() reads and decodes one file at a time, so memory stays bounded
// whatever the number of files. A bad file fails alone.
import { decodeFile } from '../../core/formats/codec.js';
import type { DecodeResult } from '../../core/workout/types.js';
import type { FetchedWorkout, ListOptions, Source, SourceCapabilities, WorkoutRef } from '../../sync/ports.js';
import { BandsyncError } from '../../sync/failures.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../core/limits.js';
import { displayName, readItem, walkPaths } from './client.js';
import { FileHandle } from './schema.js';
import { decodedToFetched } from './to-workout.js';

export interface FilesSourceOptions {
  readonly paths: readonly string[];
  readonly accountId: string;
  /** For password-protected zips (ZipCrypto or WinZip AES) among the paths. */
  readonly password?: string;
  /** The file decoder (default: core's, FIT/TCX/GPX recognised by content). */
  readonly decode?: (bytes: Uint8Array, fileName: string, limits?: InputLimits) => DecodeResult;
  /** Budgets for what is read (bytes, inflated bytes, entries, samples…); defaults to DEFAULT_LIMITS. */
  readonly limits?: InputLimits;
}

export const FILES_CAPABILITIES: SourceCapabilities = { hasGps: true, incrementalListing: false, rawSamples: true };

export function createFilesSource(options: FilesSourceOptions): Source {
  const decode = options.decode ?? decodeFile;
  const limits = options.limits ?? DEFAULT_LIMITS;
  return {
    kind: 'files',
    capabilities: FILES_CAPABILITIES,

    async *list(list: ListOptions): AsyncIterable<WorkoutRef> {
      const sinceMs = list.since !== undefined ? Date.parse(list.since) : null;
      for await (const item of walkPaths(options.paths, list.signal, limits)) {
        // A file is written after its workout started, so an older file cannot hold a newer workout.
        if (sinceMs !== null && item.mtimeMs < sinceMs) continue;
        const handle: FileHandle =
          item.entry !== undefined ? { path: item.path, entry: item.entry } : { path: item.path };
        // The start time is only known once decoded; until then the file time stands in.
        yield {
          sourceId: displayName(item),
          startTime: new Date(item.mtimeMs).toISOString(),
          handle,
          revision: item.revision,
        };
      }
    },

    async fetch(ref: WorkoutRef, signal?: AbortSignal): Promise<FetchedWorkout> {
      const parsed = FileHandle.safeParse(ref.handle);
      if (!parsed.success)
        throw new BandsyncError('source_file_invalid', `${ref.sourceId}: not a file handle from this source`);
      const { bytes, name } = await readItem(parsed.data, signal, options.password, limits);
      let mapped;
      try {
        mapped = decodedToFetched(decode(bytes, name, limits), {
          sourceId: ref.sourceId,
          accountId: options.accountId,
          fileName: name,
        });
      } catch (err) {
        // Decoders report problems as data; a throw is still this file's problem, not the import's.
        mapped = { ok: false as const, reason: (err as Error).message };
      }
      if (!mapped.ok)
        throw new BandsyncError(
          mapped.overLimit ? 'source_over_limit' : 'source_file_invalid',
          `${displayName(parsed.data)}: ${mapped.reason}`,
        );
      return mapped.fetched;
    },
  };
}
