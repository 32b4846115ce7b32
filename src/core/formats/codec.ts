// One entry point per direction over every format core knows.
import type { DecodeResult, Workout } from '../workout/types.js';
import { decodeFit } from './fit/decode.js';
import { encodeFit } from './fit/encode.js';
import { decodeGpx } from './gpx/decode.js';
import { encodeGpx } from './gpx/encode.js';
import { bytesToText, parseXml } from './xml.js';
import { isGzip, sniffFormat, type FileFormat } from './sniff.js';
import { decodeTcx } from './tcx/decode.js';
import { encodeTcx } from './tcx/encode.js';
import { DEFAULT_LIMITS, overLimitMessage, type InputLimits } from '../limits.js';
import { scanFit, scanXml, type OverBudget } from './budget.js';

export interface EncodeOptions {
  readonly deviceName?: string;
}

/** A refusal for going over a limit; the `over_limit` issue lets callers tell it from damage. */
export function overBudget(fileName: string, over: OverBudget, limits: InputLimits): DecodeResult {
  const error = overLimitMessage(fileName, over.what, over.limit, limits[over.limit]);
  return { ok: false, error, issues: [{ code: 'over_limit', path: `limits.${over.limit}`, detail: error }] };
}

/**
 * Decodes FIT, TCX or GPX, recognised by content (the name is only a fallback
 * hint), within `limits`: what the file holds is counted before it is parsed.
 * Never throws.
 */
export function decodeFile(bytes: Uint8Array, fileName: string, limits: InputLimits = DEFAULT_LIMITS): DecodeResult {
  if (bytes.length === 0) return { ok: false, error: `${fileName}: the file is empty`, issues: [] };
  if (isGzip(bytes))
    return { ok: false, error: `${fileName}: the file is gzip-compressed; decompress it first`, issues: [] };
  if (bytes.length > limits.fileBytes)
    return overBudget(fileName, { limit: 'fileBytes', what: `the file (${bytes.length} bytes)` }, limits);
  const format = sniffFormat(bytes, fileName);
  const over =
    format === 'fit'
      ? scanFit(bytes, limits)
      : format !== null || bytesToText(bytes.subarray(0, 512)).trimStart().startsWith('<')
        ? scanXml(bytes, limits)
        : null;
  if (over) return overBudget(fileName, over, limits);
  let result: DecodeResult;
  try {
    switch (format) {
      case 'fit':
        result = decodeFit(bytes);
        break;
      case 'tcx':
        result = decodeTcx(bytes);
        break;
      case 'gpx':
        result = decodeGpx(bytes);
        break;
      default:
        return { ok: false, error: `${fileName}: ${whyUnknown(bytes)}`, issues: [] };
    }
  } catch (e) {
    // The decoders catch their own errors; this is the last net so callers never see a throw.
    result = {
      ok: false,
      error: `unexpected decoder failure: ${e instanceof Error ? e.message : String(e)}`,
      issues: [],
    };
  }
  if (!result.ok) return { ...result, error: `${fileName}: ${result.error}` };
  if (result.workout.samples.t.length > limits.samples)
    return overBudget(fileName, { limit: 'samples', what: 'the number of samples' }, limits);
  return result;
}

function whyUnknown(bytes: Uint8Array): string {
  const head = bytesToText(bytes.subarray(0, 512)).trimStart();
  if (head.startsWith('<')) {
    const parsed = parseXml(bytes);
    if (!parsed.ok) return parsed.error;
    const root = Object.keys(parsed.doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
    return `XML file whose root element <${root ?? '?'}> is neither GPX nor TCX`;
  }
  return 'not a FIT, TCX or GPX file (unrecognised content)';
}

export function encodeWorkout(w: Workout, format: FileFormat, options: EncodeOptions = {}): Uint8Array {
  switch (format) {
    case 'fit':
      return encodeFit(w, options);
    case 'tcx':
      return encodeTcx(w, options);
    case 'gpx':
      return encodeGpx(w, options);
    default:
      throw new Error(`unknown output format "${String(format)}" (expected fit, tcx or gpx)`);
  }
}
