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

export interface EncodeOptions {
  readonly deviceName?: string;
}

/** Decodes FIT, TCX or GPX, recognised by content (the name is only a fallback hint). Never throws. */
export function decodeFile(bytes: Uint8Array, fileName: string): DecodeResult {
  if (bytes.length === 0) return { ok: false, error: `${fileName}: the file is empty`, issues: [] };
  if (isGzip(bytes))
    return { ok: false, error: `${fileName}: the file is gzip-compressed; decompress it first`, issues: [] };
  const format = sniffFormat(bytes, fileName);
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
  return result.ok ? result : { ...result, error: `${fileName}: ${result.error}` };
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
