// Cheap scans that run before a decoder builds anything: a decoder's memory
// grows with what it parses (fast-xml-parser keeps ~350 bytes per element,
// the FIT SDK an object per message), so what a file holds is counted first,
// in one pass over its bytes, and a file over the budget is refused before
// the expensive parse. Pure; no allocation per element.
import type { InputLimits } from '../limits.js';

/** Which limit a file is over, and what was counted. */
export interface OverBudget {
  readonly limit: keyof InputLimits;
  readonly what: string;
}

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const COLON = 0x3a;

/** Bytes [from, to) as Latin-1 text (a tag name). */
function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function indexOfSeq(b: Uint8Array, seq: readonly number[], from: number): number {
  outer: for (let i = from; i <= b.length - seq.length; i++) {
    for (let k = 0; k < seq.length; k++) if (b[i + k] !== seq[k]) continue outer;
    return i;
  }
  return -1;
}
const COMMENT_END = [0x2d, 0x2d, GT]; // -->
const CDATA_END = [0x5d, 0x5d, GT]; // ]]>
const PI_END = [QUESTION, GT]; // ?>
const CDATA_START = [BANG, 0x5b, 0x43, 0x44, 0x41, 0x54, 0x41, 0x5b]; // ![CDATA[

/** Local names (after any prefix) that are one sample each: GPX track points, TCX trackpoints. */
const SAMPLE_ELEMENTS = new Set(['trkpt', 'Trackpoint']);

function startsWithAt(b: Uint8Array, seq: readonly number[], at: number): boolean {
  for (let k = 0; k < seq.length; k++) if (b[at + k] !== seq[k]) return false;
  return true;
}

/**
 * Element nesting, element count and sample elements of an XML document, from
 * its bytes (UTF-8 or ASCII-compatible: markup bytes never occur inside a
 * multi-byte character). Malformed markup is left to the parser's validator.
 */
export function scanXml(bytes: Uint8Array, limits: InputLimits): OverBudget | null {
  let depth = 0;
  let elements = 0;
  let samples = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    if (bytes[i] !== LT) continue;
    const next = bytes[i + 1];
    if (next === BANG) {
      if (bytes[i + 2] === 0x2d && bytes[i + 3] === 0x2d) {
        const end = indexOfSeq(bytes, COMMENT_END, i + 4);
        if (end < 0) return null;
        i = end + 2;
      } else if (startsWithAt(bytes, CDATA_START, i + 1)) {
        const end = indexOfSeq(bytes, CDATA_END, i + 9);
        if (end < 0) return null;
        i = end + 2;
      } else {
        // <!DOCTYPE …[ <!ENTITY …> ]>: skip to the '>' outside brackets and quotes.
        let bracket = 0;
        let quote = 0;
        let j = i + 2;
        for (; j < n; j++) {
          const c = bytes[j]!;
          if (quote) {
            if (c === quote) quote = 0;
          } else if (c === DQUOTE || c === SQUOTE) quote = c;
          else if (c === 0x5b) bracket++;
          else if (c === 0x5d) bracket--;
          else if (c === GT && bracket <= 0) break;
        }
        i = j;
      }
      continue;
    }
    if (next === QUESTION) {
      const end = indexOfSeq(bytes, PI_END, i + 2);
      if (end < 0) return null;
      i = end + 1;
      continue;
    }
    if (next === SLASH) {
      depth--;
      while (i < n && bytes[i] !== GT) i++;
      continue;
    }
    // An opening tag: its name, then to its '>' (quotes may hold '>').
    let j = i + 1;
    let localStart = j;
    while (j < n) {
      const c = bytes[j]!;
      if (c <= 0x20 || c === GT || c === SLASH) break;
      if (c === COLON) localStart = j + 1;
      j++;
    }
    const nameEnd = j;
    const local = nameEnd - localStart <= 10 ? latin1(bytes, localStart, nameEnd) : '';
    let quote = 0;
    for (; j < n; j++) {
      const c = bytes[j]!;
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === DQUOTE || c === SQUOTE) quote = c;
      else if (c === GT) break;
    }
    elements++;
    if (elements > limits.xmlElements) return { limit: 'xmlElements', what: 'the number of XML elements' };
    if (SAMPLE_ELEMENTS.has(local)) {
      samples++;
      if (samples > limits.samples) return { limit: 'samples', what: 'the number of track points' };
    }
    if (bytes[j - 1] !== SLASH) {
      depth++;
      if (depth > limits.xmlDepth) return { limit: 'xmlDepth', what: 'the nesting of XML elements' };
    }
    i = j;
  }
  return null;
}

/** FIT messages allowed per sample: records plus events, HRV, laps and the like. */
export const FIT_MESSAGES_PER_SAMPLE = 4;
const FIT_RECORD = 20;

/**
 * Counts a FIT file's data messages (all of them, and `record` ones) by
 * walking record headers and definitions, without decoding a field. Chained
 * FIT files are walked in turn. Stops (returns null) where the data makes no
 * sense: that is the SDK's to report.
 */
export function scanFit(bytes: Uint8Array, limits: InputLimits): OverBudget | null {
  const maxMessages = limits.samples * FIT_MESSAGES_PER_SAMPLE;
  let messages = 0;
  let records = 0;
  let start = 0;
  while (start + 12 <= bytes.length) {
    const headerSize = bytes[start]!;
    if (headerSize !== 12 && headerSize !== 14) return null;
    const dataSize =
      (bytes[start + 4]! | (bytes[start + 5]! << 8) | (bytes[start + 6]! << 16) | (bytes[start + 7]! << 24)) >>> 0;
    const end = Math.min(bytes.length, start + headerSize + dataSize);
    const defs: ({ size: number; global: number } | undefined)[] = [];
    let p = start + headerSize;
    while (p < end) {
      const h = bytes[p++]!;
      if ((h & 0x80) === 0 && (h & 0x40) !== 0) {
        const local = h & 0x0f;
        if (p + 5 > end) return null;
        const bigEndian = bytes[p + 1] === 1;
        const global = bigEndian ? (bytes[p + 2]! << 8) | bytes[p + 3]! : bytes[p + 2]! | (bytes[p + 3]! << 8);
        const fields = bytes[p + 4]!;
        p += 5;
        let size = 0;
        for (let k = 0; k < fields; k++) size += bytes[p + 3 * k + 1] ?? 0;
        p += 3 * fields;
        if ((h & 0x20) !== 0) {
          const devFields = bytes[p++] ?? 0;
          for (let k = 0; k < devFields; k++) size += bytes[p + 3 * k + 1] ?? 0;
          p += 3 * devFields;
        }
        defs[local] = { size, global };
        continue;
      }
      const def = defs[(h & 0x80) !== 0 ? (h >> 5) & 0x03 : h & 0x0f];
      if (!def) return null;
      messages++;
      if (def.global === FIT_RECORD) records++;
      if (records > limits.samples) return { limit: 'samples', what: 'the number of FIT records' };
      if (messages > maxMessages)
        return { limit: 'samples', what: `the number of FIT messages (${FIT_MESSAGES_PER_SAMPLE} per sample allowed)` };
      p += def.size;
    }
    start = start + headerSize + dataSize + 2; // + the file CRC; another FIT file may follow
  }
  return null;
}
