// Time stamps as the export writes them, and as spreadsheets rewrite them:
// "2025-01-10 07:30:00+0000" (Zepp's SPORT file: real UTC), ISO 8601 with
// "T"/"Z"/"+01:00", slashes instead of dashes, no seconds, no zone at all (a
// local wall-clock time), or Unix seconds / milliseconds. Pure.

/** UTC milliseconds, or null when the text is not a time. `offsetAt` turns a zone-less local time into UTC. */
export function parseExportTime(text: string, offsetAt: (localAsUtcMs: number) => number): number | null {
  const s = text.trim();
  if (/^\d{9,10}$/.test(s)) return Number(s) * 1000;
  if (/^\d{12,13}$/.test(s)) return Number(s);
  const m =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      s,
    );
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi),
    second = Number(sec ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const wall = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  if (new Date(wall).getUTCDate() !== day) return null; // 31 April and the like
  if (zone === undefined) return wall - offsetAt(wall) * 1000;
  if (/^(Z|UTC|GMT)$/i.test(zone)) return wall;
  const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const offset = (zm[1] === '-' ? -1 : 1) * (Number(zm[2]) * 3600 + Number(zm[3] ?? 0) * 60);
  return wall - offset * 1000;
}
