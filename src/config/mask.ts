// The effective config with secrets masked, for `config show` and logs.
import { SECRET_PATHS, type Config } from '../config.js';

export const MASK = '********';

/** Keeps a URL's scheme and host so the reader can tell which server is meant; hides credentials, path and query. */
function maskUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.username ? `${MASK}@` : ''}${u.host}/${MASK}`;
  } catch {
    return MASK;
  }
}

export function maskConfig(config: Config): Record<string, unknown> {
  const walk = (value: unknown, at: string): unknown => {
    if (SECRET_PATHS.has(at) && typeof value === 'string')
      return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? maskUrl(value) : MASK;
    if (Array.isArray(value)) return value.map((v) => walk(v, at));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, at ? `${at}.${k}` : k)]));
    }
    return value;
  };
  return walk(config, '') as Record<string, unknown>;
}

/** Every secret value present in the config, for the log redactor. */
export function configSecrets(config: Config): string[] {
  const out: string[] = [];
  for (const p of SECRET_PATHS) {
    let v: unknown = config;
    for (const k of p.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (typeof v === 'string' && v) {
      out.push(v);
      try {
        const u = new URL(v);
        if (u.password) out.push(decodeURIComponent(u.password));
      } catch {
        /* not a URL */
      }
    }
  }
  return out;
}
