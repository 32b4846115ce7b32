// Both engines return timestamptz as Date and jsonb as parsed values; these
// helpers normalise the few remaining differences in one place.

export function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** jsonb parameters are always sent as text: pg would turn JS arrays into SQL arrays. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}
