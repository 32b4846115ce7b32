// Maps a config key path (e.g. ['sportRules', 1, 'match', 'code']) to the line
// of the TOML file that set it. smol-toml returns plain values without
// positions, so validation errors would otherwise name a key but not where it
// is; this scanner knows enough TOML (tables, arrays of tables, dotted keys,
// one-line inline tables) to point at the right line or its nearest parent.

export type KeyPath = readonly (string | number)[];

const HEADER = /^\s*\[(\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;
const KEY = /^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/;
const INLINE_KEY = /[{,]\s*([A-Za-z0-9_-]+)\s*=/g;

function splitDotted(text: string): string[] {
  return text.split(/\s*\.\s*(?=(?:[^"']|"[^"]*"|'[^']*')*$)/).map((s) => s.trim().replace(/^["']|["']$/g, ''));
}

export function lineIndex(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const arrayIndex = new Map<string, number>(); // resolved array-of-tables path → current index
  let table: (string | number)[] = [];
  let depth = 0; // open brackets of a multi-line value: keys inside are not top-level keys

  const resolve = (segments: string[]): (string | number)[] => {
    const out: (string | number)[] = [];
    for (const seg of segments) {
      out.push(seg);
      const idx = arrayIndex.get(out.join('.'));
      if (idx !== undefined) out.push(idx);
    }
    return out;
  };
  const record = (path: (string | number)[], line: number) => {
    const key = path.join('.');
    if (!lines.has(key)) lines.set(key, line);
  };

  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (depth === 0) {
      const header = HEADER.exec(raw);
      if (header) {
        const segments = splitDotted(header[2]!);
        if (header[1] === '[') {
          const parent = resolve(segments.slice(0, -1));
          const name = [...parent, segments[segments.length - 1]!].join('.');
          const next = (arrayIndex.get(name) ?? -1) + 1;
          arrayIndex.set(name, next);
          table = [...parent, segments[segments.length - 1]!, next];
        } else {
          table = resolve(segments);
        }
        record(table, line);
        return;
      }
      const key = KEY.exec(raw);
      if (key) {
        const path = [...table, ...splitDotted(key[1]!)];
        record(path, line);
        for (const m of raw.slice(key[0].length).matchAll(INLINE_KEY)) record([...path, m[1]!], line);
      }
    }
    depth = Math.max(0, depth + count(raw, '[') - count(raw, ']'));
  });
  return lines;
}

function count(s: string, ch: string): number {
  // Ignore brackets inside quoted strings so "a[1]" does not open a value.
  const bare = s.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '').replace(/#.*$/, '');
  return bare.split(ch).length - 1;
}

/** The line that set `path`, or the nearest parent that has one. */
export function lineOf(index: Map<string, number>, path: KeyPath): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const hit = index.get(path.slice(0, n).join('.'));
    if (hit !== undefined) return hit;
  }
  return undefined;
}
