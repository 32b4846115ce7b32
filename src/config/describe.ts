// Walks the config schema into rows (key, env var, type, default, description):
// the source of the generated configuration table, so docs cannot drift.
import type { z } from 'zod';
import { ConfigSchema, FIELDS } from '../config.js';

export interface ConfigRow {
  readonly key: string;
  readonly env: string | null;
  readonly type: string;
  readonly default: string | null;
  readonly description: string;
  readonly secret: boolean;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  entries?: Record<string, string>;
  options?: z.ZodType[];
  element?: z.ZodType;
  values?: unknown[];
  checks?: unknown[];
}

function defOf(s: z.ZodType): Def {
  return s._zod.def as unknown as Def;
}

function typeName(s: z.ZodType): string {
  const d = defOf(s);
  switch (d.type) {
    case 'optional':
    case 'default':
    case 'prefault':
      return typeName(d.innerType!);
    case 'enum':
      return Object.values(d.entries ?? {})
        .map((v) => `"${v}"`)
        .join(' \\| ');
    case 'union':
      return (d.options ?? []).map(typeName).join(' \\| ');
    case 'array':
      return `array of ${typeName(d.element!) === 'object' ? 'tables' : typeName(d.element!)}`;
    case 'literal':
      return (d.values ?? []).map((v) => JSON.stringify(v)).join(' \\| ');
    case 'number':
      return (s as unknown as { isInt?: boolean }).isInt ? 'integer' : 'number';
    case 'pipe':
      return 'object';
    default:
      return d.type;
  }
}

function defaultOf(s: z.ZodType): string | null {
  const d = defOf(s);
  if (d.type === 'default') {
    const v = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
    return JSON.stringify(v);
  }
  if (d.type === 'optional' || d.type === 'prefault') return d.innerType ? defaultOf(d.innerType) : null;
  return null;
}

function objectShape(s: z.ZodType): Record<string, z.ZodType> | null {
  const d = defOf(s);
  if (d.type === 'optional' || d.type === 'default' || d.type === 'prefault') return objectShape(d.innerType!);
  return d.type === 'object' ? (s as unknown as { shape: Record<string, z.ZodType> }).shape : null;
}

export function configRows(): ConfigRow[] {
  const rows: ConfigRow[] = [];
  const walk = (shape: Record<string, z.ZodType>, prefix: string) => {
    for (const [k, s] of Object.entries(shape)) {
      const key = prefix + k;
      const inner = objectShape(s);
      const field = FIELDS.find((f) => f.path === key);
      if (inner && !field) {
        walk(inner, key + '.');
        continue;
      }
      rows.push({
        key,
        env: field?.env ?? null,
        type: typeName(s),
        default: defaultOf(s),
        description: s.description ?? '',
        secret: field?.secret ?? false,
      });
    }
  };
  walk(ConfigSchema.shape, '');
  return rows;
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown table written into docs/configuration.md and README.md. */
export function renderConfigTable(): string {
  const head = '| Key | Environment variable | Type | Default | Description |\n|---|---|---|---|---|';
  const body = configRows().map(
    (r) =>
      `| \`${r.key}\` | ${r.env ? `\`${r.env}\`` : '—'} | ${r.type} | ${r.default === null ? '—' : `\`${esc(r.default)}\``} | ${esc(r.description)}${r.secret ? ' (secret)' : ''} |`,
  );
  return [head, ...body].join('\n');
}
