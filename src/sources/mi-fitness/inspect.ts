// `bandsync inspect` of a saved Mi Fitness payload, for reporting a mismatch
// between this source (built from public notes, unchecked against a live
// account) and what a real band recorded. The JSON holds the list element
// and, optionally, each detail file either as downloaded (FDS body text +
// obj_key) or already decrypted (base64):
//   { "miFitness": { "envelope": {...}, "records": {"body": "...", "obj_key": "..."} | {"base64": "..."},
//                    "gps": same } }
import type { DecodeResult } from '../../core/workout/types.js';
import { decodeGpsFile, decodeRecordFile, type DecodedGps, type DecodedRecords } from './binary.js';
import { decryptFds } from './crypto.js';
import { parseWorkout } from './source.js';
import { miToWorkout } from './to-workout.js';

type SavedFile = { body?: unknown; obj_key?: unknown; base64?: unknown } | undefined;

function fileBytes(file: SavedFile): Uint8Array | null {
  if (!file) return null;
  if (typeof file.base64 === 'string') return new Uint8Array(Buffer.from(file.base64, 'base64'));
  if (typeof file.body === 'string' && typeof file.obj_key === 'string') return decryptFds(file.body, file.obj_key);
  throw new Error('a saved file needs "base64" (decrypted) or "body" and "obj_key" (as downloaded)');
}

export function isMiFitnessPayload(json: unknown): json is { miFitness: Record<string, unknown> } {
  return !!json && typeof json === 'object' && 'miFitness' in json;
}

export function decodeMiFitnessPayload(json: { miFitness: Record<string, unknown> }): DecodeResult {
  const saved = json.miFitness;
  try {
    const { envelope, summary } = parseWorkout(saved.envelope, 'in the saved payload');
    const missing: string[] = [];
    let records: DecodedRecords | null = null;
    let gps: DecodedGps | null = null;
    const rec = fileBytes(saved.records as SavedFile);
    if (rec) {
      if (summary.proto_type === undefined)
        missing.push('the summary has no proto_type; the record file cannot be read');
      else records = decodeRecordFile(rec, summary.proto_type);
    } else missing.push('no per-second record file in the saved payload');
    const g = fileBytes(saved.gps as SavedFile);
    if (g) gps = decodeGpsFile(g);
    const { workout, issues } = miToWorkout(envelope, summary, { records, gps, missing });
    return { ok: true, workout, issues };
  } catch (err) {
    return { ok: false, error: `Mi Fitness payload: ${err instanceof Error ? err.message : String(err)}`, issues: [] };
  }
}
