// A strict parser for the Prometheus text exposition format 0.0.4, written
// from the spec (prometheus.io/docs/instrumenting/exposition_formats) for the
// tests. (The npm package parse-prometheus-text-format has not been
// maintained since 2019, so it is not used.) Throws on anything the spec
// forbids that a scraper would reject.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}
export interface MetricFamily {
  name: string;
  help?: string;
  type: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

function unescapeHelp(s: string, line: number): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    throw new Error(`line ${line}: bad escape in HELP`);
  });
}

function familyOf(sampleName: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  if (families.has(sampleName)) return families.get(sampleName);
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const f = families.get(sampleName.slice(0, -suffix.length));
      if (f && (f.type === 'histogram' || f.type === 'summary')) return f;
    }
  }
  return undefined;
}

export function parsePrometheusText(text: string): MetricFamily[] {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, MetricFamily>();
  const order: MetricFamily[] = [];
  const seenSeries = new Set<string>();
  let current: MetricFamily | undefined;
  const closed = new Set<string>();

  const getFamily = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      if (closed.has(name)) throw new Error(`family ${name} is not contiguous`);
      f = { name, type: 'untyped', samples: [] };
      families.set(name, f);
      order.push(f);
    }
    if (current && current !== f) closed.add(current.name);
    current = f;
    return f;
  };

  text
    .slice(0, -1)
    .split('\n')
    .forEach((raw, i) => {
      const line = i + 1;
      if (raw.trim() === '') return;
      if (raw.startsWith('#')) {
        const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
        if (!m) return; // plain comment
        const [, kind, name, rest = ''] = m;
        if (!NAME.test(name!) || NAME.exec(name!)![0] !== name)
          throw new Error(`line ${line}: bad metric name ${name}`);
        const f = getFamily(name!);
        if (kind === 'HELP') {
          if (f.help !== undefined) throw new Error(`line ${line}: second HELP for ${name}`);
          f.help = unescapeHelp(rest, line);
        } else {
          if (f.samples.length > 0) throw new Error(`line ${line}: TYPE after samples of ${name}`);
          if (!TYPES.has(rest.trim())) throw new Error(`line ${line}: unknown type ${rest}`);
          f.type = rest.trim();
        }
        return;
      }
      let pos = 0;
      const nameMatch = NAME.exec(raw);
      if (!nameMatch) throw new Error(`line ${line}: expected a metric name`);
      const name = nameMatch[0];
      pos = name.length;
      const labels: Record<string, string> = {};
      if (raw[pos] === '{') {
        pos++;
        for (;;) {
          if (raw[pos] === '}') {
            pos++;
            break;
          }
          const ln = LABEL_NAME.exec(raw.slice(pos));
          if (!ln) throw new Error(`line ${line}: bad label name at column ${pos + 1}`);
          pos += ln[0].length;
          if (raw[pos] !== '=' || raw[pos + 1] !== '"')
            throw new Error(`line ${line}: expected =" after label ${ln[0]}`);
          pos += 2;
          let value = '';
          for (;;) {
            const c = raw[pos];
            if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
            pos++;
            if (c === '"') break;
            if (c === '\\') {
              const e = raw[pos++];
              if (e === '\\') value += '\\';
              else if (e === '"') value += '"';
              else if (e === 'n') value += '\n';
              else throw new Error(`line ${line}: bad escape \\${e} in label value`);
            } else value += c;
          }
          if (ln[0] in labels) throw new Error(`line ${line}: duplicate label ${ln[0]}`);
          labels[ln[0]] = value;
          if (raw[pos] === ',') pos++;
          else if (raw[pos] !== '}') throw new Error(`line ${line}: expected , or } after label value`);
        }
      }
      if (raw[pos] !== ' ') throw new Error(`line ${line}: expected a space before the value`);
      const parts = raw
        .slice(pos + 1)
        .trim()
        .split(/\s+/);
      if (parts.length > 2) throw new Error(`line ${line}: trailing text`);
      const value = parseValue(parts[0]!, line);
      const timestamp = parts[1] !== undefined ? Number.parseInt(parts[1], 10) : undefined;
      const fam = familyOf(name, families) ?? getFamily(name);
      if (fam !== current) throw new Error(`line ${line}: sample ${name} outside its family block`);
      if (fam.type === 'counter' && (value < 0 || Number.isNaN(value)))
        throw new Error(`line ${line}: counter ${name} must be a non-negative number`);
      const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seenSeries.has(series)) throw new Error(`line ${line}: duplicate series ${series}`);
      seenSeries.add(series);
      fam.samples.push({ name, labels, value, ...(timestamp !== undefined ? { timestamp } : {}) });
    });
  return order;
}
