// The one JSON object a --json command prints (kept apart from output.ts, whose
// progress bars a command loads only when it syncs).
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
