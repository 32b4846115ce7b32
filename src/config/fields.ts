// Per-key facts beyond the value's type, read from the config schema itself:
// each key's schema says `.meta({ env, secret })` beside its description, so
// a key is written down once. Paths are dotted (`notify.email.host`).
import type { z } from 'zod';

export interface FieldInfo {
  /** Dotted path in the config (`notify.email.host`). */
  readonly path: string;
  /** The environment variable that sets it. */
  readonly env?: string;
  /** Masked by `config show` and registered with the log redactor. */
  readonly secret?: boolean;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
}

/** The object shape under optional/default/prefault wrappers, or null for a leaf. */
function shapeOf(s: z.ZodType): Record<string, z.ZodType> | null {
  const def = s._zod.def as unknown as Def;
  if ((def.type === 'optional' || def.type === 'default' || def.type === 'prefault') && def.innerType)
    return shapeOf(def.innerType);
  return def.type === 'object' ? (s as unknown as { shape: Record<string, z.ZodType> }).shape : null;
}

/** Every leaf key of an object schema (tables are walked into, not listed), with its env var and secrecy. */
export function fieldsOf(schema: z.ZodType, prefix = ''): FieldInfo[] {
  const out: FieldInfo[] = [];
  for (const [key, s] of Object.entries(shapeOf(schema) ?? {})) {
    const path = prefix + key;
    const meta = s.meta() as { env?: unknown; secret?: unknown } | undefined;
    const env = typeof meta?.env === 'string' ? meta.env : undefined;
    if (shapeOf(s) && !env) for (const f of fieldsOf(s, `${path}.`)) out.push(f);
    else out.push({ path, ...(env ? { env } : {}), ...(meta?.secret === true ? { secret: true } : {}) });
  }
  return out;
}
