// Removes secrets from anything on its way to a log line, a webhook or an
// error shown to the user (DESIGN §4.5). Two nets: the exact values we know
// are secret (registered at start and whenever a token is issued), and
// anything shaped like a credential (token fields, Bearer headers, URL
// passwords) for values we were never told about.

export const REDACTED = '[redacted]';

// Compared after lower-casing and dropping '_' and '-': access_token, accessToken, Access-Token...
const SECRET_FIELD_NAMES = new Set([
  'accesstoken',
  'refreshtoken',
  'clientsecret',
  'password',
  'passwd',
  'apptoken',
  'authorization',
  'token',
  'secret',
  'secretkey',
  'apikey',
  'cookie',
  'setcookie',
  'logintoken',
  'idtoken',
  'proxyauthorization',
  'xapikey',
]);

export function isSecretField(name: string): boolean {
  const n = name.toLowerCase().replace(/[-_]/g, '');
  return SECRET_FIELD_NAMES.has(n) || n.endsWith('token') || n.endsWith('secret') || n.endsWith('password');
}

const FIELD_NAME = String.raw`(?:access[_-]?token|refresh[_-]?token|client[_-]?secret|app[_-]?token|login[_-]?token|id[_-]?token|password|passwd|secret[_-]?key|api[_-]?key|token)`;
const PATTERNS: readonly [RegExp, string][] = [
  // "access_token":"abc" (JSON) — keep the key, drop the value
  [new RegExp(String.raw`("${FIELD_NAME}"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // access_token=abc (query strings, form bodies), access_token: abc
  [new RegExp(String.raw`\b(${FIELD_NAME})(\s*[=:]\s*)(?!\[redacted\])[^\s&,;"'}]+`, 'gi'), `$1$2${REDACTED}`],
  // Authorization: Bearer xyz / Basic xyz
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`],
  // OAuth authorization codes in callback URLs (a bare "code" field is our failure code, so only in queries)
  [/([?&]code=)[^&\s#"']+/g, `$1${REDACTED}`],
  // scheme://user:password@host
  [/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]+@/gi, `$1${REDACTED}@`],
];

export interface Redactor {
  /** Registers a value that must never be shown (short values are ignored: they would mangle ordinary text). */
  addSecret(value: string | null | undefined): void;
  redact(text: string): string;
  /** Deep copy with secret-named fields replaced and every string redacted. */
  redactValue<T>(value: T): T;
}

export function createRedactor(initial: Iterable<string> = []): Redactor {
  const secrets = new Set<string>();
  let ordered: string[] = [];
  const addSecret = (value: string | null | undefined) => {
    if (!value || value.length < 4 || secrets.has(value)) return;
    secrets.add(value);
    for (const variant of [encodeURIComponent(value), Buffer.from(value).toString('base64')])
      if (variant !== value && variant.length >= 4) secrets.add(variant);
    // Longest first so a secret containing another is replaced whole.
    ordered = [...secrets].sort((a, b) => b.length - a.length);
  };
  for (const s of initial) addSecret(s);

  const redact = (text: string): string => {
    let out = text;
    for (const s of ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
    return out;
  };

  const redactValue = <T>(value: T): T => walk(value, new WeakSet()) as T;
  const walk = (value: unknown, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return redact(value);
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      return { name: value.name, message: redact(value.message), ...(code !== undefined ? { code } : {}) };
    }
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Date) return value.toISOString();
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => walk(v, seen));
    if (value instanceof Headers) return walk(Object.fromEntries(value.entries()), seen);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Booleans and numbers under a token-ish name (hasToken, tokenExpiresAt) carry no secret.
      out[k] =
        isSecretField(k) && (typeof v === 'string' ? v !== '' : typeof v === 'object' && v !== null)
          ? REDACTED
          : walk(v, seen);
    }
    return out;
  };

  return { addSecret, redact, redactValue };
}
