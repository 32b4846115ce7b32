// Kept apart from db-postgres.ts so that naming a URL in a message does not load
// the PostgreSQL driver (the embedded store never needs it).
/** A connection string fit for messages: the password never appears. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable database URL)';
  }
}
