// XML helpers shared by the GPX and TCX codecs: a lenient parse that reports
// malformed XML as a clear error (with line) instead of throwing, and small
// readers for fast-xml-parser's output. Namespace prefixes are dropped, so
// gpxtpx:hr, ns3:hr and hr all read the same: real files use any prefix.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { bytesToText } from './text.js';

export { bytesToText } from './text.js';

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export function parseXml(bytes: Uint8Array): { ok: true; doc: XmlNode } | { ok: false; error: string } {
  const text = bytesToText(bytes);
  if (text.trim().length === 0) return { ok: false, error: 'the file is empty' };
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    return { ok: false, error: `invalid XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}` };
  try {
    return { ok: true, doc: parser.parse(text) as XmlNode };
  } catch (e) {
    return { ok: false, error: `invalid XML: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function asArray(v: unknown): XmlNode[] {
  if (v == null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is XmlNode => typeof x === 'object' && x !== null);
}

export function child(node: unknown, name: string): unknown {
  return typeof node === 'object' && node !== null ? (node as XmlNode)[name] : undefined;
}

/** Text content of a node (fast-xml-parser gives a string, or `{#text}` when it has attributes). */
export function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'object' && node !== null) return text((node as XmlNode)['#text']);
  return undefined;
}

export function number(node: unknown): number | undefined {
  const s = text(node)?.trim();
  if (!s) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

export function timeMs(node: unknown): number | undefined {
  const s = text(node)?.trim();
  if (!s) return undefined;
  const v = Date.parse(s);
  return Number.isFinite(v) ? v : undefined;
}

/** Depth-first search for the first descendant named one of `names` (any namespace). */
export function findDeep(node: unknown, names: readonly string[], depth = 0): unknown {
  if (depth > 6 || typeof node !== 'object' || node === null) return undefined;
  for (const n of names) if ((node as XmlNode)[n] != null) return (node as XmlNode)[n];
  for (const [k, v] of Object.entries(node as XmlNode)) {
    if (k.startsWith('@') || k === '#text') continue;
    const found = findDeep(v, names, depth + 1);
    if (found != null) return found;
  }
  return undefined;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** ISO time with millisecond precision only when needed. */
export function isoAt(startMs: number, offsetSeconds: number): string {
  const d = new Date(startMs + Math.round(offsetSeconds * 1000));
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** Round to `digits` decimals and print without exponent or trailing zeros. */
export function fmt(v: number, digits: number): string {
  return String(Number(v.toFixed(digits)));
}
