// A small streaming CSV reader for the exports' files (Zepp, Mi Fitness): bytes in, rows out, one
// chunk at a time, so a large file never sits in memory whole. It copes with
// what real exports and spreadsheet round-trips produce: a UTF-8 BOM (Zepp
// writes one), UTF-16 with BOM (Excel's "Unicode text"), `,` `;` or tab as
// separator (found from the header line), quoted fields with "" escapes and
// line breaks, CRLF line ends, and blank lines. Rows, their length and their
// fields are counted against the input limits, so a file that never ends a
// line costs at most one row's budget, not the whole file as one string.

import { TextDecoder } from 'node:util';
import { DEFAULT_LIMITS, type InputLimits } from '../core/limits.js';
import { fileInvalid, overLimit } from './errors.js';

export type Row = readonly string[];

/** Picks the decoder from the byte-order mark; UTF-8 when there is none. */
function detectEncoding(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/** The separator that splits the header line into the most fields (outside quotes). */
export function detectSeparator(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

export interface CsvOptions {
  readonly limits?: InputLimits;
  /** Names the file in limit errors. */
  readonly where?: string;
}

/** Streams rows (header first) from a byte stream. */
export async function* parseCsv(chunks: AsyncIterable<Uint8Array>, options: CsvOptions = {}): AsyncGenerator<Row> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const where = options.where ?? 'CSV';
  let rows = 0;
  let rowChars = 0; // characters of the row being read
  const longRow = () => overLimit(where, `row ${rows + 1}`, 'csvRowChars', limits);
  const endRow = (row: string[]) => {
    if (++rows > limits.csvRows) throw overLimit(where, 'the number of rows', 'csvRows', limits);
    rowChars = 0;
    return row;
  };
  let decoder: TextDecoder | null = null;
  let separator: string | null = null;
  let pending = ''; // text not yet consumed
  let field = '';
  let row: string[] = [];
  let quoted = false;
  let afterQuote = false;

  const takeRows = function* (text: string, final: boolean): Generator<Row> {
    pending += text;
    if (separator === null) {
      const nl = pending.indexOf('\n');
      if (nl < 0 && pending.length > limits.csvRowChars) throw longRow();
      if (nl < 0 && !final) return;
      separator = detectSeparator(nl < 0 ? pending : pending.slice(0, nl));
    }
    const s = pending;
    pending = '';
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (++rowChars > limits.csvRowChars) throw longRow();
      if (quoted) {
        if (ch === '"') {
          // A quote at the chunk's end may open an "" escape: decide with the next chunk.
          if (i + 1 >= s.length && !final) {
            pending = '"';
            rowChars--; // counted again with the next chunk
            return;
          }
          if (s[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            quoted = false;
            afterQuote = true;
          }
        } else field += ch;
        continue;
      }
      if (ch === '"' && field === '' && !afterQuote) {
        quoted = true;
        continue;
      }
      if (ch === separator) {
        if (row.length + 1 >= limits.csvFields) throw overLimit(where, `row ${rows + 1}'s fields`, 'csvFields', limits);
        row.push(field);
        field = '';
        afterQuote = false;
        continue;
      }
      if (ch === '\r') continue;
      if (ch === '\n') {
        row.push(field);
        field = '';
        afterQuote = false;
        if (!(row.length === 1 && row[0] === '')) yield endRow(row);
        else rowChars = 0;
        row = [];
        continue;
      }
      field += ch;
    }
    if (final) {
      if (field !== '' || row.length > 0) {
        row.push(field);
        yield endRow(row);
      }
      row = [];
      field = '';
    }
  };

  let head: Uint8Array | null = new Uint8Array(0); // first bytes, until the BOM can be told
  for await (const piece of chunks) {
    let chunk = piece;
    if (decoder === null) {
      head = concat(head!, chunk);
      if (head.length < 2) continue;
      // TextDecoder drops the BOM itself (ignoreBOM defaults to false).
      decoder = new TextDecoder(detectEncoding(head), { fatal: true });
      chunk = head;
      head = null;
    }
    yield* takeRows(decode(decoder, chunk, true), false);
  }
  if (decoder === null) decoder = new TextDecoder('utf-8', { fatal: true });
  yield* takeRows(decode(decoder, head ?? undefined, false), true);

  function decode(d: TextDecoder, bytes: Uint8Array | undefined, stream: boolean): string {
    try {
      return d.decode(bytes, { stream });
    } catch (err) {
      if (err instanceof TypeError)
        throw fileInvalid(where, 'not UTF-8 or UTF-16 text (re-saved with another encoding?)');
      throw err;
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Normalises a header for matching: lower case, no spaces/underscores, unit kept apart. */
export function splitHeader(header: string): { key: string; unit: string | null } {
  const h = header.replace(/^\uFEFF/, '').trim();
  const m = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(h);
  const name = m ? m[1]! : h;
  return { key: name.toLowerCase().replace(/[\s_-]/g, ''), unit: m ? m[2]!.trim().toLowerCase() : null };
}
